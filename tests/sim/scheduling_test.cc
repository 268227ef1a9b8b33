// End-to-end: PD's schedulers act through the region heartbeat (docs/tikv-sim.md "PD
// schedulers"; ../shared/reference/tikv.md 1.8, 6). balance-leader refills a store that comes
// back from a kill with no leaders, until the spread is within PD's tolerance; evict-slow-store
// moves every leader off a store whose slow_score reached 100. Both leave the real PD log
// lines ("add operator", "send schedule command", "operator finish") and GET /operators
// shows pending operators in PD's string form.
#include <algorithm>
#include <regex>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

class SchedulingTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (cluster_ == nullptr) return;
    cluster_->Down();
    if (!HasFailure()) cluster_->RemoveDir();
  }
  // Leaders per store (stores 1-3) from PD's regions.
  std::map<uint64_t, int> LeaderCounts() {
    std::map<uint64_t, int> n = {{1, 0}, {2, 0}, {3, 0}};
    absl::StatusOr<std::map<uint64_t, uint64_t>> leaders = cluster_->RegionLeaders();
    if (!leaders.ok()) return {};
    for (const auto& [region, store] : *leaders) ++n[store];
    return n;
  }
  // Every string GET /pd/api/v1/operators lists has PD's Operator.String() shape.
  void ExpectOperatorsShape(int* seen) {
    absl::StatusOr<nlohmann::json> ops = cluster_->PdJson("/pd/api/v1/operators");
    ASSERT_TRUE(ops.ok()) << ops.status();
    ASSERT_TRUE(ops->is_array()) << ops->dump();
    static const std::regex shape(
        R"(^(balance-leader|evict-slow-store)-scheduler \{transfer leader: store \d+ to \d+\} )"
        R"(\(kind:leader, region:\d+\(\d+, \d+\), createAt:\d{4}-\d\d-\d\d [0-9:.]+ [+-]\d{4} )"
        R"(\S+ m=\+[0-9.]+, startAt:.+, currentStep:0, size:\d+, steps:\[0:\{transfer leader )"
        R"(from store \d+ to store \d+\}\], timeout:\[1m0s\]\)$)");
    for (const auto& op : *ops) {
      ASSERT_TRUE(op.is_string()) << ops->dump();
      EXPECT_TRUE(std::regex_match(op.get<std::string>(), shape)) << op;
      ++*seen;
    }
  }
  std::unique_ptr<SimCluster> cluster_;
};

TEST_F(SchedulingTest, BalanceLeaderRefillsARestartedStore) {
  cluster_ = std::make_unique<SimCluster>("balance_leader");
  SimCluster& c = *cluster_;
  UpOptions o;
  o.regions = 48;  // 16 leaders per store: enough to exceed PD's tolerance after a kill
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();
  ASSERT_GT(LeaderCounts()[1], 0);

  const absl::Duration ttl = absl::Seconds(3);
  ASSERT_TRUE(c.Inject("store_kill", "store-1", ttl).ok());
  EXPECT_TRUE(WaitFor(absl::Seconds(8), [&] { return LeaderCounts()[1] == 0; }))
      << "store 1's leaders did not move to the survivors";
  ASSERT_TRUE(WaitFor(ttl + absl::Seconds(10), [&] { return c.StateName(1) == "Up"; }))
      << c.StateName(1) << " " << c.LogHint();
  const absl::Time back = absl::Now();

  // PD moves leaders back until max - min <= 10 (5 leaders of tolerance on either side); with
  // 48 regions store 1 ends with 9 or 10. 10 s is 200 s of cluster time.
  int listed = 0;
  std::map<uint64_t, int> n;
  const bool balanced = WaitFor(
      absl::Seconds(10),
      [&] {
        ExpectOperatorsShape(&listed);
        n = LeaderCounts();
        if (n.size() != 3) return false;
        const int lo = std::min({n[1], n[2], n[3]}), hi = std::max({n[1], n[2], n[3]});
        return n[1] >= 8 && hi - lo <= 10;
      },
      absl::Milliseconds(10));
  EXPECT_TRUE(balanced) << "leaders " << n[1] << "/" << n[2] << "/" << n[3];
  std::cerr << "balance-leader refilled store 1 in " << absl::Now() - back << " (" << n[1] << "/"
            << n[2] << "/" << n[3] << ", " << listed << " operator strings seen)\n";
  EXPECT_GE(c.CountInLogs("pd", "[\"add operator\"] [region-id="), n[1]);
  EXPECT_GE(c.CountInLogs("pd", "balance-leader-scheduler {transfer leader: store "), n[1]);
  EXPECT_GE(c.CountInLogs("pd", "[\"send schedule command\"]"), n[1]);
  EXPECT_GE(c.CountInLogs("pd", "[\"operator finish\"]"), n[1]);
  EXPECT_GE(c.CountInLogs("store-", "[\"transfer leader\"]"), n[1]);
  // Once within the tolerance PD stops: no operator keeps moving leaders around.
  const int added = c.CountInLogs("pd", "[\"add operator\"]");
  absl::SleepFor(absl::Seconds(1));  // a quiet window of 20 s cluster time, not a wait
  EXPECT_EQ(c.CountInLogs("pd", "[\"add operator\"]"), added);
}

TEST_F(SchedulingTest, EvictSlowStoreMovesLeadersOffASlowStore) {
  cluster_ = std::make_unique<SimCluster>("evict_slow_store");
  SimCluster& c = *cluster_;
  absl::Status up = c.Up(UpOptions{});
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();
  ASSERT_GT(LeaderCounts()[1], 0);

  // slow_score climbs to 100 within 30 s of cluster time (1.5 s) and PD sees it with the next
  // store heartbeat (10 s, 0.5 s); then leaders leave, 3 operators at a time.
  const absl::Duration ttl = absl::Seconds(8);
  ASSERT_TRUE(c.Inject("slow_disk", "store-1", ttl).ok());
  const absl::Time start = absl::Now();
  EXPECT_TRUE(WaitFor(absl::Seconds(6), [&] { return LeaderCounts()[1] == 0; }))
      << "store 1 still leads " << LeaderCounts()[1];
  std::cerr << "evict-slow-store emptied store 1 in " << absl::Now() - start << "\n";
  EXPECT_EQ(c.CountInLogs("pd", "[\"detected slow store, start to evict leaders\"] [store-id=1]"),
            1);
  EXPECT_GE(c.CountInLogs("pd", "evict-slow-store-scheduler {transfer leader: store 1 to "), 1);
  EXPECT_GE(c.CountInLogs("pd", "[\"operator finish\"]"), 1);
  // While evicted, balance-leader sends nothing back although store 1 leads nothing.
  absl::SleepFor(absl::Seconds(1));  // a window of 20 s cluster time, not a wait
  EXPECT_EQ(LeaderCounts()[1], 0);
}

}  // namespace
}  // namespace ops::sim::e2e
