#include "subjects/tikv/invariants/invariants.h"

#include <map>
#include <string>
#include <vector>

#include "core/signal_tracker.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::tikv {
namespace {

namespace pb = ::ops::common::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1735689600);

core::StoreStatus HealthyStore(const std::string& id) {
  core::StoreStatus s;
  s.id = id;
  s.address = "127.0.0.1:2016" + id;
  s.status_address = "127.0.0.1:2018" + id;
  s.state = pb::STORE_STATE_UP;
  s.state_name = "Up";
  s.last_heartbeat = kT0 - absl::Seconds(3);
  s.capacity_bytes = 100;
  s.available_bytes = 60;
  s.leader_count = 10;
  s.region_count = 30;
  s.slow_score = 1;
  s.probe = {true, absl::Milliseconds(1), "", kT0, 0, false};
  s.workload.ops_per_sec = 600;
  s.workload.p99_latency = absl::Milliseconds(5);
  s.workload.cpu_cores = 0.1;
  return s;
}

core::Snapshot Healthy() {
  core::Snapshot s;
  s.subject = "tikv";
  s.captured_at = kT0;
  s.stores = {HealthyStore("1"), HealthyStore("2"), HealthyStore("3")};
  s.members = {{"pd1", "1", {"http://127.0.0.1:2379"}, true, true},
               {"pd2", "2", {"http://127.0.0.1:2381"}, false, true}};
  s.regions.total = 30;
  s.workload.ops_per_sec = 1800;
  s.workload.baseline_ops_per_sec = 1800;
  return s;
}

// Every (invariant, entity id) the pack reports for `snap`.
std::vector<std::string> Violations(const core::Snapshot& snap, const Thresholds& t = {}) {
  std::vector<std::string> out;
  for (const core::InvariantDefinition& d : TikvInvariants(t)) {
    for (const core::Condition& c : d.evaluate(snap)) {
      out.push_back(c.entity.id.empty() ? d.name : d.name + ":" + c.entity.id);
    }
  }
  return out;
}

TEST(TikvInvariantsTest, HealthyClusterViolatesNothing) {
  EXPECT_THAT(Violations(Healthy()), IsEmpty());
}

TEST(TikvInvariantsTest, NamesAreUniqueAndEveryDefinitionIsComplete) {
  std::map<std::string, int> names;
  for (const core::InvariantDefinition& d : TikvInvariants({})) {
    ++names[d.name];
    EXPECT_FALSE(d.description.empty()) << d.name;
    EXPECT_NE(d.severity, pb::SEVERITY_UNSPECIFIED) << d.name;
    EXPECT_TRUE(d.evaluate) << d.name;
    EXPECT_TRUE(core::SignalTracker::Create({"tikv", d.name, d.severity, d.timing}).ok()) << d.name;
  }
  for (const auto& [name, count] : names) EXPECT_EQ(count, 1) << name;
  EXPECT_GE(names.size(), 20u);
}

TEST(TikvInvariantsTest, RefusedProbeIsUnreachableAtOnceTimeoutsNeedAStreak) {
  core::Snapshot s = Healthy();
  s.stores[0].probe = {false, absl::Milliseconds(1), "connection refused", kT0, 1, true};
  EXPECT_THAT(Violations(s), ElementsAre("store_unreachable:1"));
  s.stores[0].probe = {false, absl::Milliseconds(200), "timeout", kT0, 1, false};
  EXPECT_THAT(Violations(s), IsEmpty());
  s.stores[0].probe.consecutive_failures = 2;
  EXPECT_THAT(Violations(s), ElementsAre("store_unreachable:1"));
}

TEST(TikvInvariantsTest, PartitionAndKillAreDistinguishable) {
  // Killed: the probe is refused; PD still shows Up until its 20 s pass.
  core::Snapshot killed = Healthy();
  killed.stores[1].probe = {false, absl::Milliseconds(1), "connection refused", kT0, 1, true};
  killed.stores[1].last_heartbeat = kT0 - absl::Seconds(16);
  EXPECT_THAT(Violations(killed), ElementsAre("store_unreachable:2"));
  // Partitioned: the probe answers, but heartbeats stopped.
  core::Snapshot partitioned = Healthy();
  partitioned.stores[1].last_heartbeat = kT0 - absl::Seconds(16);
  EXPECT_THAT(Violations(partitioned), ElementsAre("store_isolated:2"));
  // Later PD marks both Disconnected; the probe still tells them apart.
  killed.stores[1].state = pb::STORE_STATE_DISCONNECTED;
  partitioned.stores[1].state = pb::STORE_STATE_DISCONNECTED;
  EXPECT_THAT(Violations(killed), UnorderedElementsAre("store_unreachable:2", "store_disconnected:2"));
  EXPECT_THAT(Violations(partitioned),
              UnorderedElementsAre("store_isolated:2", "store_disconnected:2"));
}

