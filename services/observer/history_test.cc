#include "services/observer/history.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::observer {
namespace {

using ::ops::testing::StatusIs;

const absl::Time kT0 = absl::FromUnixSeconds(1735689600);

core::Snapshot At(absl::Time t, double ops) {
  core::Snapshot s;
  s.subject = "tikv";
  s.captured_at = t;
  s.workload.ops_per_sec = ops;
  core::StoreStatus store;
  store.id = "1";
  store.capacity_bytes = 100;
  store.available_bytes = 25;
  store.workload.ops_per_sec = ops / 3;
  s.stores.push_back(store);
  return s;
}

TEST(HistoryTest, OnePointPerResolutionStepLatestWins) {
  History h(absl::Minutes(15), absl::Seconds(1));
  h.Record(At(kT0, 100));
  h.Record(At(kT0 + absl::Milliseconds(600), 200));  // same second: replaces
  h.Record(At(kT0 + absl::Seconds(1), 300));
  ASSERT_OK_AND_ASSIGN(auto points,
                       h.Query("ops_per_sec", "", kT0, kT0 + absl::Minutes(1), absl::ZeroDuration()));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].value, 200);
  EXPECT_EQ(points[1].value, 300);
  ASSERT_OK_AND_ASSIGN(auto store, h.Query("available_ratio", "1", kT0, kT0 + absl::Minutes(1),
                                           absl::ZeroDuration()));
  EXPECT_EQ(store.back().value, 0.25);
}

TEST(HistoryTest, KeepsOnlyTheSpanAndDownsamples) {
  History h(absl::Minutes(15), absl::Seconds(1));
  for (int i = 0; i < 20 * 60; ++i) h.Record(At(kT0 + absl::Seconds(i), i));
  ASSERT_OK_AND_ASSIGN(auto all, h.Query("ops_per_sec", "", kT0, kT0 + absl::Hours(1),
                                         absl::ZeroDuration()));
  EXPECT_EQ(all.size(), 15u * 60 + 1);
  EXPECT_EQ(all.front().at, kT0 + absl::Minutes(5) - absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(auto minutes, h.Query("ops_per_sec", "", kT0 + absl::Minutes(10),
                                             kT0 + absl::Minutes(12), absl::Minutes(1)));
  ASSERT_EQ(minutes.size(), 3u);
  EXPECT_EQ(minutes[0].value, 10 * 60 + 59);  // the last point of the first minute
}

TEST(HistoryTest, BadQueriesSayWhy) {
  History h;
  h.Record(At(kT0, 1));
  EXPECT_THAT(h.Query("qps", "", kT0, kT0, absl::ZeroDuration()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(h.Query("ops_per_sec", "", kT0 + absl::Seconds(1), kT0, absl::ZeroDuration()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(h.Query("ops_per_sec", "9", kT0, kT0, absl::ZeroDuration()).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace ops::observer
