#include "subjects/tikv/sim/workload/workload_runner.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::sim {
namespace {

using ::ops::testing::StatusIs;

TEST(WorkloadRunnerTest, HotSpotValidationAndExpiry) {
  WorkloadMetrics metrics;
  WorkloadRunner runner({.pd_endpoints = {"http://127.0.0.1:1"}}, &metrics);
  const absl::Time now = absl::FromUnixSeconds(1000);
  EXPECT_THAT(runner.SetHotSpot({{"fraction", 0.5}}, absl::Seconds(1), now),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(runner.SetHotSpot({{"store_id", 1}, {"fraction", 1.5}}, absl::Seconds(1), now),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(runner.SetHotSpot({{"store_id", 1}}, absl::ZeroDuration(), now),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(absl::Time until,
                       runner.SetHotSpot({{"region_id", 7}}, absl::Seconds(30), now));
  EXPECT_EQ(until, now + absl::Seconds(30));
  nlohmann::json j = runner.HotSpotJson(now + absl::Seconds(1));
  ASSERT_EQ(j["faults"].size(), 1u);
  EXPECT_EQ(j["faults"][0]["params"]["region_id"], 7);
  EXPECT_EQ(j["faults"][0]["params"]["fraction"], 0.9);
  EXPECT_TRUE(runner.HotSpotJson(now + absl::Seconds(31))["faults"].empty());
  runner.ClearHotSpot();
  EXPECT_TRUE(runner.HotSpotJson(now)["faults"].empty());
}

}  // namespace
}  // namespace ops::sim
