// End-to-end: every non-kill fault shows its documented signature on the public interfaces
// (PD API, PD and store /metrics, workload metrics, status port) and clears after its TTL
// (docs/tikv-sim.md "Fault hooks"; ../shared/reference/tikv.md 6). The suite shares one cluster
// when run as one process; each test first waits until the cluster is healthy again, so its
// outcome does not depend on the others (under ctest every test gets its own cluster).
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

class FaultSignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new SimCluster("fault_signature");
    UpOptions o;
    up_ = cluster_->Up(o);
  }
  static void TearDownTestSuite() {
    cluster_->Down();
    if (!failed_) cluster_->RemoveDir();
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(up_.ok()) << up_.message();
    ASSERT_TRUE(c().WaitHealthy(absl::Seconds(30)))
        << "cluster not healthy before the test; " << c().LogHint();
  }
  void TearDown() override { failed_ |= HasFailure(); }

  SimCluster& c() { return *cluster_; }

  // The store leading the most regions. PD's balance-leader only acts beyond its tolerance
  // (5 leaders either side) and evict-slow-store keeps leaders off a recently slow store, so
  // after an earlier fault a store may lead nothing; faults on the request path target a
  // store that serves requests.
  uint64_t BusiestStore() {
    absl::StatusOr<std::map<uint64_t, uint64_t>> leaders = c().RegionLeaders();
    EXPECT_TRUE(leaders.ok()) << leaders.status();
    std::map<uint64_t, int> count;
    if (leaders.ok()) {
      for (const auto& [region, store] : *leaders) ++count[store];
    }
    uint64_t best = 1;
    for (const auto& [store, n] : count) {
      if (store != 0 && n > count[best]) best = store;
    }
    return best;
  }
  static std::string Name(uint64_t store) { return absl::StrCat("store-", store); }

  double StoreMetric(const std::string& store, const std::string& name,
                     const std::map<std::string, std::string>& match = {}) {
    absl::StatusOr<std::vector<Sample>> m = c().StoreMetrics(store);
    EXPECT_TRUE(m.ok()) << store << ": " << m.status();
    return m.ok() ? SumOf(*m, name, match) : -1;
  }
  double MaxStoreMetric(const std::string& store, const std::string& name) {
    absl::StatusOr<std::vector<Sample>> m = c().StoreMetrics(store);
    double max = -1;
    if (!m.ok()) return max;
    for (const Sample& s : *m) {
      if (s.name == name) max = std::max(max, s.value);
    }
    return max;
  }
  // PD's StoreInfo.status field of store 1.
  nlohmann::json StoreStatus(uint64_t id) {
    absl::StatusOr<nlohmann::json> s = c().PdStore(id);
    return s.ok() && s->contains("status") ? (*s)["status"] : nlohmann::json::object();
  }
  bool StatusAnswers(const std::string& store) {
    absl::StatusOr<http::ClientResponse> r =
        c().Get(absl::StrCat("http://127.0.0.1:", c().Port(store, "status"), "/status"),
                absl::Milliseconds(300));
    return r.ok() && r->status == 200;
  }

  static SimCluster* cluster_;
  static absl::Status up_;
  static bool failed_;
};

SimCluster* FaultSignatureTest::cluster_ = nullptr;
absl::Status FaultSignatureTest::up_;
bool FaultSignatureTest::failed_ = false;

TEST_F(FaultSignatureTest, PartitionDisconnectsInPdWhileStatusAnswers) {
  const uint64_t id = BusiestStore();
  absl::StatusOr<std::map<uint64_t, uint64_t>> before = c().RegionLeaders();
  ASSERT_TRUE(before.ok());
  std::set<uint64_t> led;
  for (const auto& [r, s] : *before) {
    if (s == id) led.insert(r);
  }
  ASSERT_FALSE(led.empty());
  const absl::Duration ttl = absl::Seconds(6);
  absl::StatusOr<nlohmann::json> f = c().Inject("store_partition", Name(id), ttl);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(f.ok()) << f.status();

  ASSERT_TRUE(WaitFor(absl::Seconds(5), [&] { return c().StateName(id) == "Disconnected"; }))
      << c().StateName(id);
  EXPECT_TRUE(StatusAnswers(Name(id))) << "a partitioned store's status port still answers";
  EXPECT_GT(c().LivePid(Name(id)), 0);
  EXPECT_TRUE(WaitFor(absl::Seconds(5), [&] {
    absl::StatusOr<std::map<uint64_t, uint64_t>> now = c().RegionLeaders();
    if (!now.ok()) return false;
    for (uint64_t r : led) {
      if ((*now)[r] == id || (*now)[r] == 0) return false;
    }
    return true;
  })) << "leaders did not move off the partitioned store";

  // TTL (held by the store): heartbeats resume, Up again.
  ASSERT_TRUE(WaitFor(ttl + absl::Seconds(8), [&] { return c().StateName(id) == "Up"; }));
  EXPECT_GE(absl::Now() - start, ttl - absl::Milliseconds(500));
}

