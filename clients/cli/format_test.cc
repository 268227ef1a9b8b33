#include "clients/cli/format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ops::cli {
namespace {

using ::testing::HasSubstr;

TEST(FormatTest, TruncateCutsWithEllipsisAndKeepsUtf8Whole) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("exactly10!", 10), "exactly10!");
  EXPECT_EQ(Truncate("store 4 is down hard", 10), "store 4 i\u2026");
  EXPECT_EQ(DisplayWidth(Truncate("store 4 is down hard", 10)), 10u);
  // "é" is two bytes but one column; never cut in the middle.
  EXPECT_EQ(Truncate("\u00e9\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u2026");
  EXPECT_EQ(Truncate("line\nbreak\ttab", 20), "line break tab");
  EXPECT_EQ(Truncate("abc", 0), "");
  EXPECT_EQ(Truncate("abc", 1), "\u2026");
}

TEST(FormatTest, FormatAgeUsesTwoUnitsWhileSmall) {
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_EQ(FormatAge(now, now), "just now");
  EXPECT_EQ(FormatAge(now, now - absl::Milliseconds(999)), "just now");
  EXPECT_EQ(FormatAge(now, now - absl::Seconds(45)), "45s ago");
  EXPECT_EQ(FormatAge(now, now - absl::Seconds(200)), "3m20s ago");
  EXPECT_EQ(FormatAge(now, now - absl::Minutes(3)), "3m ago");
  EXPECT_EQ(FormatAge(now, now - absl::Minutes(12) - absl::Seconds(5)), "12m ago");
  EXPECT_EQ(FormatAge(now, now - absl::Minutes(125)), "2h5m ago");
  EXPECT_EQ(FormatAge(now, now - absl::Hours(28)), "1d4h ago");
  EXPECT_EQ(FormatAge(now, now - absl::Hours(24 * 15 + 3)), "15d ago");
  EXPECT_EQ(FormatAge(now, now + absl::Seconds(5)), "in 5s");
  EXPECT_EQ(FormatAge(now, absl::InfinitePast()), "-");
}

TEST(FormatTest, HumanDuration) {
  EXPECT_EQ(HumanDuration(absl::Milliseconds(500)), "500ms");
  EXPECT_EQ(HumanDuration(absl::Seconds(2)), "2s");
  EXPECT_EQ(HumanDuration(absl::Milliseconds(1500)), "1.5s");
  EXPECT_EQ(HumanDuration(absl::Seconds(90)), "1m30s");
}

TEST(FormatTest, WrapTextBreaksAtWordsAndKeepsNewlines) {
  EXPECT_EQ(WrapText("one two three four", 9), "one two\nthree\nfour");
  EXPECT_EQ(WrapText("a\nb c", 80), "a\nb c");
  EXPECT_EQ(WrapText("unbreakableword x", 5), "unbreakableword\nx");
}

TEST(FormatTest, ColorizeOnlyWhenEnabled) {
  EXPECT_EQ(Colorize("critical", ColorRole::kCritical, false), "critical");
  EXPECT_EQ(Colorize("critical", ColorRole::kCritical, true), "\x1b[1;31mcritical\x1b[0m");
  EXPECT_EQ(Colorize("plain", ColorRole::kNone, true), "plain");
}

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"ID", "STATUS", "SUMMARY"});
  table.AddRow({"T-1", "open", "store 4 is down"});
  table.AddRow({"T-000002", "resolved", ""});
  EXPECT_EQ(table.Render(0, false),
            "ID        STATUS    SUMMARY\n"
            "T-1       open      store 4 is down\n"
            "T-000002  resolved\n");
}

TEST(TableTest, ShrinksTheLastColumnToTheWidth) {
  Table table({"ID", "SUMMARY"});
  table.AddRow({"T-1", "a summary that is much too long for the terminal"});
  const std::string out = table.Render(20, false);
  EXPECT_EQ(out,
            "ID   SUMMARY\n"
            "T-1  a summary that\u2026\n");
  for (absl::string_view line :
       {absl::string_view("ID   SUMMARY"), absl::string_view("T-1  a summary that\u2026")}) {
    EXPECT_LE(DisplayWidth(line), 20u);
  }
}

TEST(TableTest, FlexibleColumnKeepsAMinimumWidth) {
  Table table({"A-LONG-HEADER", "SUMMARY"});
  table.AddRow({"x", "0123456789abcdef"});
  // 13 + 2 leaves 5 columns; the summary still gets 8.
  EXPECT_THAT(table.Render(20, false), HasSubstr("0123456\u2026\n"));
}

TEST(TableTest, ColourWrapsCellsButNotPadding) {
  Table table({"SEV", "X"});
  table.AddRow({Cell("crit", ColorRole::kCritical), "y"});
  EXPECT_EQ(table.Render(0, true),
            "\x1b[1mSEV\x1b[0m   \x1b[1mX\x1b[0m\n"
            "\x1b[1;31mcrit\x1b[0m  y\n");
}

TEST(TableTest, RenderRowUsesFixedWidthsAndGivesTheRestToTheLastCell) {
  const std::string row = RenderRow({"1", "opened", "a long detail text"}, {3, 8, 0}, 20, false);
  EXPECT_EQ(row, "1    opened    a long\u2026\n");
  EXPECT_EQ(RenderRow({"1", "opened", "a long detail"}, {3, 8, 0}, 0, false),
            "1    opened    a long detail\n");
}

}  // namespace
}  // namespace ops::cli
