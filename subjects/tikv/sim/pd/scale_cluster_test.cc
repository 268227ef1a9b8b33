// Scale mode invariants at a small scale (50 stores, 10,000 regions): counts, placement, key
// coverage, and every check endpoint agreeing with a brute-force walk of all regions.
#include "subjects/tikv/sim/pd/scale_cluster.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/sim/pd/api_render.h"
#include "subjects/tikv/sim/pd/region_table.h"

namespace ops::sim {
namespace {

using ::ops::testing::IsOk;
using json = nlohmann::json;

class ScaleClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ScaleOptions o;
    o.stores = 50;
    o.regions = 10000;
    o.seed = 7;
    auto layout = BuildScaleCluster(o, now_, &state_);
    ASSERT_THAT(layout.status(), IsOk());
    layout_ = *layout;
  }
  absl::Time now_ = absl::FromUnixSeconds(1735098083);
  ClusterState state_;
  ScaleLayout layout_;
};

TEST_F(ScaleClusterTest, CountsAndStoreStates) {
  EXPECT_EQ(state_.stores().size(), 50u);
  EXPECT_EQ(state_.RegionCount(), 10000u);
  EXPECT_EQ(json::parse(RenderRegionsCount(state_).body)["count"], 10000);
  std::map<std::string, int> by_state;
  for (const auto& [id, s] : state_.stores()) ++by_state[state_.StateName(s, now_)];
  EXPECT_EQ(by_state["Disconnected"], 1);
  EXPECT_EQ(by_state["Down"], 1);
  EXPECT_EQ(by_state["Offline"], 1);
  EXPECT_EQ(by_state["Up"], 47);
  json stores = json::parse(RenderStores(state_, now_, {}).body);
  EXPECT_EQ(stores["count"], 50);
  EXPECT_EQ(stores["stores"][0]["store"]["version"], "8.5.7");
}

TEST_F(ScaleClusterTest, PlacementLeadersAndKeysAreConsistent) {
  std::map<uint64_t, ClusterState::StoreCounts> brute;
  std::string prev_end = "<none>";
  size_t n = 0;
  state_.ForEachRegion([&](const RegionRecord& r) {
    std::set<uint64_t> stores;
    for (const Peer& p : r.peers) {
      stores.insert(p.store_id);
      ++brute[p.store_id].region_count;
      brute[p.store_id].region_size += r.approximate_size;
    }
    EXPECT_EQ(stores.size(), r.peers.size()) << "peers on one store, region " << r.id;
    EXPECT_GE(r.peers.size(), 2u);
    EXPECT_LE(r.peers.size(), 4u);
    ASSERT_NE(r.leader.id, 0u);
    EXPECT_TRUE(stores.count(r.leader.store_id));
    ++brute[r.leader.store_id].leader_count;
    for (const Peer& p : r.pending_peers) ++brute[p.store_id].pending_peer_count;
    if (n == 0) {
      EXPECT_EQ(r.start_key, "");
    } else {
      EXPECT_EQ(r.start_key, prev_end) << r.id;
    }
    prev_end = r.end_key;
    ++n;
  });
  EXPECT_EQ(n, 10000u);
  EXPECT_EQ(prev_end, "");
  int64_t leaders = 0;
  for (const auto& [id, s] : state_.stores()) {
    ClusterState::StoreCounts c = state_.CountsFor(id);
    EXPECT_EQ(c.region_count, brute[id].region_count) << id;
    EXPECT_EQ(c.leader_count, brute[id].leader_count) << id;
    EXPECT_EQ(c.region_size, brute[id].region_size) << id;
    EXPECT_EQ(c.pending_peer_count, brute[id].pending_peer_count) << id;
    leaders += c.leader_count;
    bool drained = s.state == 1 || state_.StateName(s, now_) == "Down";
    if (!drained) {
      EXPECT_GT(c.leader_count, 100) << "leaders not spread to store " << id;
    }
  }
  EXPECT_EQ(leaders, 10000);
}