TEST_F(FaultSignatureTest, SlowDiskRaisesSlowScore) {
  ASSERT_LT(StoreStatus(1).value("slow_score", 0), 80);
  const absl::Duration ttl = absl::Seconds(5);
  absl::StatusOr<nlohmann::json> f = c().Inject("slow_disk", "store-1", ttl);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(
      WaitFor(absl::Seconds(5), [&] { return StoreStatus(1).value("slow_score", 0) >= 80; }))
      << "PD slow_score " << StoreStatus(1).dump();
  EXPECT_GE(StoreMetric("store-1", "tikv_raftstore_slow_score", {{"type", "raft"}}), 80);
  EXPECT_LE(StoreMetric("store-2", "tikv_raftstore_slow_score", {{"type", "raft"}}), 1);
  // After the TTL the score decays back to 1 everywhere.
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(6), [&] {
    return StoreStatus(1).value("slow_score", 100) <= 1 &&
           StoreMetric("store-1", "tikv_raftstore_slow_score", {{"type", "raft"}}) <= 1;
  })) << StoreStatus(1).dump();
}

TEST_F(FaultSignatureTest, DiskFullShowsLowSpaceInPd) {
  auto ratio = [&] {
    nlohmann::json s = StoreStatus(1);
    const double cap = ParseByteSize(s.value("capacity", ""));
    const double avail = ParseByteSize(s.value("available", ""));
    return cap > 0 && avail >= 0 ? avail / cap : -1;
  };
  auto low_space = [&]() -> double {
    const std::string leader = c().PdLeaderName();
    if (leader.empty()) return -1;
    absl::StatusOr<std::vector<Sample>> m = c().Scrape(c().PdUrl(leader) + "/metrics");
    if (!m.ok()) return -1;
    return SumOf(*m, "pd_cluster_status", {{"type", "store_low_space_count"}, {"store", "1"}});
  };
  ASSERT_GT(ratio(), 0.2);
  // 2 % of 300 GiB is under PD's 8 GiB floor, so PD counts it low space even with few regions.
  const absl::Duration ttl = absl::Seconds(5);
  absl::StatusOr<nlohmann::json> f =
      c().Inject("disk_full", "store-1", ttl, {{"available_ratio", 0.02}});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(WaitFor(absl::Seconds(4), [&] {
    const double r = ratio();
    return r >= 0 && r < 0.2;
  })) << StoreStatus(1).dump();
  EXPECT_TRUE(WaitFor(absl::Seconds(3), [&] { return low_space() == 1; }))
      << "store_low_space_count " << low_space();
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(5), [&] { return ratio() > 0.5 && low_space() == 0; }))
      << StoreStatus(1).dump();
}

TEST_F(FaultSignatureTest, WriteStallShowsInMetricsAndServerIsBusy) {
  const std::string store = Name(BusiestStore());
  const std::string other = store == "store-2" ? "store-3" : "store-2";
  ASSERT_EQ(StoreMetric(store, "tikv_engine_write_stall"), 0);
  const absl::Duration ttl = absl::Seconds(5);
  absl::StatusOr<WorkloadCounts> w0 = c().Workload();
  ASSERT_TRUE(w0.ok());
  absl::StatusOr<nlohmann::json> f = c().Inject("write_stall", store, ttl);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_GT(
      StoreMetric(store, "tikv_engine_write_stall", {{"db", "kv"}, {"type", "write_stall_max"}}),
      0);
  EXPECT_EQ(StoreMetric(other, "tikv_engine_write_stall"), 0);
  EXPECT_TRUE(WaitFor(absl::Seconds(4), [&] {
    absl::StatusOr<WorkloadCounts> w = c().Workload();
    return w.ok() && w->by_result["server_is_busy"] > w0->by_result["server_is_busy"];
  })) << "the workload saw no server_is_busy";
  // After the TTL: no stall in the metrics and no more busy answers.
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(5), [&] {
    if (StoreMetric(store, "tikv_engine_write_stall") != 0) return false;
    absl::StatusOr<WorkloadCounts> d = c().WorkloadDelta(absl::Seconds(1));
    return d.ok() && d->ok > 0 && d->by_result["server_is_busy"] == 0;
  }));
}

