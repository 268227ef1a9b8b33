// Unit tests for the unified log line parser and its inverse FormatLogLine.
#include "subjects/tikv/logs/log_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/logs/log_event.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s, int ms) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()) +
         absl::Milliseconds(ms);
}

TEST(ParseLogLine, HeaderMessageAndFields) {
  ASSERT_OK_AND_ASSIGN(
      LogEvent e, ParseLogLine("[2024/07/30 22:31:00.444 +08:00] [WARN] [cluster.go:1516] "
                               "[\"store has been offline\"] [store-id=166543141] "
                               "[store-address=127.0.0.1:20164] [physically-destroyed=false]"));
  EXPECT_EQ(e.time, Utc(2024, 7, 30, 14, 31, 0, 444));
  EXPECT_EQ(e.utc_offset_seconds, 8 * 3600);
  EXPECT_EQ(e.level, LogLevel::kWarn);
  EXPECT_EQ(e.source, "cluster.go:1516");
  EXPECT_EQ(e.message, "store has been offline");
  EXPECT_THAT(e.fields, ElementsAre(LogField{"store-id", "166543141"},
                                    LogField{"store-address", "127.0.0.1:20164"},
                                    LogField{"physically-destroyed", "false"}));
  ASSERT_NE(e.Field("store-address"), nullptr);
  EXPECT_EQ(*e.Field("store-address"), "127.0.0.1:20164");
  EXPECT_EQ(e.Field("region-id"), nullptr);
}

TEST(ParseLogLine, NegativeOffsetAndUnknownSource) {
  // RFC sample 2.
  ASSERT_OK_AND_ASSIGN(LogEvent e, ParseLogLine("[2013/01/05 00:01:15.000 -07:00] [WARN] "
                                                "[<unknown>] [DDL_Finished] [ddl_job_id=1] "
                                                "[duration=1.3s]"));
  EXPECT_EQ(e.time, Utc(2013, 1, 5, 7, 1, 15, 0));
  EXPECT_EQ(e.utc_offset_seconds, -7 * 3600);
  EXPECT_EQ(e.source, "<unknown>");
  EXPECT_EQ(e.message, "DDL_Finished");
  EXPECT_EQ(e.fields.size(), 2u);
}

TEST(ParseLogLine, JsonEscapesInMessageKeysAndValues) {
  // RFC sample fields: a quoted ']' must not end the field.
  ASSERT_OK_AND_ASSIGN(
      LogEvent e,
      ParseLogLine(R"([2018/12/15 14:20:11.015 +08:00] [WARN] [session.go:1234] ["Slow query"] )"
                   R"([sql="SELECT * FROM TABLE\nWHERE ID=\"abc\""] ["user name"=foo] )"
                   R"x([sql2="insert into t values (\"]This should not break log parsing!\")"])x"));
  EXPECT_EQ(e.message, "Slow query");
  EXPECT_THAT(e.fields,
              ElementsAre(LogField{"sql", "SELECT * FROM TABLE\nWHERE ID=\"abc\""},
                          LogField{"user name", "foo"},
                          LogField{"sql2", "insert into t values (\"]This should not break log "
                                           "parsing!\")"}));
}

TEST(ParseLogLine, AllEscapes) {
  ASSERT_OK_AND_ASSIGN(
      LogEvent e,
      ParseLogLine(R"([2019/01/15 13:40:39.619 +08:00] [ERROR] [a.rs:1] ["a\\b\/c\bd\fe\rf\tg"] )"
                   R"([u="\u00e9\u6b22\ud83d\udc96\u0001"])"));
  EXPECT_EQ(e.message, "a\\b/c\bd\fe\rf\tg");
  EXPECT_EQ(e.fields[0].value, "\xc3\xa9\xe6\xac\xa2\xf0\x9f\x92\x96\x01");  // é 欢 💖 \x01
}

TEST(ParseLogLine, EmptyAndUnicodeRawMessages) {
  ASSERT_OK_AND_ASSIGN(LogEvent empty,
                       ParseLogLine("[2019/01/15 13:40:39.619 +08:00] [INFO] [mod.rs:469] [] "
                                    "[raft_id=1]"));
  EXPECT_EQ(empty.message, "");
  ASSERT_OK_AND_ASSIGN(LogEvent utf8, ParseLogLine("[2019/01/15 13:40:39.619 +08:00] [INFO] "
                                                   "[mod.rs:471] [欢迎] [additional-info=]"));
  EXPECT_EQ(utf8.message, "欢迎");
  EXPECT_THAT(utf8.fields, ElementsAre(LogField{"additional-info", ""}));
}

TEST(ParseLogLine, ToleratesCrlfTrailingSpacesAndFractions) {
  EXPECT_THAT(ParseLogLine("[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x] [k=v]\r"), IsOk());
  EXPECT_THAT(ParseLogLine("[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x]   "), IsOk());
  ASSERT_OK_AND_ASSIGN(LogEvent no_fraction,
                       ParseLogLine("[2019/01/15 13:40:39 +00:00] [TRACE] [a.rs:1] [x]"));
  EXPECT_EQ(no_fraction.time, Utc(2019, 1, 15, 13, 40, 39, 0));
  EXPECT_EQ(no_fraction.level, LogLevel::kTrace);
  ASSERT_OK_AND_ASSIGN(LogEvent nanos,
                       ParseLogLine("[2019/01/15 13:40:39.123456789 +00:00] [DEBUG] [a.rs:1] [x]"));
  EXPECT_EQ(nanos.time, Utc(2019, 1, 15, 13, 40, 39, 0) + absl::Nanoseconds(123456789));
}

