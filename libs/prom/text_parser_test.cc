#include "libs/prom/text_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/status/status_matchers.h"

namespace ops::prom {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(TextParserTest, ParsesTypedFamiliesWithSuffixes) {
  constexpr absl::string_view kText =
      "# HELP req_duration Request latency.\n"
      "# TYPE req_duration histogram\n"
      "req_duration_bucket{le=\"0.1\"} 1\n"
      "req_duration_bucket{le=\"+Inf\"} 3\n"
      "req_duration_sum 0.75\n"
      "req_duration_count 3\n"
      "# TYPE rpc summary\n"
      "rpc{quantile=\"0.5\"} 0.2\n"
      "rpc_sum 4\n"
      "rpc_count 10\n"
      "# TYPE ops counter\n"
      "ops_total 7\n"
      "loose_metric 5\n";
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(kText));
  ASSERT_THAT(families, SizeIs(4));
  EXPECT_EQ(families[0].name, "req_duration");
  EXPECT_EQ(families[0].help, "Request latency.");
  EXPECT_EQ(families[0].type, MetricType::kHistogram);
  ASSERT_THAT(families[0].samples, SizeIs(4));
  EXPECT_EQ(families[0].samples[1].name, "req_duration_bucket");
  EXPECT_THAT(families[0].samples[1].labels, ElementsAre(Label{"le", "+Inf"}));
  EXPECT_EQ(families[0].samples[2].name, "req_duration_sum");
  EXPECT_DOUBLE_EQ(families[0].samples[2].value, 0.75);
  EXPECT_EQ(families[1].type, MetricType::kSummary);
  EXPECT_THAT(families[1].samples, SizeIs(3));
  EXPECT_EQ(families[2].name, "ops");
  EXPECT_EQ(families[2].type, MetricType::kCounter);
  ASSERT_THAT(families[2].samples, SizeIs(1));
  EXPECT_EQ(families[2].samples[0].name, "ops_total");
  EXPECT_EQ(families[3].name, "loose_metric");
  EXPECT_EQ(families[3].type, MetricType::kUntyped);
}

TEST(TextParserTest, HandlesLexicalCornerCases) {
  constexpr absl::string_view kText =
      "# just a comment\r\n"
      "\n"
      "   \t\n"
      "# HELP m Help with \\\\ backslash and \\n newline.\r\n"
      "# TYPE m gauge   \n"
      "m{a=\"x,y\",b=\"{}\",c=\"say \\\"hi\\\"\\n\\\\\",} 1.5e3 1634094873150   \r\n"
      "m{} -Inf\n"
      "m { a = \"sp\" } +Inf\n"
      "m{a=\"n\"} NaN\n"
      "m{a=\"g\"} 6.2725623808e+10";  // No final newline.
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(kText));
  ASSERT_THAT(families, SizeIs(1));
  const MetricFamily& m = families[0];
  EXPECT_EQ(m.help, "Help with \\ backslash and \n newline.");
  EXPECT_EQ(m.type, MetricType::kGauge);
  ASSERT_THAT(m.samples, SizeIs(5));
  EXPECT_THAT(m.samples[0].labels,
              ElementsAre(Label{"a", "x,y"}, Label{"b", "{}"}, Label{"c", "say \"hi\"\n\\"}));
  EXPECT_DOUBLE_EQ(m.samples[0].value, 1500);
  EXPECT_EQ(m.samples[0].timestamp_ms, 1634094873150);
  EXPECT_TRUE(m.samples[1].labels.empty());
  EXPECT_EQ(m.samples[1].value, -std::numeric_limits<double>::infinity());
  EXPECT_FALSE(m.samples[1].timestamp_ms.has_value());
  EXPECT_THAT(m.samples[2].labels, ElementsAre(Label{"a", "sp"}));
  EXPECT_EQ(m.samples[2].value, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(m.samples[3].value));
  EXPECT_DOUBLE_EQ(m.samples[4].value, 62725623808.0);
}

TEST(TextParserTest, SeparatedSamplesJoinTheirDeclaredFamily) {
  constexpr absl::string_view kText =
      "# TYPE h histogram\n"
      "# TYPE g gauge\n"
      "g 1\n"
      "h_count 2\n"
      "h_bucket{le=\"+Inf\"} 2\n";
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(kText));
  ASSERT_THAT(families, SizeIs(2));
  EXPECT_EQ(families[0].name, "h");
  EXPECT_THAT(families[0].samples, SizeIs(2));
  EXPECT_THAT(families[1].samples, SizeIs(1));
}