TEST_F(FaultSignatureTest, HotRegionConcentratesRequestsOnOneStore) {
  const std::string hot = Name(BusiestStore());
  // Share of KV requests served by `hot` over a window, from each store's gRPC counters.
  auto share = [&](absl::Duration window) {
    std::map<std::string, double> a, b;
    for (const char* s : {"store-1", "store-2", "store-3"}) {
      a[s] = StoreMetric(s, "tikv_grpc_msg_duration_seconds_count");
    }
    absl::SleepFor(window);  // the measurement window
    double total = 0;
    for (const char* s : {"store-1", "store-2", "store-3"}) {
      b[s] = StoreMetric(s, "tikv_grpc_msg_duration_seconds_count") - a[s];
      total += b[s];
    }
    return total > 0 ? b[hot] / total : -1;
  };
  const double baseline = share(absl::Seconds(1));
  ASSERT_GT(baseline, 0);
  ASSERT_LT(baseline, 0.7) << hot << " already dominates";
  const absl::Duration ttl = absl::Seconds(6);
  absl::StatusOr<nlohmann::json> f = c().Inject("hot_region", hot, ttl);
  ASSERT_TRUE(f.ok()) << f.status();
  const double during = share(absl::Milliseconds(1500));
  EXPECT_GT(during, 0.8) << "baseline share " << baseline;
  EXPECT_GT(during, baseline + 0.2) << "baseline share " << baseline;
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(5),
                      [&] {
                        const double s = share(absl::Seconds(1));
                        return s > 0 && s < std::max(0.6, baseline + 0.15);
                      }))
      << hot << " still dominates after the TTL";
}

TEST_F(FaultSignatureTest, NetworkDelayRaisesClientLatency) {
  auto mean = [&](absl::Duration window) {
    absl::StatusOr<WorkloadCounts> d = c().WorkloadDelta(window);
    return d.ok() && d->latency_count > 0 ? d->latency_sum / d->latency_count : -1;
  };
  const double baseline = mean(absl::Seconds(1));
  ASSERT_GE(baseline, 0);
  const absl::Duration ttl = absl::Seconds(6);
  // 800 ms of cluster time: 40 ms on the wall clock at --time-scale 0.05.
  absl::StatusOr<nlohmann::json> f =
      c().Inject("network_delay", Name(BusiestStore()), ttl, {{"delay_ms", 800}});
  ASSERT_TRUE(f.ok()) << f.status();
  // The requests that store serves (about a third or more) wait 40 ms more.
  const double delayed = mean(absl::Milliseconds(1500));
  EXPECT_GT(delayed, baseline + 0.008) << "baseline " << baseline;
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(5),
                      [&] {
                        const double m = mean(absl::Seconds(1));
                        return m >= 0 && m < baseline + 0.004;
                      }))
      << "latency stayed up after the TTL (baseline " << baseline << ")";
}

TEST_F(FaultSignatureTest, FlappingStoreRestartsRepeatedly) {
  const int first_pid = c().LivePid("store-1");
  ASSERT_GT(first_pid, 0);
  const absl::Duration ttl = absl::Seconds(6);
  absl::StatusOr<nlohmann::json> f = c().Inject("flapping_store", "store-1", ttl);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(f.ok()) << f.status();
  std::set<int> pids = {first_pid};
  std::set<double> start_times;
  bool seen_down = false;
  while (absl::Now() - start < ttl) {
    const int pid = c().LivePid("store-1");
    if (pid > 0) pids.insert(pid);
    seen_down |= pid == 0;
    absl::StatusOr<std::vector<Sample>> m = c().StoreMetrics("store-1");
    if (m.ok()) start_times.insert(SumOf(*m, "process_start_time_seconds"));
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(seen_down);
  EXPECT_GE(pids.size(), 3u) << "the store was not restarted several times";
  EXPECT_GE(start_times.size(), 2u) << "process_start_time_seconds never changed";
  // After the TTL it stays up: Up in PD and one pid.
  ASSERT_TRUE(WaitFor(absl::Seconds(10), [&] { return c().StateName(1) == "Up"; }));
  const int settled = c().LivePid("store-1");
  EXPECT_GT(settled, 0);
  EXPECT_TRUE(c().WaitHealthy(absl::Seconds(10)));
  EXPECT_EQ(c().LivePid("store-1"), settled);
}

TEST_F(FaultSignatureTest, StoreHangSilencesStatusUntilTtl) {
  ASSERT_TRUE(StatusAnswers("store-1"));
  const int pid = c().LivePid("store-1");
  const absl::Duration ttl = absl::Seconds(4);
  absl::StatusOr<nlohmann::json> f = c().Inject("store_hang", "store-1", ttl);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(WaitFor(absl::Seconds(2), [&] { return !StatusAnswers("store-1"); }))
      << "a SIGSTOPped store still answers /status";
  EXPECT_EQ(c().LivePid("store-1"), pid) << "a hang keeps the process";
  EXPECT_TRUE(WaitFor(ttl, [&] { return c().StateName(1) == "Disconnected"; }));
  // SIGCONT at the TTL: it answers again with the same pid and PD sees it Up.
  ASSERT_TRUE(WaitFor(ttl + absl::Seconds(5), [&] { return StatusAnswers("store-1"); }));
  EXPECT_GE(absl::Now() - start, ttl - absl::Milliseconds(300));
  EXPECT_EQ(c().LivePid("store-1"), pid);
  EXPECT_TRUE(WaitFor(absl::Seconds(5), [&] { return c().StateName(1) == "Up"; }));
}

}  // namespace
}  // namespace ops::sim::e2e
