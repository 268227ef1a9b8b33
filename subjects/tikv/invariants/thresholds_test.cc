#include "subjects/tikv/invariants/thresholds.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ThresholdsTest, DefaultsAndOverrides) {
  ASSERT_OK_AND_ASSIGN(Thresholds t, ParseThresholds("{}"));
  EXPECT_EQ(t.heartbeat_stale, absl::Seconds(15));
  ASSERT_OK_AND_ASSIGN(
      t, ParseThresholds(R"({"p99_latency_ms": 100, "error_rate": 0.1, "probe_failures": 3,
                             "heartbeat_stale_s": 5, "time_scale": 0.5})"));
  EXPECT_EQ(t.p99_latency, absl::Milliseconds(100));
  EXPECT_EQ(t.error_rate, 0.1);
  EXPECT_EQ(t.probe_failures, 3);
  EXPECT_EQ(t.Scaled(t.heartbeat_stale), absl::Milliseconds(2500));
}

TEST(ThresholdsTest, BadInputSaysWhichKey) {
  EXPECT_THAT(ParseThresholds("[1]").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseThresholds("{").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseThresholds(R"({"p99_latency": 1})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("known keys: ")));
  EXPECT_THAT(ParseThresholds(R"({"error_rate": 2})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"error_rate\"")));
  EXPECT_THAT(ParseThresholds(R"({"error_rate": "high"})").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be a number")));
  EXPECT_THAT(LoadThresholds("/nonexistent/thresholds.json").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace ops::tikv
