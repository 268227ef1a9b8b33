// Contract tests: every field our PD API emits must exist in the real sample with the same JSON
// type (recursively), and fields the sample always has must be present.
#include "subjects/tikv/sim/pd/api_render.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::sim {
namespace {

using ::ops::testing::IsOk;
using json = nlohmann::json;

json LoadSample(const std::string& name) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/pd/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

std::string Kind(const json& j) {
  if (j.is_number()) return "number";  // Go numbers: int and float are one JSON type
  return j.type_name();
}

// Every key of `ours` exists in `real` with the same type; arrays compare their first elements.
void ExpectSubsetTyped(const json& ours, const json& real, const std::string& path) {
  ASSERT_EQ(Kind(ours), Kind(real)) << path;
  if (ours.is_object()) {
    for (auto it = ours.begin(); it != ours.end(); ++it) {
      if (!real.contains(it.key())) {
        ADD_FAILURE() << "field " << path << "." << it.key() << " not in the real sample";
        continue;
      }
      ExpectSubsetTyped(it.value(), real[it.key()], path + "." + it.key());
    }
  } else if (ours.is_array() && !ours.empty() && !real.empty()) {
    ExpectSubsetTyped(ours[0], real[0], path + "[0]");
  }
}

void ExpectHasKeys(const json& ours, const json& real, const std::string& path) {
  for (auto it = real.begin(); it != real.end(); ++it) {
    EXPECT_TRUE(ours.contains(it.key())) << path << "." << it.key() << " missing";
  }
}

json StoreHb(uint64_t id) {
  return {{"store",
           {{"id", id},
            {"address", "127.0.0.1:20160"},
            {"status_address", "127.0.0.1:20180"},
            {"peer_address", "127.0.0.1:20160"},
            {"version", "8.5.7"},
            {"git_hash", "ba73b0d92d94463d74543550d0efe61fa6a6f416"},
            {"start_timestamp", 1735095903},
            {"deploy_path", "/"},
            {"labels", json::array()}}},
          {"stats",
           {{"capacity", 334671872000},
            {"available", 238484856832},
            {"used_size", 304802816},
            {"region_count", 1},
            {"slow_score", 1}}}};
}

json Region(uint64_t id) {
  return {{"id", id},
          {"start_key", ""},
          {"end_key", "7480000000000000FF0A"},
          {"term", 6},
          {"epoch", {{"conf_ver", 5}, {"version", 3}}},
          {"peers", {{{"id", 3}, {"store_id", 1}}, {{"id", 4}, {"store_id", 2}}}},
          {"leader", {{"id", 3}, {"store_id", 1}}},
          {"approximate_size", 96},
          {"approximate_keys", 1000}};
}

class ApiRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(state_.ApplyStoreHeartbeat(StoreHb(1), now_ - absl::Seconds(5)).status(), IsOk());
    ASSERT_THAT(state_.ApplyRegionHeartbeat(json{{"regions", {Region(2)}}}).status(), IsOk());
    for (int i = 0; i < 3; ++i) {
      MemberInfo m;
      m.name = absl::StrCat("pd", i + 1);
      m.member_id = 12818309996638325969ull - i;
      m.peer_urls = {absl::StrCat("http://127.0.0.1:", 2380 + i * 10)};
      m.client_urls = {absl::StrCat("http://127.0.0.1:", 2379 + i * 10)};
      view_.members.push_back(m);
    }
    view_.cluster_id = 7452180154224557728ull;
    view_.leader_index = 1;
  }
  ClusterState state_;
  absl::Time now_ = absl::FromUnixNanos(1735098083480549971);
  PdView view_;
};