TEST_F(ScaleClusterTest, CheckEndpointsMatchBruteForce) {
  for (const char* check : kRegionChecks) {
    std::vector<uint64_t> expected;
    state_.ForEachRegion([&](const RegionRecord& r) {
      if (state_.InCheck(r, check)) expected.push_back(r.id);
    });
    ApiReply reply = RenderRegionCheck(state_, check);
    ASSERT_EQ(reply.status, 200);
    json body = json::parse(reply.body);
    std::vector<uint64_t> got;
    for (const auto& r : body["regions"]) got.push_back(r["id"].get<uint64_t>());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, expected) << check;
    EXPECT_EQ(body["count"], expected.size()) << check;
    if (std::string(check) == "learner-peer") {
      EXPECT_TRUE(expected.empty());
    } else {
      EXPECT_EQ(expected.size(), 5u) << check;  // 10,000 * 0.0005
    }
  }
  json down = json::parse(RenderRegionCheck(state_, "down-peer").body);
  uint64_t down_store = down["regions"][0]["down_peers"][0]["peer"]["store_id"];
  EXPECT_EQ(down_store, layout_.down[0]);
  EXPECT_GE(down["regions"][0]["down_peers"][0]["down_seconds"].get<int>(), 1800);
  json offline = json::parse(RenderRegionCheck(state_, "offline-peer").body);
  bool on_offline = false;
  for (const auto& p : offline["regions"][0]["peers"]) {
    on_offline = on_offline || p["store_id"] == layout_.offline[0];
  }
  EXPECT_TRUE(on_offline);
  json stats = json::parse(RenderStatsRegion(state_).body);
  EXPECT_EQ(stats["count"], 10000);
  EXPECT_EQ(stats["empty_count"], 5);
}

TEST_F(ScaleClusterTest, RegionByIdAndKeyPaging) {
  uint64_t first = state_.region_table()->first_region_id();
  json r = json::parse(RenderRegion(state_, first + 5 * 42).body);
  EXPECT_EQ(r["id"], first + 5 * 42);
  EXPECT_EQ(RenderRegion(state_, first + 1).body, "null\n");

  json page = json::parse(RenderRegionsByKey(state_, "", "", "", "").body);
  EXPECT_EQ(page["count"], 16);
  EXPECT_EQ(page["regions"][0]["id"], first);
  // Walk the whole key space in pages of 1000: every region once, in key order.
  std::set<uint64_t> seen;
  std::string key;
  for (int pages = 0; pages < 20; ++pages) {
    json p = json::parse(RenderRegionsByKey(state_, key, "", "hex", "1000").body);
    for (const auto& region : p["regions"]) seen.insert(region["id"].get<uint64_t>());
    key = p["regions"].back()["end_key"];
    if (key.empty()) break;
  }
  EXPECT_EQ(seen.size(), 10000u);
  // An end key stops the scan before the region that starts at it.
  std::string k10 = state_.region_table()->StartKey(10);
  json upto = json::parse(RenderRegionsByKey(state_, "", k10, "hex", "0").body);
  EXPECT_EQ(upto["count"], 10);
}

TEST_F(ScaleClusterTest, HeartbeatsRefreshExceptSilentStores) {
  absl::Time later = now_ + absl::Minutes(40);
  RefreshScaleHeartbeats(layout_, later, &state_);
  std::map<std::string, int> by_state;
  for (const auto& [id, s] : state_.stores()) {
    EXPECT_LE(s.last_heartbeat, later);
    ++by_state[state_.StateName(s, later)];
  }
  // The Disconnected store has now been silent past max-store-down-time.
  EXPECT_EQ(by_state["Down"], 2);
  EXPECT_EQ(by_state["Up"], 47);
}

TEST(ScaleClusterBuildTest, SameSeedSameCluster) {
  ScaleOptions o;
  o.stores = 20;
  o.regions = 2000;
  o.seed = 3;
  ClusterState a, b;
  absl::Time now = absl::FromUnixSeconds(1735098083);
  ASSERT_THAT(BuildScaleCluster(o, now, &a).status(), IsOk());
  ASSERT_THAT(BuildScaleCluster(o, now, &b).status(), IsOk());
  EXPECT_EQ(RenderRegionCheck(a, "miss-peer").body, RenderRegionCheck(b, "miss-peer").body);
  EXPECT_EQ(RenderRegions(a).body, RenderRegions(b).body);
  o.stores = 5;
  ClusterState c;
  EXPECT_FALSE(BuildScaleCluster(o, now, &c).ok());
}

}  // namespace
}  // namespace ops::sim