TEST(ParseLogLine, AllLevels) {
  for (auto [name, level] : {std::pair{"DEBUG", LogLevel::kDebug},
                             {"INFO", LogLevel::kInfo},
                             {"WARN", LogLevel::kWarn},
                             {"ERROR", LogLevel::kError},
                             {"FATAL", LogLevel::kFatal}}) {
    ASSERT_OK_AND_ASSIGN(LogEvent e, ParseLogLine(absl::StrCat("[2019/01/15 13:40:39.619 +08:00] [",
                                                               name, "] [a.rs:1] [x]")));
    EXPECT_EQ(e.level, level);
    EXPECT_EQ(LogLevelName(level), name);
  }
}

struct BadLine {
  const char* line;
  int column;
  const char* what;
};

class MalformedLineTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(MalformedLineTest, InvalidArgumentWithColumn) {
  const BadLine& bad = GetParam();
  EXPECT_THAT(ParseLogLine(bad.line),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(StartsWith(absl::StrCat("column ", bad.column, ": ")),
                                        HasSubstr(bad.what))))
      << bad.line;
}

INSTANTIATE_TEST_SUITE_P(
    ParseLogLine, MalformedLineTest,
    ::testing::Values(
        BadLine{"", 1, "expected '['"}, BadLine{"hello", 1, "expected '['"},
        BadLine{"[2019/1/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x]", 7, "2 digits of the month"},
        BadLine{"[2019/13/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x]", 2, "out of range"},
        BadLine{"[2019/02/30 13:40:39.619 +08:00] [INFO] [a.rs:1] [x]", 2, "out of range"},
        BadLine{"[2019/01/15 25:40:39.619 +08:00] [INFO] [a.rs:1] [x]", 2, "out of range"},
        BadLine{"[2019/01/15 13:40:39. +08:00] [INFO] [a.rs:1] [x]", 22, "digits after '.'"},
        BadLine{"[2019/01/15 13:40:39.619 08:00] [INFO] [a.rs:1] [x]", 26, "'+' or '-'"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00]", 33, "[LEVEL]"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [NOTICE] [a.rs:1] [x]", 35, "unknown level"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [] [x]", 42, "empty source"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1]", 49, "[message]"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [\"abc]", 51,
                "unterminated quoted string"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [\"a\" b]", 54,
                "expected ']' after quoted message"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [\"a\\qb\"]", 53,
                "invalid escape"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [\"\\u12\"]", 56, "hex digits"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [\"\\ud83d\"]", 52,
                "unpaired high surrogate"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x] [novalue]", 62,
                "expected '=' in field"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x] [=v]", 55, "empty field key"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x] [k=v", 58, "unterminated"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x]junk", 53, "expected ' ['"},
        BadLine{"[2019/01/15 13:40:39.619 +08:00] [INFO] [a.rs:1] [x] junk", 54, "expected '['"}));

TEST(ClassifyLine, Kinds) {
  EXPECT_EQ(ClassifyLine(""), LineKind::kBlank);
  EXPECT_EQ(ClassifyLine(" \t\r"), LineKind::kBlank);
  EXPECT_EQ(ClassifyLine("[2019/01/15 13:40:39.619 +08:00] [INFO]"), LineKind::kRecord);
  EXPECT_EQ(ClassifyLine("goroutine 1 [running]:"), LineKind::kContinuation);
  EXPECT_EQ(ClassifyLine("   0: std::sys::backtrace"), LineKind::kContinuation);
  EXPECT_EQ(ClassifyLine("[x"), LineKind::kContinuation);
}

TEST(FormatLogLine, EncodesOnlyWhatNeedsIt) {
  LogEvent e;
  e.time = Utc(2019, 1, 15, 5, 40, 39, 619);
  e.utc_offset_seconds = 8 * 3600;
  e.level = LogLevel::kWarn;
  e.source = "mod.rs:473";
  e.message = "failed to \"fetch\" [URL]";
  e.fields = {{"process keys", "1500"},
              {"k", "a=b"},
              {"ctl", std::string("x\x01y\n", 4)},
              {"plain", "http://example.com"},
              {"empty", ""}};
  const std::string line = FormatLogLine(e);
  EXPECT_EQ(line,
            "[2019/01/15 13:40:39.619 +08:00] [WARN] [mod.rs:473] [\"failed to \\\"fetch\\\" "
            "[URL]\"] [\"process keys\"=1500] [k=\"a=b\"] [ctl=\"x\\u0001y\\n\"] "
            "[plain=http://example.com] [empty=]");
  ASSERT_OK_AND_ASSIGN(LogEvent back, ParseLogLine(line));
  EXPECT_EQ(back, e);
}

TEST(NeedsJsonEncoding, RfcCharacterList) {
  EXPECT_FALSE(NeedsJsonEncoding("region_id"));
  EXPECT_FALSE(NeedsJsonEncoding("欢迎"));
  EXPECT_FALSE(NeedsJsonEncoding("{0}"));
  for (const char* s : {"a b", "a\"", "a=b", "[", "]", "\t", ""}) {
    if (*s != '\0') {
      EXPECT_TRUE(NeedsJsonEncoding(s)) << s;
    }
  }
  EXPECT_TRUE(NeedsJsonEncoding(absl::string_view("\0", 1)));
  EXPECT_FALSE(NeedsJsonEncoding(""));
}

}  // namespace
}  // namespace ops::tikv
