// End-to-end: killing stores (docs/tikv-sim.md; ../shared/reference/tikv.md 1.3, 1.9, 6).
// One store killed: the workload sees errors, leaders move to the survivors after an election
// and the workload recovers; PD shows the store Disconnected after ~20 s and Down after
// max-store-down-time (both scaled); the TTL restarts it with the same id and address.
// Two stores killed: regions with two of their three peers there cannot elect a leader and
// stay unavailable until the stores come back.
#include <set>

#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

class StoreKillTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (cluster_ == nullptr) return;
    cluster_->Down();
    if (!HasFailure()) cluster_->RemoveDir();
  }
  std::unique_ptr<SimCluster> cluster_;
};

TEST_F(StoreKillTest, StoreKillDisconnectsThenDownsAndRecoversAtTtl) {
  cluster_ = std::make_unique<SimCluster>("store_kill");
  SimCluster& c = *cluster_;
  UpOptions o;
  o.max_store_down_time = "3m";  // Down 9 s after the last heartbeat at scale 0.05
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();

  absl::StatusOr<nlohmann::json> before = c.PdStore(1);
  ASSERT_TRUE(before.ok()) << before.status();
  const std::string address = (*before)["store"]["address"];
  absl::StatusOr<std::map<uint64_t, uint64_t>> leaders = c.RegionLeaders();
  ASSERT_TRUE(leaders.ok()) << leaders.status();
  std::set<uint64_t> led_by_1;
  for (const auto& [region, store] : *leaders) {
    if (store == 1) led_by_1.insert(region);
  }
  ASSERT_FALSE(led_by_1.empty()) << "store 1 leads no region before the kill";
  const int old_pid = c.LivePid("store-1");
  ASSERT_GT(old_pid, 0);
  absl::StatusOr<WorkloadCounts> w0 = c.Workload();
  ASSERT_TRUE(w0.ok()) << w0.status();

  const absl::Duration ttl = absl::Seconds(14);
  absl::StatusOr<nlohmann::json> fault = c.Inject("store_kill", "store-1", ttl);
  const absl::Time killed = absl::Now();
  ASSERT_TRUE(fault.ok()) << fault.status();
  EXPECT_EQ((*fault)["state"], "active");

  // The workload's requests to the dead store fail.
  EXPECT_TRUE(WaitFor(absl::Seconds(5), [&] {
    absl::StatusOr<WorkloadCounts> w = c.Workload();
    return w.ok() && w->errors > w0->errors;
  })) << "the workload saw no error after the kill";

  // PD: Up -> Disconnected after ~20 s (scaled: 1 s) without heartbeats.
  ASSERT_TRUE(WaitFor(absl::Seconds(6), [&] { return c.StateName(1) == "Disconnected"; }))
      << "state " << c.StateName(1);
  const absl::Duration to_disconnected = absl::Now() - killed;
  EXPECT_GE(to_disconnected, c.Scaled(absl::Seconds(20)) - c.Scaled(absl::Seconds(10)));
  EXPECT_LE(to_disconnected, absl::Seconds(5));
  EXPECT_EQ(c.LivePid("store-1"), 0);

  // Its leaders move to the survivors after an election (PD keeps the higher-term reports).
  EXPECT_TRUE(WaitFor(absl::Seconds(8), [&] {
    absl::StatusOr<std::map<uint64_t, uint64_t>> now = c.RegionLeaders();
    if (!now.ok()) return false;
    for (uint64_t region : led_by_1) {
      const uint64_t l = (*now)[region];
      if (l != 2 && l != 3) return false;
    }
    return true;
  })) << "leaders of store 1 did not move";

  // The workload recovers: ok keeps growing and the error rate is back to ~0.
  EXPECT_TRUE(WaitFor(absl::Seconds(8), [&] {
    absl::StatusOr<WorkloadCounts> d = c.WorkloadDelta(absl::Seconds(1));
    return d.ok() && d->ok > 0 && d->errors <= 0.01 * d->ok;
  })) << "the workload did not recover after the election";
  EXPECT_EQ(c.StateName(1), "Disconnected") << "state must stay Disconnected before Down";

  // PD: Disconnected -> Down after max-store-down-time (3m, scaled: 9 s).
  ASSERT_TRUE(WaitFor(absl::Seconds(14), [&] { return c.StateName(1) == "Down"; }))
      << "state " << c.StateName(1);
  const absl::Duration to_down = absl::Now() - killed;
  EXPECT_GE(to_down, c.Scaled(absl::Minutes(3)) - c.Scaled(absl::Seconds(10)));
  EXPECT_LE(to_down, c.Scaled(absl::Minutes(3)) + absl::Seconds(3));
  EXPECT_LT(to_disconnected, to_down);

  // TTL: the supervisor restarts it with the same data dir: same id and address, Up again.
  ASSERT_TRUE(WaitFor(ttl + absl::Seconds(10), [&] { return c.StateName(1) == "Up"; }))
      << "store 1 did not come back: " << c.StateName(1) << " " << c.LogHint();
  EXPECT_GE(absl::Now() - killed, ttl);
  absl::StatusOr<nlohmann::json> after = c.PdStore(1);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["store"]["id"], 1);
  EXPECT_EQ((*after)["store"]["address"], address);
  const int new_pid = c.LivePid("store-1");
  EXPECT_GT(new_pid, 0);
  EXPECT_NE(new_pid, old_pid);
  EXPECT_TRUE(c.WaitHealthy(absl::Seconds(10)));
}

