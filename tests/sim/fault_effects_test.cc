// End-to-end: what disk_full and network_delay do beyond their metric signatures
// (docs/tikv-sim.md "disk_full" and "network_delay"; ../shared/reference/tikv.md 4.3, 6).
// disk_full below half the 5 GiB reserve puts the store in AlreadyFull: it rejects writes with
// TiKV's DiskFull error, counts them, the workload sees them, PD logs low space, and the TTL
// restores writes. network_delay waits delay_ms x --time-scale on the store's KV answers and on
// its outgoing PD and raft traffic, and at 400 ms (cluster time) causes no election.
// One cluster per process; each test first waits until it is healthy.
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

class FaultEffectsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new SimCluster("fault_effects");
    up_ = cluster_->Up(UpOptions{});
  }
  static void TearDownTestSuite() {
    cluster_->Down();
    if (!failed_) cluster_->RemoveDir();
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(up_.ok()) << up_.message();
    ASSERT_TRUE(c().WaitHealthy(absl::Seconds(30))) << c().LogHint();
  }
  void TearDown() override { failed_ |= HasFailure(); }
  SimCluster& c() { return *cluster_; }

  // The store leading the most regions and one region it leads.
  std::pair<uint64_t, uint64_t> BusiestStore() {
    absl::StatusOr<std::map<uint64_t, uint64_t>> leaders = c().RegionLeaders();
    EXPECT_TRUE(leaders.ok()) << leaders.status();
    std::map<uint64_t, int> count;
    std::map<uint64_t, uint64_t> some_region;
    if (leaders.ok()) {
      for (const auto& [region, store] : *leaders) {
        ++count[store];
        some_region[store] = region;
      }
    }
    uint64_t best = 1;
    for (const auto& [store, n] : count) {
      if (store != 0 && n > count[best]) best = store;
    }
    return {best, some_region[best]};
  }
  double StoreMetric(const std::string& store, const std::string& name,
                     const std::map<std::string, std::string>& match = {}) {
    absl::StatusOr<std::vector<Sample>> m = c().StoreMetrics(store);
    EXPECT_TRUE(m.ok()) << store << ": " << m.status();
    return m.ok() ? SumOf(*m, name, match) : -1;
  }
  // A key of region `region`, from the store's persisted region layout.
  std::string KeyOf(uint64_t store, uint64_t region) {
    std::ifstream in(absl::StrCat(c().dir(), "/store-", store, "/store_state.json"));
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) return "";
    for (const auto& r : j["regions"]) {
      if (r["id"] == region) return r.value("start_key", "");
    }
    return "";
  }
  // POST /kv/v1/<op> to a store's data port; the HTTP status (-1 on transport error).
  int Kv(uint64_t store, const std::string& op, const nlohmann::json& body,
         std::string* reply = nullptr) {
    absl::StatusOr<http::ClientResponse> r =
        c().Send("POST",
                 absl::StrCat("http://127.0.0.1:", c().Port(absl::StrCat("store-", store), "addr"),
                              "/kv/v1/", op),
                 body.dump());
    if (!r.ok()) return -1;
    if (reply != nullptr) *reply = r->body;
    return r->status;
  }

  static SimCluster* cluster_;
  static absl::Status up_;
  static bool failed_;
};

SimCluster* FaultEffectsTest::cluster_ = nullptr;
absl::Status FaultEffectsTest::up_;
bool FaultEffectsTest::failed_ = false;

