// OperatorController against a hand-built ClusterState and a fake clock: operator strings,
// balance-leader's tolerance, evict-slow-store's capture and recovery, dispatch and timeouts.
#include "subjects/tikv/sim/pd/scheduler.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::sim {
namespace {

using ::testing::HasSubstr;

class SchedulerTest : public ::testing::Test {
 protected:
  // Three Up stores and `regions` regions with peers on all three; leaders per `leaders`.
  void Build(const std::vector<uint64_t>& leaders) {
    for (uint64_t s = 1; s <= 3; ++s) {
      StoreRecord r;
      r.id = s;
      r.address = absl::StrCat("127.0.0.1:2016", s);
      r.capacity = 300ull << 30;
      r.available = 200ull << 30;
      r.last_heartbeat = now;
      state.PutStore(r);
    }
    for (size_t i = 0; i < leaders.size(); ++i) {
      RegionRecord r;
      r.id = 10 * (i + 1);
      r.term = 5;
      r.conf_ver = 5;
      r.version = 3;
      r.approximate_size = 1;
      for (uint64_t s = 1; s <= 3; ++s) r.peers.push_back({r.id + s, s, false});
      r.leader = r.peers[leaders[i] - 1];
      state.PutRegion(r);
    }
  }
  void SetLeader(uint64_t region, uint64_t store) {
    RegionRecord r = *state.FindRegion(region);
    r.leader = r.peers[store - 1];
    r.term += 1;
    state.PutRegion(r);
  }
  void SetSlowScore(uint64_t store, uint64_t score) {
    StoreRecord s = state.stores().at(store);
    s.slow_score = score;
    s.last_heartbeat = now;
    state.PutStore(s);
  }
  void Heartbeat() {
    for (uint64_t s = 1; s <= 3; ++s) SetSlowScore(s, state.stores().at(s).slow_score);
  }
  int64_t Leaders(uint64_t store) const { return state.CountsFor(store).leader_count; }
  // Delivers every command to the region leader, which obeys at once; returns the count.
  int Execute() {
    int n = 0;
    for (uint64_t s = 1; s <= 3; ++s) {
      for (const auto& c : ctrl.Commands(state, s, {}, now)) {
        SetLeader(c["region_id"], c["transfer_leader"]["peer"]["store_id"]);
        ++n;
      }
    }
    ctrl.OnRegionHeartbeat(state, now);
    return n;
  }
  std::vector<std::string> Messages() {
    std::vector<std::string> out;
    for (const PdLogLine& l : ctrl.TakeLogs()) out.push_back(l.message);
    return out;
  }
  static OperatorController::Options Opts() {
    OperatorController::Options o;
    o.scale = *TimeScale::Create(0.05);
    o.tz = absl::UTCTimeZone();
    return o;
  }

  absl::Time now = absl::FromUnixSeconds(1735689600);
  ClusterState state;
  OperatorController ctrl{Opts()};
};

TEST(OperatorTest, StringHasPdShape) {
  const absl::Time base = absl::FromUnixSeconds(1704164640);
  Operator op = NewTransferLeaderOperator("balance-leader-scheduler", 14, 3, 5, 1, 2, 1,
                                          base + absl::Milliseconds(5500));
  const std::string want_head =
      "balance-leader-scheduler {transfer leader: store 2 to 1} (kind:leader, region:14(3, 5), "
      "createAt:2024-01-02 03:04:05.5 +0000 UTC m=+5.500000000, startAt:0001-01-01 00:00:00 "
      "+0000 UTC, currentStep:0, size:1, steps:[0:{transfer leader from store 2 to store 1}], "
      "timeout:[1m0s])";
  EXPECT_EQ(op.String(absl::UTCTimeZone(), base), want_head);
  op.finished = true;
  EXPECT_THAT(op.String(absl::UTCTimeZone(), base), HasSubstr("currentStep:1,"));
  EXPECT_THAT(op.String(absl::UTCTimeZone(), base), ::testing::EndsWith("]) finished"));
  EXPECT_EQ(op.AdditionalInfoJson(), "");
  op.additional_info = {{"targetScore", "5.00"}, {"sourceScore", "7.00"}};
  EXPECT_EQ(op.AdditionalInfoJson(), R"({"sourceScore":"7.00","targetScore":"5.00"})");
}

TEST_F(SchedulerTest, BalancedClusterGetsNoOperators) {
  Build({1, 2, 3, 1, 2, 3, 1, 2, 3});
  ctrl.Schedule(state, now);
  EXPECT_TRUE(ctrl.operators().empty());
  EXPECT_TRUE(Messages().empty());
}

TEST_F(SchedulerTest, BalanceLeaderRefillsAnEmptyStoreWithinTolerance) {
  std::vector<uint64_t> leaders;
  for (int i = 0; i < 48; ++i) leaders.push_back(i % 2 == 0 ? 2 : 3);  // 24/24/0
  Build(leaders);
  ctrl.Schedule(state, now);
  ASSERT_EQ(ctrl.operators().size(), 4u) << "leader-schedule-limit";
  for (const auto& [id, op] : ctrl.operators()) {
    EXPECT_EQ(op.desc, "balance-leader-scheduler");
    EXPECT_EQ(op.to_store, 1u);
  }
  std::vector<PdLogLine> logs = ctrl.TakeLogs();
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].message, "add operator");
  EXPECT_EQ(logs[0].fields[2].first, "additional-info");
  EXPECT_EQ(logs[0].fields[2].second, R"({"sourceScore":"19.00","targetScore":"5.00"})");
  EXPECT_THAT(logs[0].fields[1].second, HasSubstr("\"balance-leader-scheduler {transfer leader: "));
  EXPECT_EQ(ctrl.OperatorStrings("").size(), 4u);
  EXPECT_EQ(ctrl.OperatorStrings("leader").size(), 4u);
  EXPECT_TRUE(ctrl.OperatorStrings("admin").empty());

  for (int round = 0; round < 50 && !ctrl.operators().empty(); ++round) {
    Execute();
    now += absl::Milliseconds(50);
    ctrl.Schedule(state, now);
  }
  EXPECT_TRUE(ctrl.operators().empty());
  const int64_t lo = std::min({Leaders(1), Leaders(2), Leaders(3)});
  const int64_t hi = std::max({Leaders(1), Leaders(2), Leaders(3)});
  EXPECT_GE(Leaders(1), 9);
  EXPECT_LE(hi - lo, 2 * 5) << "PD stops within its tolerance of 5 leaders either side";
  std::vector<std::string> m = Messages();
  EXPECT_THAT(m, ::testing::Contains("send schedule command"));
  EXPECT_THAT(m, ::testing::Contains("operator finish"));
  EXPECT_THAT(m, ::testing::Not(::testing::Contains("operator timeout")));
}

