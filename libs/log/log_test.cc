#include "libs/log/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libs/status/status_matchers.h"
#include "nlohmann/json.hpp"

namespace ops::log {
namespace {

using ::ops::testing::StatusIs;

constexpr int64_t kTs = 1764222179123000;  // 2025-11-27T05:42:59.123Z

TEST(Log, TextLineHasTimestampLevelAndFields) {
  std::string line = FormatLine(Format::kText, kTs, Level::kWarn, "probe failed",
                                {{"store", 4}, {"error", "connection refused"}, {"ok", false}});
  EXPECT_EQ(line,
            "2025-11-27T05:42:59.123Z WARN probe failed store=4 error=\"connection refused\" "
            "ok=false");
}

TEST(Log, TextQuotesEmptyAndEscapesControlCharacters) {
  std::string line =
      FormatLine(Format::kText, kTs, Level::kInfo, "m", {{"a", ""}, {"b", "x\ny"}, {"c", "v"}});
  EXPECT_EQ(line, "2025-11-27T05:42:59.123Z INFO m a=\"\" b=\"x\\ny\" c=v");
}

TEST(Log, JsonLineIsOneObjectWithTypedValues) {
  std::string line = FormatLine(Format::kJson, kTs, Level::kError, "pg down",
                                {{"attempt", 3}, {"ratio", 0.5}, {"dsn", "host=x"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ts"], "2025-11-27T05:42:59.123Z");
  EXPECT_EQ(j["level"], "ERROR");
  EXPECT_EQ(j["msg"], "pg down");
  EXPECT_EQ(j["attempt"], 3);
  EXPECT_EQ(j["ratio"], 0.5);
  EXPECT_EQ(j["dsn"], "host=x");
}

TEST(Log, LevelFiltersAndSinkReceivesLines) {
  std::vector<std::string> lines;
  SetSink([&](absl::string_view l) { lines.emplace_back(l); });
  SetLevel(Level::kWarn);
  Info("hidden");
  Warn("shown", {{"k", 1}});
  Debug("hidden too");
  SetLevel(Level::kInfo);
  SetSink(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::EndsWith("WARN shown k=1"));
}

TEST(Log, ParseLevelAndFormat) {
  EXPECT_EQ(*ParseLevel("WARNING"), Level::kWarn);
  EXPECT_EQ(*ParseLevel("debug"), Level::kDebug);
  EXPECT_THAT(ParseLevel("loud"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(*ParseFormat("JSON"), Format::kJson);
  EXPECT_THAT(ParseFormat("xml"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::log