TEST(TextParserTest, UntypedSuffixesDoNotJoinAGauge) {
  // _sum only belongs to histograms and summaries; for a gauge it is a family of its own.
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families,
                       ParseFamilies("# TYPE x gauge\nx 1\nx_sum 2\n"));
  ASSERT_THAT(families, SizeIs(2));
  EXPECT_EQ(families[1].name, "x_sum");
  EXPECT_EQ(families[1].type, MetricType::kUntyped);
}

TEST(TextParserTest, EmptyInputHasNoFamilies) {
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(""));
  EXPECT_TRUE(families.empty());
}

class CountingVisitor : public ParseVisitor {
 public:
  void OnHelp(absl::string_view, absl::string_view) override { ++helps; }
  void OnType(absl::string_view, MetricType) override { ++types; }
  void OnSample(const SampleView& s) override {
    ++samples;
    last_line = s.line;
    last_family = std::string(s.family);
  }
  int helps = 0, types = 0, samples = 0, last_line = 0;
  std::string last_family;
};

TEST(TextParserTest, VisitorSeesLinesAndFamilies) {
  TextParser parser;
  CountingVisitor v;
  ASSERT_THAT(parser.Parse("# HELP a x\n# TYPE a histogram\na_bucket{le=\"1\"} 1\n\na_sum 1\n", v),
              IsOk());
  EXPECT_EQ(v.helps, 1);
  EXPECT_EQ(v.types, 1);
  EXPECT_EQ(v.samples, 2);
  EXPECT_EQ(v.last_line, 5);
  EXPECT_EQ(v.last_family, "a");
  // The parser is reusable: family state does not leak between bodies.
  CountingVisitor again;
  ASSERT_THAT(parser.Parse("# TYPE a gauge\na 1\n", again), IsOk());
  EXPECT_EQ(again.samples, 1);
}

