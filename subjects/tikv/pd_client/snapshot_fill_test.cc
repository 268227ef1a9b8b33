#include "subjects/tikv/pd_client/snapshot_fill.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/pd_client/pd_parse.h"

namespace ops::tikv {
namespace {

using ::ops::common::v1::STORE_STATE_DISCONNECTED;
using ::ops::common::v1::STORE_STATE_DOWN;
using ::ops::common::v1::STORE_STATE_OFFLINE;
using ::ops::common::v1::STORE_STATE_TOMBSTONE;
using ::ops::common::v1::STORE_STATE_UNSPECIFIED;
using ::ops::common::v1::STORE_STATE_UP;
using ::testing::ElementsAre;
using ::testing::Pair;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(StoreStateFromNameTest, EveryPdName) {
  EXPECT_EQ(StoreStateFromName("Up"), STORE_STATE_UP);
  EXPECT_EQ(StoreStateFromName("Disconnected"), STORE_STATE_DISCONNECTED);
  EXPECT_EQ(StoreStateFromName("Down"), STORE_STATE_DOWN);
  EXPECT_EQ(StoreStateFromName("Offline"), STORE_STATE_OFFLINE);
  EXPECT_EQ(StoreStateFromName("Tombstone"), STORE_STATE_TOMBSTONE);
  EXPECT_EQ(StoreStateFromName("Serving"), STORE_STATE_UNSPECIFIED);
  EXPECT_EQ(StoreStateFromName("up"), STORE_STATE_UNSPECIFIED);
}

TEST(FillSnapshotTest, RealPayloads) {
  std::string dir = absl::StrCat(OPS_SHARED_DATA_DIR, "/pd/");
  PdView view;
  ASSERT_OK_AND_ASSIGN(view.stores, ParseStores(Read(dir + "stores.json")));
  ASSERT_OK_AND_ASSIGN(view.members, ParseMembers(Read(dir + "members.json")));
  ASSERT_OK_AND_ASSIGN(view.health, ParseHealth(Read(dir + "health.json")));
  view.region_count = 61;
  view.region_checks.down_peer = 2;
  view.region_checks.miss_peer = 1;

  core::Snapshot snap;
  snap.subject = "tikv";
  core::StoreStatus probed;
  probed.id = "4";
  probed.probe.reachable = true;
  snap.stores.push_back(probed);
  FillSnapshot(view, &snap);

  ASSERT_EQ(snap.stores.size(), 4u);
  const core::StoreStatus* s4 = snap.FindStore("4");
  ASSERT_NE(s4, nullptr);
  EXPECT_EQ(s4->state, STORE_STATE_UP);
  EXPECT_EQ(s4->state_name, "Up");
  EXPECT_TRUE(s4->probe.reachable);  // kept from before
  EXPECT_EQ(s4->leader_count, 17u);
  EXPECT_EQ(s4->last_heartbeat, absl::FromUnixNanos(1735098083480549971));
  EXPECT_EQ(s4->start_time, absl::FromUnixSeconds(1735095903));
  EXPECT_DOUBLE_EQ(s4->slow_score, 1);
  EXPECT_THAT(snap.FindStore("20")->labels, ElementsAre(Pair("engine", "tiflash")));

  ASSERT_EQ(snap.members.size(), 3u);
  ASSERT_NE(snap.Leader(), nullptr);
  EXPECT_EQ(snap.Leader()->name, "basic-53pe89");
  EXPECT_EQ(snap.Leader()->id, "2548954049902922308");
  for (const auto& m : snap.members) EXPECT_TRUE(m.healthy) << m.name;
  EXPECT_EQ(snap.cluster, "7452180154224557728");
  EXPECT_EQ(snap.regions.total, 61u);
  EXPECT_EQ(snap.regions.down_peer, 2u);
  EXPECT_EQ(snap.regions.miss_peer, 1u);
  EXPECT_FALSE(snap.visibility.blind);
  EXPECT_TRUE(snap.visibility.unavailable_sources.empty());
}

TEST(FillSnapshotTest, SimStoresMapEveryState) {
  PdView view;
  ASSERT_OK_AND_ASSIGN(view.stores,
                       ParseStores(Read(absl::StrCat(OPS_PD_CLIENT_TESTDATA, "/sim/stores.json"))));
  core::Snapshot snap;
  FillSnapshot(view, &snap);
  std::map<core::StoreState, int> states;
  for (const auto& s : snap.stores) ++states[s.state];
  EXPECT_EQ(states[STORE_STATE_UP], 5);
  EXPECT_EQ(states[STORE_STATE_DISCONNECTED], 1);
  EXPECT_EQ(states[STORE_STATE_DOWN], 1);
  EXPECT_EQ(states[STORE_STATE_OFFLINE], 1);
}

TEST(FillSnapshotTest, PartialViewKeepsWhatItCannotSeeAndSaysSo) {
  core::Snapshot snap;
  core::StoreStatus old;
  old.id = "1";
  old.state = STORE_STATE_UP;
  snap.stores.push_back(old);
  snap.regions.pending_peer = 7;

  PdView view;
  PdMembers members;
  PdMember a;
  a.name = "pd-a";
  a.member_id = 1;
  a.client_urls = {"http://a:2379"};
  PdMember b = a;
  b.name = "pd-b";
  b.member_id = 2;
  b.client_urls = {"http://b:2379/"};
  members.members = {a, b};
  members.leader = b;
  view.members = members;
  view.answered_endpoints = {"http://b:2379"};  // /health failed; b answered us
  view.region_checks.down_peer = 3;
  view.errors.push_back({"/stores", absl::UnavailableError("x")});
  view.errors.push_back({"/health", absl::DeadlineExceededError("y")});
  FillSnapshot(view, &snap);

  ASSERT_EQ(snap.stores.size(), 1u);  // untouched
  EXPECT_TRUE(snap.visibility.blind);
  EXPECT_THAT(snap.visibility.unavailable_sources, ElementsAre("pd:/stores", "pd:/health"));
  ASSERT_EQ(snap.members.size(), 2u);
  EXPECT_FALSE(snap.members[0].healthy);
  EXPECT_TRUE(snap.members[1].healthy);
  EXPECT_TRUE(snap.members[1].is_leader);
  EXPECT_EQ(snap.regions.down_peer, 3u);
  EXPECT_EQ(snap.regions.pending_peer, 7u);  // not read this cycle: kept
}

TEST(FillSnapshotTest, MembersFromHealthWhenMembersFailed) {
  PdView view;
  view.health = std::vector<PdMemberHealth>{{"pd-a", 1, {"http://a:2379"}, true},
                                            {"pd-b", 2, {"http://b:2379"}, false}};
  view.stores = std::vector<PdStore>{};
  core::Snapshot snap;
  FillSnapshot(view, &snap);
  ASSERT_EQ(snap.members.size(), 2u);
  EXPECT_TRUE(snap.members[0].healthy);
  EXPECT_FALSE(snap.members[1].healthy);
  EXPECT_EQ(snap.Leader(), nullptr);
  EXPECT_FALSE(snap.visibility.blind);
}

}  // namespace
}  // namespace ops::tikv
