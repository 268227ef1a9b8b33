#include "subjects/tikv/sim/cluster/bootstrap_layout.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::sim {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;

TEST(BootstrapLayoutTest, RegionsTileTheKeyspace) {
  ASSERT_OK_AND_ASSIGN(ClusterLayout layout, BuildLayout(3, kDefaultRegionCount, 1));
  ASSERT_EQ(layout.regions.size(), 64u);
  EXPECT_EQ(layout.regions.front().start_key, "");
  EXPECT_EQ(layout.regions.back().end_key, "");
  for (size_t i = 1; i < layout.regions.size(); ++i) {
    EXPECT_EQ(layout.regions[i].start_key, layout.regions[i - 1].end_key);
    if (i > 1) {
      EXPECT_LT(layout.regions[i - 1].start_key, layout.regions[i].start_key);
    }
  }
  EXPECT_EQ(layout.regions[1].start_key, "0400000000000000");
}

TEST(BootstrapLayoutTest, PeersOnDistinctStoresAndBalanced) {
  for (int stores : {3, 4, 5, 7}) {
    ASSERT_OK_AND_ASSIGN(ClusterLayout layout, BuildLayout(stores, 64, 42));
    std::map<uint64_t, int> peers_per_store, leaders_per_store;
    std::set<uint64_t> ids;
    for (const RegionLayout& r : layout.regions) {
      EXPECT_TRUE(ids.insert(r.id).second);
      ASSERT_EQ(r.peers.size(), 3u);
      std::set<uint64_t> on;
      bool leader_is_peer = false;
      for (const PeerLayout& p : r.peers) {
        EXPECT_TRUE(ids.insert(p.id).second) << "duplicate id " << p.id;
        EXPECT_GE(p.store_id, 1u);
        EXPECT_LE(p.store_id, static_cast<uint64_t>(stores));
        EXPECT_GT(p.id, static_cast<uint64_t>(stores)) << "ids must not collide with store ids";
        on.insert(p.store_id);
        ++peers_per_store[p.store_id];
        leader_is_peer |= p.store_id == r.leader_store_id;
      }
      EXPECT_EQ(on.size(), 3u);
      EXPECT_TRUE(leader_is_peer);
      ++leaders_per_store[r.leader_store_id];
    }
    auto spread = [](const std::map<uint64_t, int>& m) {
      int lo = 1 << 30, hi = 0;
      for (auto& [k, v] : m) lo = std::min(lo, v), hi = std::max(hi, v);
      return hi - lo;
    };
    EXPECT_EQ(leaders_per_store.size(), static_cast<size_t>(stores));
    EXPECT_LE(spread(leaders_per_store), 1) << stores << " stores";
    EXPECT_LE(spread(peers_per_store), 3) << stores << " stores";
  }
}

TEST(BootstrapLayoutTest, DeterministicPerSeed) {
  ASSERT_OK_AND_ASSIGN(ClusterLayout a, BuildLayout(5, 16, 7));
  ASSERT_OK_AND_ASSIGN(ClusterLayout b, BuildLayout(5, 16, 7));
  ASSERT_OK_AND_ASSIGN(ClusterLayout c, BuildLayout(5, 16, 8));
  EXPECT_EQ(a.BootstrapJson(1), b.BootstrapJson(1));
  EXPECT_NE(a.cluster_id, c.cluster_id);
  EXPECT_GE(a.cluster_id, 1000000000000000000ULL);
  EXPECT_LT(a.cluster_id, 1ULL << 63);
}

TEST(BootstrapLayoutTest, RejectsTooFewStoresOrRegions) {
  EXPECT_THAT(BuildLayout(2, 64, 1), StatusIs(absl::StatusCode::kInvalidArgument,
                                              ::testing::HasSubstr("at least 3 stores")));
  EXPECT_THAT(BuildLayout(3, 0, 1), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(BootstrapLayoutTest, WritesOneFilePerStoreInTheDocumentedShape) {
  ASSERT_OK_AND_ASSIGN(ClusterLayout layout, BuildLayout(4, 8, 3));
  const std::string dir = ::testing::TempDir() + "/bootstrap_layout_test";
  std::filesystem::remove_all(dir);
  ASSERT_THAT(WriteBootstrapFiles(layout, dir), IsOk());
  for (int s = 1; s <= 4; ++s) {
    std::ifstream in(dir + "/store-" + std::to_string(s) + "/bootstrap.json");
    ASSERT_TRUE(in) << s;
    nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j["store_id"], s);
    EXPECT_EQ(j["cluster_id"].get<uint64_t>(), layout.cluster_id);
    EXPECT_EQ(j["regions"].size(), layout.RegionsOnStore(s).size());
    const nlohmann::json& r = j["regions"][0];
    for (const char* field :
         {"id", "start_key", "end_key", "epoch", "peers", "leader_store_id", "term"}) {
      EXPECT_TRUE(r.contains(field)) << field;
    }
    EXPECT_TRUE(r["epoch"].contains("conf_ver"));
    EXPECT_TRUE(r["peers"][0].contains("store_id"));
    EXPECT_FALSE(j.contains("stores"));  // no addresses known
  }
}

TEST(BootstrapLayoutTest, CarriesStoreAddressesWhenKnown) {
  ASSERT_OK_AND_ASSIGN(ClusterLayout layout, BuildLayout(3, 4, 3));
  layout.store_addresses = {{1, "127.0.0.1:20160"}, {2, "127.0.0.1:20161"}, {3, "127.0.0.1:20162"}};
  const nlohmann::json j = layout.BootstrapJson(2);
  ASSERT_TRUE(j.contains("stores"));
  ASSERT_EQ(j["stores"].size(), 3u);
  EXPECT_EQ(j["stores"][1]["id"], 2);
  EXPECT_EQ(j["stores"][1]["address"], "127.0.0.1:20161");
}

}  // namespace
}  // namespace ops::sim
