#include "clients/cli/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/status/status_matchers.h"

namespace ops::cli {
namespace {

using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<OptionSpec>& Specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"limit", "N", "how many"},
      {"from-seq", "N", "where to start"},
      {"tickets_addr", "HOST:PORT", "where"},
      {"output", "FORMAT", "how", 'o'},
      {"verbose", "", "a switch"},
  };
  return kSpecs;
}

TEST(ArgsTest, ParsesValuesInAllForms) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args, ParseArgs({"--limit", "5", "T-1", "--from-seq=7", "-o",
                                                   "json", "--verbose", "T-2"},
                                                  Specs()));
  EXPECT_EQ(args.Get("limit"), "5");
  EXPECT_EQ(args.Get("from-seq"), "7");
  EXPECT_EQ(args.Get("output"), "json");
  EXPECT_EQ(args.Get("verbose"), "true");
  EXPECT_EQ(args.Get("missing", "dflt"), "dflt");
  EXPECT_THAT(args.positionals, ElementsAre("T-1", "T-2"));
  EXPECT_FALSE(args.help);
}

TEST(ArgsTest, DashesAndUnderscoresAreInterchangeable) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args,
                       ParseArgs({"--from_seq", "3", "--tickets-addr=h:1"}, Specs()));
  EXPECT_EQ(args.Get("from-seq"), "3");
  EXPECT_EQ(args.Get("tickets_addr"), "h:1");
}

TEST(ArgsTest, RepeatedOptionsKeepEveryValueAndTheLastWins) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args, ParseArgs({"--limit=1", "--limit=2"}, Specs()));
  EXPECT_THAT(args.GetAll("limit"), ElementsAre("1", "2"));
  EXPECT_EQ(args.Get("limit"), "2");
}

TEST(ArgsTest, HelpAndDoubleDash) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args, ParseArgs({"-h", "--", "--limit", "-x"}, Specs()));
  EXPECT_TRUE(args.help);
  EXPECT_THAT(args.positionals, ElementsAre("--limit", "-x"));
}

TEST(ArgsTest, StopAtPositionalLeavesTheRest) {
  ASSERT_OK_AND_ASSIGN(ParsedArgs args,
                       ParseArgs({"-o", "json", "tickets", "list", "--limit", "3"}, Specs(),
                                 /*stop_at_positional=*/true));
  EXPECT_EQ(args.Get("output"), "json");
  EXPECT_THAT(args.rest, ElementsAre("tickets", "list", "--limit", "3"));
}

TEST(ArgsTest, ErrorsNameTheProblem) {
  EXPECT_THAT(ParseArgs({"--limt", "3"}, Specs()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown option --limt (did you mean --limit?)")));
  EXPECT_THAT(
      ParseArgs({"--limit"}, Specs()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("option --limit needs a value (N)")));
  EXPECT_THAT(ParseArgs({"--verbose=yes"}, Specs()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("takes no value")));
  EXPECT_THAT(ParseArgs({"-z"}, Specs()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown option -z")));
}

TEST(ArgsTest, OptionsHelpListsEveryOption) {
  const std::string help = FormatOptionsHelp(Specs(), 80);
  EXPECT_THAT(help, HasSubstr("  --limit N"));
  EXPECT_THAT(help, HasSubstr("  -o, --output FORMAT"));
  EXPECT_THAT(help, HasSubstr("  --verbose "));
  EXPECT_THAT(help, HasSubstr("a switch"));
}

}  // namespace
}  // namespace ops::cli