TEST(TikvInvariantsTest, PdStatesAndRestarts) {
  core::Snapshot s = Healthy();
  s.stores[2].state = pb::STORE_STATE_DOWN;
  s.stores[0].restarted_at = kT0 - absl::Minutes(1);
  EXPECT_THAT(Violations(s), UnorderedElementsAre("store_down:3", "store_restarted:1"));
  s.stores[0].restarted_at = kT0 - absl::Minutes(6);
  s.stores[2].state = pb::STORE_STATE_TOMBSTONE;  // removed stores are not judged
  s.stores[2].probe = {false, absl::ZeroDuration(), "refused", kT0, 5, true};
  EXPECT_THAT(Violations(s), IsEmpty());
}

TEST(TikvInvariantsTest, PdMembersAndLeader) {
  core::Snapshot s = Healthy();
  s.members[1].healthy = false;
  s.leader_since = kT0 - absl::Seconds(20);
  EXPECT_THAT(Violations(s), UnorderedElementsAre("pd_member_unhealthy:pd2", "pd_leader_changed"));
  s.leader_since = kT0 - absl::Minutes(2);
  s.members[0].is_leader = false;
  EXPECT_THAT(Violations(s), UnorderedElementsAre("pd_member_unhealthy:pd2", "pd_no_leader"));
}

TEST(TikvInvariantsTest, RegionHealth) {
  core::Snapshot s = Healthy();
  s.regions.miss_peer = 4;
  s.regions.down_peer = 4;
  s.regions.pending_peer = 50;  // under PD's alert threshold of 100
  s.regions.leaderless = 2;
  EXPECT_THAT(Violations(s), UnorderedElementsAre("regions_miss_peer", "regions_down_peer",
                                                  "regions_leaderless"));
  s.regions = {};
  s.regions.pending_peer = 101;
  s.regions.offline_peer = 1;
  EXPECT_THAT(Violations(s), UnorderedElementsAre("regions_pending_peer", "regions_offline_peer"));
}

TEST(TikvInvariantsTest, WorkloadMetrics) {
  core::Snapshot s = Healthy();
  s.stores[0].workload.p99_latency = absl::Milliseconds(400);
  s.stores[1].workload.error_rate = 0.2;
  s.stores[1].workload.errors_per_sec = 150;
  s.workload.error_rate = 0.1;
  s.workload.ops_per_sec = 500;
  EXPECT_THAT(Violations(s),
              UnorderedElementsAre("store_p99_latency_high:1", "store_error_rate_high:2",
                                   "cluster_error_rate_high", "throughput_dropped"));
  // No judgement without traffic or baseline.
  core::Snapshot idle = Healthy();
  for (auto& st : idle.stores) {
    st.workload = {};
    st.workload.p99_latency = absl::Seconds(2);
  }
  idle.workload = {};
  EXPECT_THAT(Violations(idle), IsEmpty());
}

TEST(TikvInvariantsTest, SpaceSlownessStallAndHotStore) {
  core::Snapshot s = Healthy();
  s.stores[0].available_bytes = 10;  // 10% < 20%
  s.stores[1].slow_score = 85;
  s.stores[2].workload.write_stall = true;
  EXPECT_THAT(Violations(s), UnorderedElementsAre("store_low_space:1", "store_slow:2",
                                                  "store_write_stall:3"));
  // PD's own low-space-ratio wins over the default.
  s = Healthy();
  s.stores[0].available_bytes = 10;
  s.settings["low_space_ratio"] = 0.95;
  EXPECT_THAT(Violations(s), IsEmpty());

  s = Healthy();
  s.stores[2].workload.ops_per_sec = 3000;
  EXPECT_THAT(Violations(s), ElementsAre("store_hot:3"));
}

TEST(TikvInvariantsTest, BlindnessIsItsOwnSignalNotEveryStoreDown) {
  core::Snapshot s = Healthy();
  s.visibility.blind = true;
  s.visibility.unavailable_sources = {"pd: connection refused (3 endpoints)"};
  for (const core::InvariantDefinition& d : TikvInvariants({})) {
    if (d.name != kObserverBlind) continue;
    auto conditions = d.evaluate(s);
    ASSERT_EQ(conditions.size(), 1u);
    EXPECT_EQ(conditions[0].entity.kind, "observer");
    EXPECT_THAT(conditions[0].summary, HasSubstr("connection refused"));
  }
}

TEST(TikvInvariantsTest, TimeScaleShortensWindows) {
  Thresholds t;
  t.time_scale = 0.1;
  core::Snapshot s = Healthy();
  for (auto& st : s.stores) st.last_heartbeat = kT0 - absl::Milliseconds(500);
  s.stores[1].last_heartbeat = kT0 - absl::Seconds(2);  // 2 s > 1.5 s scaled
  EXPECT_THAT(Violations(s, t), ElementsAre("store_isolated:2"));
  for (const core::InvariantDefinition& d : TikvInvariants(t)) {
    if (d.name == "store_slow") EXPECT_EQ(d.timing.for_duration, absl::Seconds(1));
  }
}

}  // namespace
}  // namespace ops::tikv
