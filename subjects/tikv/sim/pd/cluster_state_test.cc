#include "subjects/tikv/sim/pd/cluster_state.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::sim {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using json = nlohmann::json;

json StoreHb(uint64_t id, uint64_t capacity = 334671872000, uint64_t available = 238484856832,
             uint64_t region_count = 64, uint64_t slow_score = 1) {
  return {{"store",
           {{"id", id},
            {"address", absl::StrCat("127.0.0.1:2016", id)},
            {"status_address", absl::StrCat("127.0.0.1:2018", id)},
            {"version", "8.5.7"},
            {"start_timestamp", 1735095903},
            {"labels", json::array()}}},
          {"stats",
           {{"capacity", capacity},
            {"available", available},
            {"used_size", 304802816},
            {"region_count", region_count},
            {"leader_count", 1},
            {"slow_score", slow_score}}}};
}

json Region(uint64_t id, uint64_t term, uint64_t leader_store, int peers = 3) {
  json r = {{"id", id},
            {"start_key", ""},
            {"end_key", ""},
            {"term", term},
            {"epoch", {{"conf_ver", 5}, {"version", 3}}},
            {"peers", json::array()},
            {"approximate_size", 96}};
  for (int i = 1; i <= peers; ++i) {
    r["peers"].push_back({{"id", id * 10 + i}, {"store_id", i}});
  }
  r["leader"] = {{"id", id * 10 + leader_store}, {"store_id", leader_store}};
  return r;
}

const absl::Time kT0 = absl::FromUnixSeconds(1735095903);

TEST(ClusterStateTest, StoreStateNameFollowsHeartbeatAge) {
  ClusterState state;
  ASSERT_OK_AND_ASSIGN(bool is_new, state.ApplyStoreHeartbeat(StoreHb(1), kT0));
  EXPECT_TRUE(is_new);
  const StoreRecord& s = state.stores().at(1);
  EXPECT_EQ(state.StateName(s, kT0 + absl::Seconds(20)), "Up");
  EXPECT_EQ(state.StateName(s, kT0 + absl::Seconds(21)), "Disconnected");
  EXPECT_EQ(state.StateName(s, kT0 + absl::Minutes(30) - absl::Seconds(1)), "Disconnected");
  EXPECT_EQ(state.StateName(s, kT0 + absl::Minutes(30)), "Down");
  ASSERT_OK_AND_ASSIGN(is_new, state.ApplyStoreHeartbeat(StoreHb(1), kT0 + absl::Minutes(31)));
  EXPECT_FALSE(is_new);
  EXPECT_EQ(state.StateName(state.stores().at(1), kT0 + absl::Minutes(31)), "Up");
}

TEST(ClusterStateTest, ScaledTimingsAndOfflineStaysOffline) {
  ClusterState::Options opts;
  opts.disconnect_after = absl::Seconds(2);
  opts.max_store_down_time = absl::Minutes(3);
  ClusterState state(opts);
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(1), kT0).status(), IsOk());
  EXPECT_EQ(state.StateName(state.stores().at(1), kT0 + absl::Seconds(3)), "Disconnected");
  EXPECT_EQ(state.StateName(state.stores().at(1), kT0 + absl::Minutes(3)), "Down");
  ASSERT_THAT(state.SetStoreState(1, 1), IsOk());
  EXPECT_EQ(state.StateName(state.stores().at(1), kT0 + absl::Minutes(3)), "Offline");
  EXPECT_EQ(state.stores().at(1).node_state, 2);
  EXPECT_THAT(state.SetStoreState(9, 1), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ClusterStateTest, SlowAndLowSpace) {
  ClusterState state;
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(1, 100ull << 30, 5ull << 30, 64, 80), kT0).status(), IsOk());
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(2, 100ull << 30, 15ull << 30, 64, 79), kT0).status(), IsOk());
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(3, 100ull << 30, 15ull << 30, 100), kT0).status(), IsOk());
  EXPECT_TRUE(state.IsSlow(state.stores().at(1)));
  EXPECT_FALSE(state.IsSlow(state.stores().at(2)));
  EXPECT_TRUE(state.IsLowSpace(state.stores().at(1)));    // 5 % available, <= 8 GiB
  EXPECT_FALSE(state.IsLowSpace(state.stores().at(2)));   // few regions and > 8 GiB left
  EXPECT_TRUE(state.IsLowSpace(state.stores().at(3)));    // 100 regions: no exception
}