TEST_F(ApiRenderTest, StoresMatchRealSample) {
  ApiReply r = RenderStores(state_, now_, {});
  ASSERT_EQ(r.status, 200);
  json ours = json::parse(r.body);
  json real = LoadSample("stores.json");
  ExpectSubsetTyped(ours, real, "");
  ASSERT_EQ(ours["count"], 1);
  const json& s = ours["stores"][0];
  ExpectHasKeys(s["store"], real["stores"][0]["store"], "store");
  ExpectHasKeys(s["status"], real["stores"][0]["status"], "status");
  EXPECT_EQ(s["status"]["capacity"], "311.7GiB");
  EXPECT_EQ(s["status"]["used_size"], "290.7MiB");
  EXPECT_EQ(s["store"]["state_name"], "Up");
  EXPECT_FALSE(s["store"].contains("state"));  // Up = 0 is omitted
  EXPECT_EQ(s["status"]["leader_count"], 1);
  EXPECT_EQ(s["status"]["uptime"], "36m15.480549971s");
  // Field order as the Go struct: id first, state_name last.
  EXPECT_EQ(r.body.find("\"id\"") < r.body.find("\"state_name\""), true);
  EXPECT_NE(r.body.find("\"leader_weight\": 1,"), std::string::npos);
}

TEST_F(ApiRenderTest, TombstoneHiddenByDefaultAndStateFilter) {
  ASSERT_THAT(state_.ApplyStoreHeartbeat(StoreHb(2), now_).status(), IsOk());
  ASSERT_THAT(state_.SetStoreState(2, 2), IsOk());
  EXPECT_EQ(json::parse(RenderStores(state_, now_, {}).body)["count"], 1);
  json only = json::parse(RenderStores(state_, now_, {2}).body);
  ASSERT_EQ(only["count"], 1);
  EXPECT_EQ(only["stores"][0]["store"]["state_name"], "Tombstone");
  EXPECT_EQ(only["stores"][0]["store"]["state"], 2);
}

TEST_F(ApiRenderTest, UnknownStoreIsBareJsonString404) {
  ApiReply r = RenderStore(state_, now_, 99);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "\"[PD:core:ErrStoreNotFound]store 99 not found\"\n");
  EXPECT_EQ(RenderStore(state_, now_, 1).status, 200);
}

TEST_F(ApiRenderTest, RegionBodiesFollowEasyjsonOrder) {
  json region = json::parse(RenderRegion(state_, 2).body);
  EXPECT_EQ(region["leader"]["role_name"], "Voter");
  EXPECT_EQ(region["leader"]["store_id"], 1);
  std::string body = RenderRegion(state_, 2).body;
  std::vector<std::string> order = {"\"id\"",         "\"start_key\"",     "\"end_key\"",
                                    "\"epoch\"",      "\"peers\"",         "\"leader\"",
                                    "\"cpu_usage\"",  "\"written_bytes\"", "\"approximate_size\"",
                                    "\"approximate_keys\""};
  size_t pos = 0;
  for (const auto& key : order) {
    size_t found = body.find(key, pos);
    ASSERT_NE(found, std::string::npos) << key;
    pos = found;
  }
  EXPECT_FALSE(region.contains("down_peers"));
  EXPECT_EQ(RenderRegionsCount(state_).body, "{\n  \"count\": 1,\n  \"regions\": null\n}\n");
  json miss = json::parse(RenderRegionCheck(state_, "miss-peer").body);
  EXPECT_EQ(miss["count"], 1);
  EXPECT_EQ(json::parse(RenderRegionCheck(state_, "down-peer").body)["regions"], json::array());
  EXPECT_EQ(RenderRegionCheck(state_, "nope").status, 400);
  json stats = json::parse(RenderStatsRegion(state_).body);
  EXPECT_EQ(stats["store_leader_count"]["1"], 1);
  EXPECT_EQ(stats["storage_size"], 96);
}