TEST_F(FaultEffectsTest, DiskFullRejectsWritesWithTheRealErrorAndRecovers) {
  const auto [id, region] = BusiestStore();
  const std::string store = absl::StrCat("store-", id);
  const std::string key = KeyOf(id, region);
  const double fails0 = StoreMetric(store, "tikv_grpc_msg_fail_total", {{"type", "raw_put"}});
  absl::StatusOr<WorkloadCounts> w0 = c().Workload();
  ASSERT_TRUE(w0.ok()) << w0.status();

  // 0.5 % of 300 GiB = 1.5 GiB free: at or below half the 5 GiB reserve -> AlreadyFull.
  const absl::Duration ttl = absl::Seconds(5);
  absl::StatusOr<nlohmann::json> f =
      c().Inject("disk_full", store, ttl, {{"available_ratio", 0.005}});
  ASSERT_TRUE(f.ok()) << f.status();
  const absl::Time start = absl::Now();

  std::string reply;
  EXPECT_EQ(Kv(id, "put", {{"region_id", region}, {"key", key}, {"value", "01"}}, &reply), 507)
      << reply;
  nlohmann::json err = nlohmann::json::parse(reply, nullptr, false);
  ASSERT_TRUE(err.is_object()) << reply;
  EXPECT_EQ(err["error"], "disk_full");
  EXPECT_EQ(err["message"], absl::StrCat("store ids [", id,
                                         "], errmsg propose failed: tikv disk full, cmd "
                                         "diskFullOpt=NotAllowedOnFull, leader "
                                         "diskUsage=AlreadyFull"));
  EXPECT_EQ(Kv(id, "get", {{"region_id", region}, {"key", key}}), 200) << "reads still work";
  EXPECT_TRUE(WaitFor(absl::Seconds(4), [&] {
    absl::StatusOr<WorkloadCounts> w = c().Workload();
    return w.ok() && w->by_result["disk_full"] > w0->by_result["disk_full"];
  })) << "the workload saw no disk_full write error";
  EXPECT_GT(StoreMetric(store, "tikv_grpc_msg_fail_total", {{"type", "raw_put"}}), fails0);
  EXPECT_GE(c().CountInLogs(store, "disk usage Normal->AlreadyFull"), 1);
  EXPECT_TRUE(WaitFor(absl::Seconds(4), [&] {
    return c().CountInLogs("pd", absl::StrCat("[\"store does not have enough disk space\"] "
                                              "[store-id=",
                                              id, "]")) >= 1;
  })) << "PD did not log low space";

  // The TTL (held by the store) restores writes.
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(5), [&] {
    absl::StatusOr<WorkloadCounts> d = c().WorkloadDelta(absl::Milliseconds(500));
    return d.ok() && d->ok > 0 && d->by_result["disk_full"] == 0;
  })) << "writes still rejected after the TTL";
  EXPECT_GE(absl::Now() - start, ttl - absl::Milliseconds(500));
  EXPECT_EQ(Kv(id, "put", {{"region_id", region}, {"key", key}, {"value", "02"}}), 200);
  EXPECT_GE(c().CountInLogs(store, "disk usage AlreadyFull->Normal"), 1);
}

TEST_F(FaultEffectsTest, NetworkDelayIsScaledAndCausesNoElection) {
  const auto [id, region] = BusiestStore();
  const std::string store = absl::StrCat("store-", id);
  const std::string key = KeyOf(id, region);
  const nlohmann::json get = {{"region_id", region}, {"key", key}};
  const int elections0 = c().CountInLogs("store-", "became pre-candidate");
  const std::map<std::string, std::string> hb = {{"type", "store_heartbeat"}};
  auto slow_heartbeats = [&] {  // store heartbeats that took over 0.25 s of cluster time
    absl::StatusOr<std::vector<Sample>> m = c().StoreMetrics(store);
    if (!m.ok()) return -1.0;
    std::map<std::string, std::string> le = hb;
    le["le"] = "0.25";
    return SumOf(*m, "tikv_pd_request_duration_seconds_count", hb) -
           SumOf(*m, "tikv_pd_request_duration_seconds_bucket", le);
  };
  const double slow0 = slow_heartbeats();
  ASSERT_GE(slow0, 0);

  // 400 ms of cluster time is 20 ms on the wall clock at --time-scale 0.05.
  const absl::Duration ttl = absl::Seconds(5);
  absl::StatusOr<nlohmann::json> f = c().Inject("network_delay", store, ttl, {{"delay_ms", 400}});
  ASSERT_TRUE(f.ok()) << f.status();
  absl::Duration fastest = absl::InfiniteDuration(), slowest = absl::ZeroDuration();
  for (int i = 0; i < 5; ++i) {
    const absl::Time t0 = absl::Now();
    ASSERT_EQ(Kv(id, "get", get), 200);
    fastest = std::min(fastest, absl::Now() - t0);
    slowest = std::max(slowest, absl::Now() - t0);
  }
  EXPECT_GE(fastest, absl::Milliseconds(19)) << "the scaled delay was not applied";
  EXPECT_LT(slowest, absl::Milliseconds(300)) << "the delay was not scaled (400 ms raw)";
  // Outgoing PD traffic waits too: a store heartbeat now takes over 0.4 s of cluster time.
  EXPECT_TRUE(WaitFor(absl::Seconds(3), [&] { return slow_heartbeats() > slow0; }))
      << "no delayed store heartbeat in tikv_pd_request_duration_seconds";

  // Outgoing raft traffic is delayed as well, yet no peer times out: no election anywhere.
  ASSERT_TRUE(WaitFor(ttl + absl::Seconds(3), [&] {
    absl::StatusOr<http::ClientResponse> r =
        c().Get(absl::StrCat("http://127.0.0.1:", c().Port(store, "control"), "/sim/v1/faults"));
    return r.ok() && r->body.find("network_delay") == std::string::npos;
  }));
  fastest = absl::InfiniteDuration();
  for (int i = 0; i < 5; ++i) {
    const absl::Time t0 = absl::Now();
    ASSERT_EQ(Kv(id, "get", get), 200);
    fastest = std::min(fastest, absl::Now() - t0);
  }
  EXPECT_LT(fastest, absl::Milliseconds(19)) << "the delay outlived its TTL";
  EXPECT_EQ(c().CountInLogs("store-", "became pre-candidate"), elections0)
      << "an election happened under a 400 ms network delay";
}

}  // namespace
}  // namespace ops::sim::e2e