TEST(ClusterStateTest, MalformedHeartbeatsAreRejected) {
  ClusterState state;
  EXPECT_THAT(state.ApplyStoreHeartbeat(json{{"store", {{"id", 1}}}}, kT0).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(state.ApplyStoreHeartbeat(json::array(), kT0).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(state.ApplyRegionHeartbeat(json{{"regions", {{{"id", "x"}}}}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(state.stores().empty());
}

TEST(ClusterStateTest, HighestTermWinsAndLeaderChangesReported) {
  ClusterState state;
  ASSERT_THAT(state.ApplyRegionHeartbeat(json{{"regions", {Region(2, 6, 1)}}}).status(), IsOk());
  ASSERT_OK_AND_ASSIGN(auto changes,
                       state.ApplyRegionHeartbeat(json{{"regions", {Region(2, 7, 2)}}}));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].region_id, 2u);
  EXPECT_EQ(changes[0].from_store, 1u);
  EXPECT_EQ(changes[0].to_store, 2u);
  // The old leader's late report (term 6) loses.
  ASSERT_OK_AND_ASSIGN(changes, state.ApplyRegionHeartbeat(json{{"regions", {Region(2, 6, 1)}}}));
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(state.regions().at(2).leader.store_id, 2u);
  EXPECT_EQ(state.CountsFor(2).leader_count, 1);
  EXPECT_EQ(state.CountsFor(1).leader_count, 0);
  EXPECT_EQ(state.CountsFor(1).region_count, 1);
}

TEST(ClusterStateTest, RegionChecks) {
  ClusterState state;
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(3), kT0).status(), IsOk());
  json miss = Region(2, 1, 1, 2);
  json extra = Region(3, 1, 1, 4);
  json down = Region(4, 1, 1);
  down["down_peers"] = {{{"peer", {{"id", 43}, {"store_id", 3}}}, {"down_seconds", 620}}};
  json pending = Region(5, 1, 1);
  pending["pending_peers"] = {{{"id", 53}, {"store_id", 3}}};
  json learner = Region(6, 1, 1);
  learner["peers"][2]["is_learner"] = true;
  json empty = Region(7, 1, 1);
  empty["approximate_size"] = 1;
  ASSERT_THAT(state.ApplyRegionHeartbeat(
      json{{"regions", {miss, extra, down, pending, learner, empty}}}).status(), IsOk());
  auto ids = [&](const char* check) {
    std::vector<uint64_t> out;
    auto regions = state.CheckRegions(check);
    EXPECT_THAT(regions.status(), IsOk());
    if (regions.ok()) {
      for (const auto* r : *regions) out.push_back(r->id);
    }
    return out;
  };
  EXPECT_EQ(ids("miss-peer"), std::vector<uint64_t>{2});
  EXPECT_EQ(ids("extra-peer"), std::vector<uint64_t>{3});
  EXPECT_EQ(ids("down-peer"), std::vector<uint64_t>{4});
  EXPECT_EQ(ids("pending-peer"), std::vector<uint64_t>{5});
  EXPECT_EQ(ids("learner-peer"), std::vector<uint64_t>{6});
  EXPECT_EQ(ids("empty-region"), std::vector<uint64_t>{7});
  EXPECT_TRUE(ids("offline-peer").empty());
  ASSERT_THAT(state.SetStoreState(3, 1), IsOk());
  EXPECT_EQ(ids("offline-peer").size(), 5u);  // every region with a peer on store 3
  EXPECT_THAT(state.CheckRegions("bogus").status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ClusterStateTest, JsonRoundTripKeepsEverything) {
  ClusterState state;
  ASSERT_THAT(state.ApplyStoreHeartbeat(StoreHb(1), kT0).status(), IsOk());
  ASSERT_THAT(state.SetStoreState(1, 1), IsOk());
  ASSERT_THAT(state.ApplyRegionHeartbeat(json{{"regions", {Region(2, 6, 1)}}}).status(), IsOk());
  ClusterState copy;
  ASSERT_THAT(copy.FromJson(state.ToJson()), IsOk());
  EXPECT_EQ(copy.ToJson(), state.ToJson());
  EXPECT_EQ(copy.stores().at(1).last_heartbeat, kT0);
  EXPECT_THAT(copy.FromJson(json{{"stores", 1}}), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::sim