TEST_F(ApiRenderTest, MembershipMatchesRealSamples) {
  json members = json::parse(RenderMembers(view_).body);
  json real_members = LoadSample("members.json");
  ExpectSubsetTyped(members, real_members, "");
  ExpectHasKeys(members, real_members, "");
  ExpectHasKeys(members["members"][0], real_members["members"][0], "members[0]");
  EXPECT_EQ(members["leader"]["name"], "pd2");

  json leader = json::parse(RenderLeader(view_).body);
  ExpectSubsetTyped(leader, LoadSample("leader.json"), "");
  ExpectHasKeys(leader, LoadSample("leader.json"), "");

  json health = json::parse(RenderHealth(view_, {true, false, true}).body);
  ExpectSubsetTyped(health, LoadSample("health.json"), "");
  ExpectHasKeys(health[0], LoadSample("health.json")[0], "health[0]");
  EXPECT_EQ(health[1]["health"], false);

  json cluster = json::parse(RenderCluster(view_).body);
  ExpectSubsetTyped(cluster, LoadSample("cluster.json"), "");
  ExpectHasKeys(cluster, LoadSample("cluster.json"), "");
  EXPECT_EQ(RenderCluster(view_).body.find("7452180154224557728") != std::string::npos, true);

  view_.leader_index = -1;
  EXPECT_EQ(RenderLeader(view_).status, 500);
}

TEST_F(ApiRenderTest, ConfigMatchesRealSamples) {
  json config = json::parse(RenderConfig(state_, view_, 0).body);
  json show = LoadSample("config-show.pdctl.json");
  for (const char* section : {"schedule", "replication"}) {
    for (auto it = show[section].begin(); it != show[section].end(); ++it) {
      ASSERT_TRUE(config[section].contains(it.key())) << section << "." << it.key();
      EXPECT_EQ(Kind(config[section][it.key()]), Kind(it.value())) << it.key();
    }
  }
  EXPECT_EQ(config["schedule"]["max-store-down-time"], "30m0s");
  json simplified = LoadSample("config-simplified.json");
  EXPECT_EQ(Kind(config["schedule"]["schedulers-v2"]), "array");
  EXPECT_EQ(Kind(config["log"]["level"]), Kind(simplified["log"]["level"]));
  ExpectSubsetTyped(json::parse(RenderScheduleConfig(state_).body)["low-space-ratio"],
                    show["schedule"]["low-space-ratio"], "low-space-ratio");
}

TEST_F(ApiRenderTest, SchedulersAndOperators) {
  ExpectSubsetTyped(json::parse(RenderSchedulers().body), LoadSample("schedulers.json"), "");
  EXPECT_EQ(RenderOperators({}).body, "[]\n");
  EXPECT_EQ(RenderOperators({"balance-leader-scheduler {transfer leader: store 2 to 1} (kind:leader)"})
                .body,
            "[\n  \"balance-leader-scheduler {transfer leader: store 2 to 1} (kind:leader)\"\n]\n");
  json hot = json::parse(RenderHotspot(state_, true).body);
  EXPECT_TRUE(hot.contains("as_peer"));
  EXPECT_TRUE(hot.contains("as_leader"));
}

TEST_F(ApiRenderTest, CompactRegionMatchesStructuredRendering) {
  RegionRecord r;
  r.id = 9;
  r.start_key = "74";
  r.end_key = "75";
  r.conf_ver = 5;
  r.peers = {{10, 1, false}, {11, 2, false}, {12, 3, true}};
  r.leader = r.peers[0];
  r.down_peers = {{r.peers[1], 620}};
  r.pending_peers = {r.peers[2]};
  r.written_bytes = 7;
  r.approximate_size = 3;
  std::string compact;
  AppendRegionJson(r, &compact);
  EXPECT_EQ(compact, RegionInfoJson(r).dump());
  RegionRecord bare;
  bare.id = 1;
  compact.clear();
  AppendRegionJson(bare, &compact);
  EXPECT_EQ(compact, RegionInfoJson(bare).dump());
  // Region lists are written compact with rd.Data, like MarshalRegionsInfoJSON.
  ApiReply list = RenderRegions(state_);
  EXPECT_EQ(list.content_type, "application/octet-stream");
  EXPECT_EQ(list.body.rfind("{\"count\":1,\"regions\":[{\"id\":2,", 0), 0u);
  EXPECT_EQ(list.body.back(), '}');
}