TEST(ParseSampleValueTest, AcceptsPrometheusSpellings) {
  struct Case {
    const char* text;
    double want;
  };
  for (const Case& c : std::vector<Case>{{"0", 0},
                                         {"-1249664", -1249664},
                                         {"1634094873.15", 1634094873.15},
                                         {"0.0000283", 0.0000283},
                                         {"1.52e-05", 1.52e-05},
                                         {"1.6340948726e+09", 1.6340948726e+09},
                                         {"+5", 5},
                                         {"1E3", 1000}}) {
    double v = 0;
    EXPECT_TRUE(ParseSampleValue(c.text, &v)) << c.text;
    EXPECT_DOUBLE_EQ(v, c.want) << c.text;
  }
  double v = 0;
  EXPECT_TRUE(ParseSampleValue("+Inf", &v));
  EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(ParseSampleValue("-Inf", &v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(ParseSampleValue("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(ParseSampleValue("1e-400", &v));  // Underflow is 0, as in Go.
  EXPECT_EQ(v, 0);
  for (const char* bad :
       {"1e400", "-1e400", "", "+", "+-1", "1.2.3", "abc", "1e", "0x10", "1 ", "--1"}) {
    EXPECT_FALSE(ParseSampleValue(bad, &v)) << bad;
  }
}

struct BadCase {
  const char* name;
  std::string text;
  int line;
  const char* what;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class MalformedTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(MalformedTest, FailsWithLineNumber) {
  const BadCase& c = GetParam();
  EXPECT_THAT(ParseFamilies(c.text),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(absl::StrCat("line ", c.line, ": ", c.what))));
}

// Each input starts with two good lines so the line number must be counted, not guessed.
const std::string kGood = "# TYPE ok gauge\nok 1\n";

INSTANTIATE_TEST_SUITE_P(
    TextParser, MalformedTest,
    ::testing::Values(
        BadCase{"NameStartsWithDigit", kGood + "1abc 1\n", 3, "invalid metric name"},
        BadCase{"NameWithDash", kGood + "foo-bar 1\n", 3, "invalid metric name"},
        BadCase{"BadLabelName", kGood + "foo{1a=\"x\"} 1\n", 3, "invalid label name"},
        BadCase{"UnterminatedLabelValue", kGood + "foo{a=\"x} 1\n", 3, "unterminated label value"},
        BadCase{"UnterminatedLabelSet", kGood + "foo{a=\"x\"\n", 3, "expected ',' or '}'"},
        BadCase{"MissingEquals", kGood + "foo{a \"x\"} 1\n", 3, "expected '='"},
        BadCase{"UnquotedLabelValue", kGood + "foo{a=x} 1\n", 3, "expected '\"'"},
        BadCase{"MissingValue", kGood + "foo\n", 3, "missing value"},
        BadCase{"MissingValueAfterLabels", kGood + "foo{a=\"b\"}   \n", 3, "missing value"},
        BadCase{"UnparsableValue", kGood + "foo 12abc\n", 3, "unparsable value"},
        BadCase{"BadTimestamp", kGood + "foo 1 12.5\n", 3, "bad timestamp"},
        BadCase{"TextAfterTimestamp", kGood + "foo 1 12 13\n", 3,
                "unexpected text after timestamp"},
        BadCase{"DuplicateType", kGood + "# TYPE ok counter\n", 3, "duplicate TYPE line for ok"},
        BadCase{"TypeAfterSamples", kGood + "bar 1\n# TYPE bar gauge\n", 4,
                "TYPE line for bar after its samples"},
        BadCase{"DuplicateHelp", "# HELP a x\n# HELP a y\n", 2, "duplicate HELP line for a"},
        BadCase{"UnknownType", kGood + "# TYPE foo gaugeish\n", 3, "unknown metric type"},
        BadCase{"MissingType", kGood + "# TYPE foo\n", 3, "missing type"},
        BadCase{"BadNameInType", kGood + "# TYPE 9foo gauge\n", 3, "invalid metric name in TYPE"},
        BadCase{"InvalidLabelEscape", kGood + "foo{a=\"\\t\"} 1\n", 3,
                "invalid escape sequence in label value"},
        BadCase{"InvalidHelpEscape", kGood + "# HELP foo a \\q b\n", 3,
                "invalid escape sequence in HELP"},
        BadCase{"CrlfCountsLines", "# TYPE a gauge\r\na 1\r\na x\r\n", 3, "unparsable value"},
        BadCase{"NulByte", kGood + std::string("foo\0 1\n", 7), 3, "invalid metric name"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(TextParserTest, ErrorQuotesAnExcerpt) {
  EXPECT_THAT(ParseFamilies("foo{a=\"x\"} notanumber\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("notanumber")));
  // Long lines are cut, and control bytes escaped, so the message stays one short line.
  std::string long_line = "foo " + std::string(500, 'x') + "\n";
  absl::Status status = ParseFamilies(long_line).status();
  EXPECT_LT(status.message().size(), 200u);
  EXPECT_THAT(ParseFamilies(std::string("foo \x01\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\\x01")));
}

TEST(TextParserTest, TruncatedInputsNeverCrash) {
  // Every prefix of a body exercising all constructs either parses or fails cleanly.
  const std::string body =
      "# HELP m Help \\\\ x\n# TYPE m histogram\n"
      "m_bucket{a=\"q\\\"\\n,}\",le=\"0.5\"} 1 123\nm_bucket{a=\"q\",le=\"+Inf\"} 2\nm_sum 1e-3\n";
  for (size_t n = 0; n <= body.size(); ++n) {
    absl::StatusOr<std::vector<MetricFamily>> result = ParseFamilies(body.substr(0, n));
    if (!result.ok()) {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << n;
    }
  }
}

TEST(TextParserTest, MutatedInputsNeverCrash) {
  // Deterministic byte mutations of a realistic body: the parser must answer OK or
  // INVALID_ARGUMENT every time (run under ASan in CI to catch out-of-bounds reads).
  const std::string body =
      "# HELP tikv_grpc_msg_duration_seconds Bucketed histogram \\\\ grpc\\n messages\n"
      "# TYPE tikv_grpc_msg_duration_seconds histogram\n"
      "tikv_grpc_msg_duration_seconds_bucket{type=\"kv_get\",le=\"0.0005\"} 12 1634094873150\n"
      "tikv_grpc_msg_duration_seconds_bucket{type=\"k\\\\v\\\"\",le=\"+Inf\"} 13\n"
      "tikv_grpc_msg_duration_seconds_sum{type=\"kv_get\",} 0.002291400000000001\n"
      "tikv_grpc_msg_duration_seconds_count{type=\"kv_get\"} 13\n"
      "untyped_one{} 1.6340948726e+09\n";
  ASSERT_THAT(ParseFamilies(body), IsOk());
  const char kAlphabet[] = "{}\",=\\\n\r #e+-.0aZ_:\t";
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245 + 12345, (seed >> 8); };
  int failures = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string mutated = body;
    for (int k = 1 + next() % 3; k > 0; --k) {
      size_t pos = next() % mutated.size();
      switch (next() % 3) {
        case 0:
          mutated[pos] = kAlphabet[next() % (sizeof(kAlphabet) - 1)];
          break;
        case 1:
          mutated.erase(pos, 1 + next() % 4);
          break;
        default:
          mutated.insert(pos, 1, kAlphabet[next() % (sizeof(kAlphabet) - 1)]);
      }
    }
    absl::StatusOr<std::vector<MetricFamily>> result = ParseFamilies(mutated);
    if (!result.ok()) {
      ++failures;
      ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << mutated;
      ASSERT_THAT(std::string(result.status().message()), ::testing::StartsWith("line "));
    }
  }
  EXPECT_GT(failures, 1000);  // The mutations do reach the error paths.
}

}  // namespace
}  // namespace ops::prom