TEST_F(StoreKillTest, TwoStoreKillLeavesQuorumLostRegionsUnavailable) {
  cluster_ = std::make_unique<SimCluster>("two_store_kill");
  SimCluster& c = *cluster_;
  UpOptions o;
  o.pd = 1;
  o.stores = 5;
  o.regions = 20;
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();

  // From PD: which regions have 2 of 3 peers on stores 1 and 2, and where their third peer is.
  absl::StatusOr<nlohmann::json> regions = c.PdJson("/pd/api/v1/regions");
  ASSERT_TRUE(regions.ok()) << regions.status();
  std::map<uint64_t, uint64_t> lost;  // region -> surviving store
  std::map<uint64_t, std::string> start_key;
  std::set<uint64_t> serving;
  for (const auto& r : (*regions)["regions"]) {
    int dead = 0;
    uint64_t survivor = 0;
    for (const auto& p : r["peers"]) {
      const uint64_t s = p["store_id"];
      if (s == 1 || s == 2) {
        ++dead;
      } else {
        survivor = s;
      }
    }
    const uint64_t id = r["id"];
    start_key[id] = r.value("start_key", "");
    if (dead >= 2) {
      lost[id] = survivor;
    } else {
      serving.insert(id);
    }
  }
  ASSERT_FALSE(lost.empty());
  ASSERT_FALSE(serving.empty());

  const absl::Duration ttl = absl::Seconds(10);
  absl::StatusOr<nlohmann::json> fault =
      c.Inject("two_store_kill", "cluster", ttl, {{"stores", {"store-1", "store-2"}}});
  const absl::Time killed = absl::Now();
  ASSERT_TRUE(fault.ok()) << fault.status();
  std::set<uint64_t> reported;
  for (const auto& id : (*fault)["blast_radius"]["quorum_lost_regions"]) {
    reported.insert(id.get<uint64_t>());
  }
  std::set<uint64_t> expected;
  for (const auto& [id, s] : lost) expected.insert(id);
  EXPECT_EQ(reported, expected) << "blast radius disagrees with PD's peers";

  // Regions that kept a majority elect leaders among the survivors.
  EXPECT_TRUE(WaitFor(absl::Seconds(6), [&] {
    absl::StatusOr<std::map<uint64_t, uint64_t>> now = c.RegionLeaders();
    if (!now.ok()) return false;
    for (uint64_t id : serving) {
      if ((*now)[id] == 1 || (*now)[id] == 2 || (*now)[id] == 0) return false;
    }
    return true;
  })) << "regions with a majority left did not elect leaders";

  // Quorum-lost regions stay leaderless: their surviving peer refuses to serve, every time.
  auto probe = [&](uint64_t region, uint64_t store) {
    const std::string key = start_key[region].empty() ? "00" : start_key[region];
    nlohmann::json body = {{"region_id", region}, {"key", key}};
    absl::StatusOr<http::ClientResponse> r =
        c.Send("POST",
               absl::StrCat("http://127.0.0.1:", c.Port(absl::StrCat("store-", store), "addr"),
                            "/kv/v1/get"),
               body.dump());
    return r.ok() ? r->status : -1;
  };
  // A surviving leader steps down once its lease (9 s, scaled) runs out without a quorum.
  EXPECT_TRUE(WaitFor(absl::Seconds(3), [&] {
    for (const auto& [region, survivor] : lost) {
      if (probe(region, survivor) != 409) return false;
    }
    return true;
  })) << "a quorum-lost region still has a serving leader";
  const absl::Time probe_end = killed + ttl - absl::Seconds(2);
  int probes = 0;
  while (absl::Now() < probe_end) {
    for (const auto& [region, survivor] : lost) {
      const int status = probe(region, survivor);
      EXPECT_EQ(status, 409) << "region " << region << " served by store " << survivor
                             << " without a quorum";
      ++probes;
    }
    // The workload keeps failing on them while the stores are down, and serves the others.
    absl::StatusOr<WorkloadCounts> d = c.WorkloadDelta(absl::Seconds(1));
    ASSERT_TRUE(d.ok());
    if (absl::Now() - killed > absl::Seconds(3)) {
      EXPECT_GT(d->errors, 0) << "errors stopped while quorum is lost";
      EXPECT_GT(d->ok, 0) << "regions with a majority should serve";
    }
  }
  EXPECT_GT(probes, 0);

  // After the TTL both stores return and every region serves again.
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(10),
                      [&] { return c.StateName(1) == "Up" && c.StateName(2) == "Up"; }));
  EXPECT_TRUE(c.WaitHealthy(absl::Seconds(15))) << c.LogHint();
}

}  // namespace
}  // namespace ops::sim::e2e