// Regions [""-"10"), ["10"-"20"), hole, ["30"-"40"), ["40"-"") as upper-case hex of raw keys.
class ScanRegionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::pair<std::string, std::string>> ranges = {
        {"", "3130"}, {"3130", "3230"}, {"3330", "3430"}, {"3430", ""}};
    json regions = json::array();
    uint64_t id = 100;
    for (const auto& [start, end] : ranges) {
      json r = Region(id++);
      r["start_key"] = start;
      r["end_key"] = end;
      regions.push_back(r);
    }
    ASSERT_THAT(state_.ApplyRegionHeartbeat(json{{"regions", regions}}).status(), IsOk());
  }
  std::vector<uint64_t> Ids(absl::string_view key, absl::string_view end, absl::string_view format,
                            absl::string_view limit) {
    ApiReply r = RenderRegionsByKey(state_, key, end, format, limit);
    EXPECT_EQ(r.status, 200) << r.body;
    json j = json::parse(r.body);
    std::vector<uint64_t> ids;
    for (const auto& region : j["regions"]) ids.push_back(region["id"].get<uint64_t>());
    EXPECT_EQ(j["count"], ids.size());
    return ids;
  }
  ClusterState state_;
};

TEST_F(ScanRegionsTest, StartsAtContainingRegionAndStopsAtEndKey) {
  using V = std::vector<uint64_t>;
  EXPECT_EQ(Ids("", "", "", ""), (V{100, 101, 102, 103}));
  EXPECT_EQ(Ids("15", "", "", ""), (V{101, 102, 103}));     // raw key "15" is in ["10","20")
  EXPECT_EQ(Ids("3135", "", "hex", ""), (V{101, 102, 103}));  // the same key in hex
  EXPECT_EQ(Ids("25", "", "", ""), (V{102, 103}));           // in the hole: next region
  EXPECT_EQ(Ids("", "30", "", ""), (V{100, 101}));           // stops at start >= end_key
  EXPECT_EQ(Ids("", "3331", "hex", ""), (V{100, 101, 102}));
  EXPECT_EQ(Ids("", "", "", "2"), (V{100, 101}));
  EXPECT_EQ(Ids("", "", "", "0"), (V{100, 101, 102, 103}));  // <= 0: no limit
  EXPECT_EQ(Ids("", "", "", "-1"), (V{100, 101, 102, 103}));
  EXPECT_EQ(Ids("", "", "", "99999"), (V{100, 101, 102, 103}));  // capped at 10240
  EXPECT_EQ(Ids("50", "", "", ""), (V{103}));
}

TEST_F(ScanRegionsTest, DefaultLimitIs16) {
  json regions = json::array();
  for (int i = 0; i < 40; ++i) {
    json r = Region(1000 + i);
    r["start_key"] = absl::StrCat("AA", 10 + i);
    r["end_key"] = absl::StrCat("AA", 11 + i);
    regions.push_back(r);
  }
  ClusterState state;
  ASSERT_THAT(state.ApplyRegionHeartbeat(json{{"regions", regions}}).status(), IsOk());
  EXPECT_EQ(json::parse(RenderRegionsByKey(state, "", "", "", "").body)["count"], 16);
  EXPECT_EQ(json::parse(RenderRegionsByKey(state, "", "", "", "40").body)["count"], 40);
}

TEST_F(ScanRegionsTest, BadInputIsA400WithGoErrorText) {
  ApiReply r = RenderRegionsByKey(state_, "", "", "", "abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "\"strconv.Atoi: parsing \\\"abc\\\": invalid syntax\"\n");
  EXPECT_EQ(RenderRegionsByKey(state_, "", "", "", "99999999999999999999").body,
            "\"strconv.Atoi: parsing \\\"99999999999999999999\\\": value out of range\"\n");
  r = RenderRegionsByKey(state_, "zz", "", "hex", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "\"encoding/hex: invalid byte: U+007A 'z'\"\n");
  r = RenderRegionsByKey(state_, "", "313", "hex", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "\"encoding/hex: odd length hex string\"\n");
}

}  // namespace
}  // namespace ops::sim