TEST_F(SchedulerTest, EvictSlowStoreMovesLeadersAwayUntilRecovered) {
  Build({1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});
  SetSlowScore(1, 80);  // slow, but eviction waits for 100
  ctrl.Schedule(state, now);
  EXPECT_TRUE(ctrl.operators().empty());
  SetSlowScore(1, 100);
  ctrl.Schedule(state, now);
  EXPECT_EQ(ctrl.evicted_store(), 1u);
  EXPECT_EQ(ctrl.operators().size(), 3u) << "EvictLeaderBatchSize";
  std::vector<PdLogLine> logs = ctrl.TakeLogs();
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].message, "detected slow store, start to evict leaders");
  EXPECT_EQ(logs[0].fields, (LogFields{{"store-id", "1"}}));
  for (int round = 0; round < 20 && Leaders(1) > 0; ++round) {
    Execute();
    now += absl::Milliseconds(50);
    Heartbeat();
    ctrl.Schedule(state, now);
  }
  EXPECT_EQ(Leaders(1), 0);
  // Recovered score, but within the (scaled) 600 s recovery duration: still evicted, and
  // balance-leader does not send leaders back to it.
  SetSlowScore(1, 1);
  now += absl::Seconds(10);
  Heartbeat();
  ctrl.Schedule(state, now);
  EXPECT_EQ(ctrl.evicted_store(), 1u);
  EXPECT_TRUE(ctrl.operators().empty());
  now += absl::Seconds(30);  // past 600 s x 0.05 since the capture
  Heartbeat();
  ctrl.Schedule(state, now);
  EXPECT_EQ(ctrl.evicted_store(), 0u);
  EXPECT_THAT(Messages(), ::testing::Contains("slow store has been recovered"));
  // 6/6/0 is within the tolerance: leaders stay where they are until it is exceeded.
  EXPECT_TRUE(ctrl.operators().empty());
}

TEST_F(SchedulerTest, TwoSlowStoresEvictNothing) {
  Build({1, 2, 3});
  SetSlowScore(1, 100);
  SetSlowScore(2, 100);
  ctrl.Schedule(state, now);
  EXPECT_EQ(ctrl.evicted_store(), 0u);
  EXPECT_TRUE(ctrl.operators().empty());
}

TEST_F(SchedulerTest, CommandsGoToTheLeaderAndResendOnItsHeartbeat) {
  Build({2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3});
  ctrl.Schedule(state, now);
  ASSERT_FALSE(ctrl.operators().empty());
  const uint64_t region = ctrl.operators().begin()->first;
  ctrl.TakeLogs();
  EXPECT_TRUE(ctrl.Commands(state, 3, {}, now).empty()) << "store 3 leads none of them";
  nlohmann::json cmds = ctrl.Commands(state, 2, {}, now);
  ASSERT_EQ(cmds.size(), ctrl.operators().size());
  EXPECT_EQ(cmds[0]["region_id"], region);
  EXPECT_EQ(cmds[0]["transfer_leader"]["peer"],
            nlohmann::json({{"id", region + 1}, {"store_id", 1}}));
  std::vector<PdLogLine> logs = ctrl.TakeLogs();
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].fields, (LogFields{{"region-id", absl::StrCat(region)},
                                       {"step", "transfer leader from store 2 to store 1"},
                                       {"source", "create"}}));
  EXPECT_TRUE(ctrl.Commands(state, 2, {}, now).empty()) << "sent once per heartbeat";
  cmds = ctrl.Commands(state, 2, {region}, now);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_EQ(ctrl.TakeLogs()[0].fields[2].second, "heartbeat");
  EXPECT_THAT(ctrl.OperatorStrings("")[0], ::testing::Not(HasSubstr("startAt:0001-01-01")));
}

TEST_F(SchedulerTest, UnfinishedOperatorTimesOutAfterScaledStepTimeout) {
  Build({2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3});
  ctrl.Schedule(state, now);
  const size_t n = ctrl.operators().size();
  ASSERT_GT(n, 0u);
  ctrl.Commands(state, 2, {}, now);
  ctrl.TakeLogs();
  now += absl::Seconds(2);  // 40 s of cluster time: within the 60 s step timeout
  Heartbeat();
  ctrl.Schedule(state, now);
  EXPECT_EQ(ctrl.operators().size(), n);
  now += absl::Seconds(2);  // 80 s
  Heartbeat();
  ctrl.Schedule(state, now);
  std::vector<std::string> m = Messages();
  EXPECT_EQ(std::count(m.begin(), m.end(), "operator timeout"), static_cast<int64_t>(n));
}

}  // namespace
}  // namespace ops::sim
