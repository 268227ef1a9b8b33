#include "subjects/tikv/adapter/derived_state.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::tikv {
namespace {

namespace pb = ::ops::common::v1;
const absl::Time kT0 = absl::FromUnixSeconds(1735689600);

core::Snapshot Snap(absl::Time at, double ops = 1000) {
  core::Snapshot s;
  s.subject = "tikv";
  s.captured_at = at;
  for (const char* id : {"1", "2", "3"}) {
    core::StoreStatus st;
    st.id = id;
    st.start_time = kT0 - absl::Hours(1);
    st.leader_count = 10;
    st.probe = {true, absl::Milliseconds(1), "", at, 0, false};
    s.stores.push_back(st);
  }
  s.members = {{"pd1", "1", {}, true, true}, {"pd2", "2", {}, false, true}};
  s.regions.total = 30;
  s.workload.ops_per_sec = ops;
  return s;
}

TEST(DerivedStateTest, FirstSightIsNotARestartButAStartTimeChangeIs) {
  DerivedState d;
  core::Snapshot s = Snap(kT0);
  d.Apply(s);
  EXPECT_FALSE(s.stores[0].restarted_at.has_value());
  s = Snap(kT0 + absl::Seconds(5));
  s.stores[1].start_time = kT0 + absl::Seconds(4);
  d.Apply(s);
  EXPECT_EQ(s.stores[1].restarted_at, kT0 + absl::Seconds(5));
  // Remembered afterwards, even when the snapshot lacks the start time.
  s = Snap(kT0 + absl::Seconds(6));
  s.stores[1].start_time.reset();
  d.Apply(s);
  EXPECT_EQ(s.stores[1].restarted_at, kT0 + absl::Seconds(5));
  EXPECT_FALSE(s.stores[0].restarted_at.has_value());
}

TEST(DerivedStateTest, LeaderChangesAreDated) {
  DerivedState d;
  core::Snapshot s = Snap(kT0);
  d.Apply(s);
  EXPECT_FALSE(s.leader_since.has_value());
  s = Snap(kT0 + absl::Seconds(3));
  s.members[0].is_leader = false;  // election in progress: no leader
  d.Apply(s);
  EXPECT_FALSE(s.leader_since.has_value());
  s = Snap(kT0 + absl::Seconds(4));
  s.members[0].is_leader = false;
  s.members[1].is_leader = true;
  d.Apply(s);
  EXPECT_EQ(s.leader_since, kT0 + absl::Seconds(4));
}

TEST(DerivedStateTest, BaselineWarmsUpAndIgnoresTheDrop) {
  DerivedState d({.baseline_tau = absl::Minutes(2), .baseline_warmup = absl::Seconds(30),
                  .baseline_floor = 0.5});
  core::Snapshot s;
  for (int i = 0; i <= 30; ++i) {
    s = Snap(kT0 + absl::Seconds(i), 1000);
    d.Apply(s);
  }
  EXPECT_DOUBLE_EQ(s.workload.baseline_ops_per_sec, 1000);
  for (int i = 31; i <= 120; ++i) {
    s = Snap(kT0 + absl::Seconds(i), 100);  // the drop: not learned
    d.Apply(s);
  }
  EXPECT_DOUBLE_EQ(s.workload.baseline_ops_per_sec, 1000);
  for (int i = 121; i <= 600; ++i) {
    s = Snap(kT0 + absl::Seconds(i), 800);  // a new normal within the floor: learned
    d.Apply(s);
  }
  EXPECT_NEAR(s.workload.baseline_ops_per_sec, 800, 5);
}

TEST(DerivedStateTest, LeaderlessCountsLeadersOnDeadStoresAndShortfalls) {
  DerivedState d;
  core::Snapshot s = Snap(kT0);
  d.Apply(s);
  EXPECT_EQ(s.regions.leaderless, 0u);
  s = Snap(kT0 + absl::Seconds(1));
  s.stores[0].probe = {false, absl::Milliseconds(1), "refused", s.captured_at, 1, true};
  s.stores[1].leader_count = 6;  // PD has 4 regions with no leader reported
  d.Apply(s);
  EXPECT_EQ(s.regions.leaderless, 10u + 4u);
}

}  // namespace
}  // namespace ops::tikv
