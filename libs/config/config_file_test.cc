#include "libs/config/config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "libs/status/status_matchers.h"

namespace ops::config {
namespace {

using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

auto Entry(const std::string& key, const std::string& value, int line) {
  return ::testing::AllOf(Field(&ConfigEntry::key, key), Field(&ConfigEntry::value, value),
                          Field(&ConfigEntry::line, line));
}

TEST(ParseFlatYamlTest, ParsesScalarsCommentsQuotesAndLists) {
  constexpr absl::string_view kText = R"(# observer settings
---
pd_endpoints: [http://pd1:2379, "http://pd2:2379"]
port: 9000   # trailing comment
name: 'it''s # not a comment'
label: "tab\tand \"quote\""
empty:

stores:
  - 1
  - "2"
- 3
url: http://x/#anchor
)";
  auto parsed = ParseFlatYaml(kText, "a.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto entries = *parsed;
  EXPECT_THAT(entries,
              ElementsAre(Entry("pd_endpoints", "http://pd1:2379,http://pd2:2379", 3),
                          Entry("port", "9000", 4), Entry("name", "it's # not a comment", 5),
                          Entry("label", "tab\tand \"quote\"", 6), Entry("empty", "", 7),
                          Entry("stores", "1,2,3", 9), Entry("url", "http://x/#anchor", 13)));
}

TEST(ParseFlatYamlTest, AcceptsWindowsLineEndingsAndEmptyDocument) {
  ASSERT_OK_AND_ASSIGN(auto entries, ParseFlatYaml("a: 1\r\nb: two\r\n", "w.yaml"));
  EXPECT_THAT(entries, ElementsAre(Entry("a", "1", 1), Entry("b", "two", 2)));
  ASSERT_OK_AND_ASSIGN(auto none, ParseFlatYaml("# only comments\n\n", "e.yaml"));
  EXPECT_TRUE(none.empty());
}

struct BadYaml {
  const char* text;
  const char* message;  // expected in the error, after "bad.yaml:<line>: "
  int line;
};

class ParseFlatYamlErrorTest : public ::testing::TestWithParam<BadYaml> {};

TEST_P(ParseFlatYamlErrorTest, NamesFileAndLine) {
  const BadYaml& c = GetParam();
  EXPECT_THAT(ParseFlatYaml(c.text, "bad.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr(absl::StrCat("bad.yaml:", c.line, ": ")),
                                        HasSubstr(c.message))));
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ParseFlatYamlErrorTest,
    ::testing::Values(
        BadYaml{"a: 1\npd:\n  host: x\n", "nested mappings or indented", 3},
        BadYaml{"a: 1\n  b: 2\n", "nested mappings or indented", 2},
        BadYaml{"a: 1\njust text\n", "expected `key: value`", 2},
        BadYaml{"a: {b: 1}\n", "nested mappings", 1}, BadYaml{"a: [1, [2]]\n", "nested lists", 1},
        BadYaml{"a: [1, 2\n", "[a, b] on one line", 1}, BadYaml{"a: \"open\n", "unterminated", 1},
        BadYaml{"a: 'x' y\n", "after closing quote", 1}, BadYaml{"a: |\n  text\n", "multi-line", 1},
        BadYaml{"a: &x 1\n", "anchors", 1}, BadYaml{"- x\n", "without a preceding", 1},
        BadYaml{"a: 1\nb: 2\na: 3\n", "duplicate key \"a\" (first set on line 1)", 3},
        BadYaml{"a: 1\n---\nb: 2\n", "one YAML document", 2},
        BadYaml{"a:\n  - - x\n", "nested lists", 2},
        BadYaml{"a:\n  - k: v\n", "nested mappings", 2},
        BadYaml{"a:b\n", "expected `key: value`", 1}));

TEST(ParseJsonConfigTest, FlattensScalarsAndArrays) {
  constexpr absl::string_view kText = R"({
  "pd_endpoints": ["http://pd1:2379", "http://pd2:2379"],
  "port": 9000,
  "ratio": 0.5,
  "verbose": true,
  "name": "obs"
})";
  ASSERT_OK_AND_ASSIGN(auto entries, ParseJsonConfig(kText, "a.json"));
  EXPECT_THAT(entries, ElementsAre(Entry("pd_endpoints", "http://pd1:2379,http://pd2:2379", 2),
                                   Entry("port", "9000", 3), Entry("ratio", "0.5", 4),
                                   Entry("verbose", "true", 5), Entry("name", "obs", 6)));
}

TEST(ParseJsonConfigTest, SyntaxErrorNamesLine) {
  EXPECT_THAT(ParseJsonConfig("{\n  \"a\": 1,\n  \"b\": ,\n}", "bad.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.json:3: invalid JSON")));
}

TEST(ParseJsonConfigTest, RejectsNestingAndNonObjects) {
  EXPECT_THAT(ParseJsonConfig("{\n\"a\": {\"b\": 1}}", "n.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("n.json:2: key \"a\": nested objects")));
  EXPECT_THAT(ParseJsonConfig("{\"a\": [[1]]}", "n.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nested")));
  EXPECT_THAT(ParseJsonConfig("{\"a\": null}", "n.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("null")));
  EXPECT_THAT(ParseJsonConfig("[1, 2]", "n.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON object")));
}

TEST(LoadConfigFileTest, PicksFormatByExtensionOrContent) {
  std::string dir = ::testing::TempDir();
  std::string json_path = dir + "/cfg_load_test.json";
  std::string yaml_path = dir + "/cfg_load_test.yml";
  std::string sniff_path = dir + "/cfg_load_test.conf";
  std::ofstream(json_path) << R"({"a": "1"})";
  std::ofstream(yaml_path) << "a: 2\n";
  std::ofstream(sniff_path) << "  {\"a\": 3}";
  ASSERT_OK_AND_ASSIGN(auto json, LoadConfigFile(json_path));
  ASSERT_OK_AND_ASSIGN(auto yaml, LoadConfigFile(yaml_path));
  ASSERT_OK_AND_ASSIGN(auto sniffed, LoadConfigFile(sniff_path));
  EXPECT_THAT(json, ElementsAre(Entry("a", "1", 1)));
  EXPECT_THAT(yaml, ElementsAre(Entry("a", "2", 1)));
  EXPECT_THAT(sniffed, ElementsAre(Entry("a", "3", 1)));
  EXPECT_THAT(LoadConfigFile(dir + "/does_not_exist.yaml"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("does_not_exist.yaml")));
}

}  // namespace
}  // namespace ops::config
