// Contract tests: every PD body in shared/data/pd that the client reads (real PD v8.1 payloads)
// and the bodies captured from tikv-sim-pd (testdata/README.md), plus malformed input.
#include "subjects/tikv/pd_client/pd_parse.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string Real(const std::string& name) {
  return Read(absl::StrCat(OPS_SHARED_DATA_DIR, "/pd/", name));
}
std::string Sim(const std::string& name) {
  return Read(absl::StrCat(OPS_PD_CLIENT_TESTDATA, "/sim/", name));
}
constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(PdParseRealTest, Stores) {
  ASSERT_OK_AND_ASSIGN(std::vector<PdStore> stores, ParseStores(Real("stores.json")));
  ASSERT_EQ(stores.size(), 4u);
  const PdStore& s = stores[0];
  EXPECT_EQ(s.id, 4u);
  EXPECT_EQ(s.address, "basic-tikv-5gzwgj.basic-tikv-peer.default:20160");
  EXPECT_EQ(s.status_address, "basic-tikv-5gzwgj.basic-tikv-peer.default:20180");
  EXPECT_EQ(s.version, "8.1.0");
  EXPECT_EQ(s.state, 0);  // omitted: Up
  EXPECT_EQ(s.node_state, 1);
  EXPECT_EQ(s.state_name, "Up");
  EXPECT_EQ(s.start_timestamp, absl::FromUnixSeconds(1735095903));
  EXPECT_EQ(s.last_heartbeat, absl::FromUnixNanos(1735098083480549971));
  EXPECT_EQ(s.capacity_bytes, static_cast<uint64_t>(311.7 * kGiB));
  EXPECT_EQ(s.available_bytes, static_cast<uint64_t>(222.1 * kGiB));
  EXPECT_EQ(s.used_bytes, static_cast<uint64_t>(290.7 * (1 << 20)));
  EXPECT_EQ(s.leader_count, 17u);
  EXPECT_EQ(s.region_count, 60u);
  EXPECT_DOUBLE_EQ(s.region_score, 127.38727094442186);
  EXPECT_EQ(s.region_size_mib, 60);
  EXPECT_EQ(s.slow_score, 1u);
  EXPECT_EQ(s.start_ts, absl::FromUnixSeconds(1735095903));
  EXPECT_EQ(s.last_heartbeat_ts, absl::FromUnixNanos(1735098083480549971));
  EXPECT_EQ(s.uptime, absl::Minutes(36) + absl::Seconds(20) + absl::Nanoseconds(480549971));
  EXPECT_TRUE(s.labels.empty());
  // The TiFlash store: a label, "1B" used, zero counts.
  EXPECT_EQ(stores[1].id, 20u);
  EXPECT_THAT(stores[1].labels, ElementsAre(Pair("engine", "tiflash")));
  EXPECT_EQ(stores[1].used_bytes, 1u);
  EXPECT_EQ(stores[1].leader_count, 0u);
}

TEST(PdParseRealTest, MembersLeaderHealth) {
  ASSERT_OK_AND_ASSIGN(PdMembers m, ParseMembers(Real("members.json")));
  EXPECT_EQ(m.cluster_id, 7452180154224557728u);
  ASSERT_EQ(m.members.size(), 3u);
  EXPECT_EQ(m.members[2].member_id, 12818309996638325969u);  // beyond int64
  EXPECT_EQ(m.members[0].binary_version, "v8.1.0");
  ASSERT_TRUE(m.leader.has_value());
  EXPECT_EQ(m.leader->name, "basic-53pe89");
  EXPECT_THAT(m.leader->client_urls,
              ElementsAre("http://basic-pd-53pe89.basic-pd-peer.default:2379"));
  ASSERT_TRUE(m.etcd_leader.has_value());

  ASSERT_OK_AND_ASSIGN(PdMember leader, ParseLeader(Real("leader.json")));
  EXPECT_EQ(leader.member_id, 2548954049902922308u);
  EXPECT_EQ(leader.peer_urls.size(), 1u);

  ASSERT_OK_AND_ASSIGN(std::vector<PdMemberHealth> h, ParseHealth(Real("health.json")));
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].name, "basic-53pe89");
  EXPECT_TRUE(h[0].health && h[1].health && h[2].health);
}

TEST(PdParseRealTest, Configs) {
  ASSERT_OK_AND_ASSIGN(PdConfig simple, ParseConfig(Real("config-simplified.json")));
  EXPECT_EQ(simple.max_store_down_time, absl::Minutes(30));  // absent → PD default
  EXPECT_DOUBLE_EQ(simple.low_space_ratio, 0.8);
  EXPECT_EQ(simple.max_replicas, 3u);
  EXPECT_THAT(simple.location_labels, ElementsAre("zone", "rack"));

  ASSERT_OK_AND_ASSIGN(PdConfig show, ParseConfig(Real("config-show.pdctl.json")));
  EXPECT_EQ(show.max_store_down_time, absl::Minutes(30));
  EXPECT_DOUBLE_EQ(show.high_space_ratio, 0.7);
  EXPECT_TRUE(show.enable_placement_rules);  // "true" as a string
  EXPECT_TRUE(show.location_labels.empty());
  EXPECT_EQ(show.region_schedule_limit, 2048u);
}

TEST(PdParseSimTest, StoresWithEveryState) {
  ASSERT_OK_AND_ASSIGN(std::vector<PdStore> stores, ParseStores(Sim("stores.json")));
  ASSERT_EQ(stores.size(), 8u);
  std::map<std::string, int> names;
  for (const PdStore& s : stores) ++names[s.state_name];
  EXPECT_EQ(names["Up"], 5);
  EXPECT_EQ(names["Disconnected"], 1);
  EXPECT_EQ(names["Down"], 1);
  EXPECT_EQ(names["Offline"], 1);
  EXPECT_EQ(stores[2].state, 1);  // Offline is the only non-zero `state`
  EXPECT_EQ(stores[0].capacity_bytes, static_cast<uint64_t>(3.493 * 1024 * kGiB));
  EXPECT_THAT(stores[0].labels, ElementsAre(Pair("zone", "z1"), Pair("host", "tikv-1")));
  ASSERT_TRUE(stores[0].last_heartbeat_ts.has_value());
  ASSERT_TRUE(stores[0].uptime.has_value());

  ASSERT_OK_AND_ASSIGN(PdStore one, ParseStore(Sim("store-1.json")));
  EXPECT_EQ(one.id, 1u);
  EXPECT_EQ(one.state_name, stores[0].state_name);
  ASSERT_OK_AND_ASSIGN(std::vector<PdStore> none, ParseStores(Sim("stores-tombstone.json")));
  EXPECT_TRUE(none.empty());
}

TEST(PdParseSimTest, MembersHealthStatusConfig) {
  ASSERT_OK_AND_ASSIGN(PdMembers m, ParseMembers(Sim("members.json")));
  ASSERT_EQ(m.members.size(), 1u);
  ASSERT_TRUE(m.leader.has_value());
  EXPECT_EQ(m.leader->name, "pd1");
  ASSERT_OK_AND_ASSIGN(PdMember leader, ParseLeader(Sim("leader.json")));
  EXPECT_EQ(leader.member_id, m.leader->member_id);
  ASSERT_OK_AND_ASSIGN(std::vector<PdMemberHealth> h, ParseHealth(Sim("health.json")));
  ASSERT_EQ(h.size(), 1u);
  EXPECT_TRUE(h[0].health);

  ASSERT_OK_AND_ASSIGN(PdClusterStatus cs, ParseClusterStatus(Sim("cluster-status.json")));
  EXPECT_TRUE(cs.is_initialized);
  ASSERT_TRUE(cs.raft_bootstrap_time.has_value());
  EXPECT_EQ(absl::FormatTime("%Y", *cs.raft_bootstrap_time, absl::UTCTimeZone()), "2026");

  ASSERT_OK_AND_ASSIGN(PdConfig c, ParseConfig(Sim("config.json")));
  EXPECT_EQ(c.max_store_down_time, absl::Minutes(30));
  EXPECT_EQ(c.max_store_preparing_time, absl::Hours(48));
  EXPECT_DOUBLE_EQ(c.low_space_ratio, 0.8);
  EXPECT_DOUBLE_EQ(c.high_space_ratio, 0.7);
  EXPECT_EQ(c.max_replicas, 3u);
  EXPECT_EQ(c.cluster_version, "8.5.7");
}

TEST(PdParseSimTest, RegionCountsStatsHotspots) {
  for (const char* check :
       {"miss-peer", "down-peer", "pending-peer", "offline-peer", "extra-peer", "empty-region"}) {
    std::string body = Sim(absl::StrCat("check-", check, ".json"));
    ASSERT_OK_AND_ASSIGN(uint64_t n, ParseRegionsCount(body));
    EXPECT_EQ(n, 10u) << check;
    uint64_t leading = 0;
    EXPECT_EQ(ReadLeadingCount(body, &leading), LeadingCount::kFound) << check;
    EXPECT_EQ(leading, 10u);
  }
  ASSERT_OK_AND_ASSIGN(uint64_t total, ParseRegionsCount(Sim("regions-count.json")));
  EXPECT_EQ(total, 2000u);
  uint64_t leading = 0;
  EXPECT_EQ(ReadLeadingCount(Sim("regions-count.json"), &leading), LeadingCount::kFound);
  EXPECT_EQ(leading, 2000u);

  ASSERT_OK_AND_ASSIGN(PdRegionStats st, ParseRegionStats(Sim("stats-region.json")));
  EXPECT_EQ(st.count, 2000u);
  EXPECT_EQ(st.empty_count, 10u);
  EXPECT_EQ(st.store_leader_count.at(4), 347u);
  EXPECT_EQ(st.store_peer_count.at(1), 10u);

  ASSERT_OK_AND_ASSIGN(PdHotspots read, ParseHotspots(Sim("hotspot-read.json")));
  ASSERT_TRUE(read.as_peer.count(2));
  EXPECT_DOUBLE_EQ(read.as_peer.at(2).total_flow_bytes, 32595967);
  EXPECT_EQ(read.as_peer.at(2).regions_count, 8u);
  EXPECT_FALSE(read.as_leader.empty());
  ASSERT_OK_AND_ASSIGN(PdHotspots write, ParseHotspots(Sim("hotspot-write.json")));
  EXPECT_DOUBLE_EQ(write.as_peer.at(2).total_flow_keys, 2269);
}

TEST(PdParseTest, OmittedZeroFieldsAndTimesWithOffsets) {
  ASSERT_OK_AND_ASSIGN(PdStore s, ParseStore(R"({"store":{"id":7,"state":2,"node_state":3},
      "status":{"start_ts":"2024-12-25T11:05:03.5+08:00","last_heartbeat_ts":"0001-01-01T00:00:00Z",
      "uptime":"1m30s","capacity":"0B"}})"));
  EXPECT_EQ(s.state_name, "Tombstone");  // derived from `state` when state_name is absent
  EXPECT_EQ(s.start_ts, absl::FromUnixMillis(1735095903500));
  EXPECT_FALSE(s.last_heartbeat_ts.has_value());  // Go zero time means never
  EXPECT_EQ(s.uptime, absl::Seconds(90));
  EXPECT_EQ(s.leader_count, 0u);
  EXPECT_FALSE(s.start_timestamp.has_value());
  ASSERT_OK_AND_ASSIGN(PdMembers m, ParseMembers("{}"));  // no leader during an election
  EXPECT_FALSE(m.leader.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<PdStore> empty, ParseStores(R"({"count":0,"stores":null})"));
  EXPECT_TRUE(empty.empty());
}

TEST(PdParseTest, MalformedBodiesNameTheFieldPath) {
  using absl::StatusCode;
  EXPECT_THAT(ParseStores(""), StatusIs(StatusCode::kDataLoss, HasSubstr("empty")));
  EXPECT_THAT(ParseStores("<html>502 Bad Gateway</html>"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("not valid JSON")));
  EXPECT_THAT(ParseStores(R"({"count":1,"stores":[{"store":{"id":1})"),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(ParseStores("[]"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("object")));
  EXPECT_THAT(
      ParseStores(R"({"count":2,"stores":[{"store":{"id":1}},
                  {"store":{"id":2},"status":{"capacity":"12XB"}}]})"),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("stores[1].status.capacity: invalid byte")));
  EXPECT_THAT(ParseStores(R"({"count":1,"stores":[{"store":{"id":"1"}}]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("stores[0].store.id")));
  EXPECT_THAT(ParseStores(R"({"count":1,"stores":[{"store":{"address":"x"}}]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("stores[0].store.id: required")));
  EXPECT_THAT(ParseStores(R"({"count":1,"stores":[{"store":{"id":-4}}]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("non-negative")));
  EXPECT_THAT(ParseStores(R"({"count":3,"stores":[{"store":{"id":1}}]})"),
              StatusIs(StatusCode::kDataLoss, HasSubstr("count says 3")));
  EXPECT_THAT(ParseStore(R"({"store":{"id":1},"status":{"uptime":"forever"}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("status.uptime: invalid Go")));
  EXPECT_THAT(ParseStore(R"({"store":{"id":1},"status":{"start_ts":"yesterday"}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("status.start_ts")));
  EXPECT_THAT(ParseStore(R"({"store":{"id":1,"labels":[{"value":"x"}]}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("store.labels[0].key")));
  EXPECT_THAT(ParseMembers(R"({"members":[{"name":"a","member_id":1,"client_urls":[3]}]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("members[0].client_urls[0]")));
  EXPECT_THAT(ParseHealth(R"({"name":"a"})"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseHealth(R"([{"name":"a","member_id":1,"health":"yes"}])"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("[0].health")));
  EXPECT_THAT(ParseConfig(R"({"schedule":{"max-store-down-time":1800}})"),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("schedule.max-store-down-time: expected a Go duration")));
  EXPECT_THAT(ParseConfig(R"({"schedule":{"low-space-ratio":"0.8"}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("schedule.low-space-ratio")));
  EXPECT_THAT(ParseRegionsCount(R"({"regions":[]})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("count: required")));
  EXPECT_THAT(ParseRegionStats(R"({"count":1,"store_leader_count":{"x":1}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("store_leader_count")));
  EXPECT_THAT(ParseHotspots(R"({"as_leader":{"4":{"total_flow_bytes":"many"}}})"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("as_leader.4.total_flow_bytes")));
  // Deep nesting and odd bytes are errors, not crashes.
  EXPECT_THAT(ParseStores(std::string(100000, '[')), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(ParseStores(std::string("{\"count\":\xff}", 12)), StatusIs(StatusCode::kDataLoss));
}

TEST(PdErrorTextTest, BareJsonStringOrRawBody) {
  EXPECT_EQ(PdErrorText("\"[PD:core:ErrStoreNotFound]store 99 not found\"\n"),
            "[PD:core:ErrStoreNotFound]store 99 not found");
  EXPECT_EQ(PdErrorText("404 page not found\n"), "404 page not found");
  EXPECT_EQ(PdErrorText(std::string(1000, 'x')).size(), 256u);
}

TEST(ReadLeadingCountTest, PrefixesIndentationAndFallbacks) {
  uint64_t n = 0;
  EXPECT_EQ(ReadLeadingCount("", &n), LeadingCount::kNeedMore);
  EXPECT_EQ(ReadLeadingCount("{\"cou", &n), LeadingCount::kNeedMore);
  EXPECT_EQ(ReadLeadingCount("{\"count\":12", &n), LeadingCount::kNeedMore);  // 12 or 123?
  EXPECT_EQ(ReadLeadingCount("{\"count\":123,\"reg", &n), LeadingCount::kFound);
  EXPECT_EQ(n, 123u);
  EXPECT_EQ(ReadLeadingCount("{\n  \"count\": 0,\n  \"regions\": null\n}", &n),
            LeadingCount::kFound);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ReadLeadingCount("{\"count\":5}", &n), LeadingCount::kFound);
  EXPECT_EQ(ReadLeadingCount("{\"regions\":[],\"count\":5}", &n), LeadingCount::kNotLeading);
  EXPECT_EQ(ReadLeadingCount("{\"count\":-1,", &n), LeadingCount::kNotLeading);
  EXPECT_EQ(ReadLeadingCount("{\"count\":1.5,", &n), LeadingCount::kNotLeading);
  EXPECT_EQ(ReadLeadingCount("garbage", &n), LeadingCount::kNotLeading);
  EXPECT_EQ(ReadLeadingCount("{\"count\":99999999999999999999999,", &n), LeadingCount::kNotLeading);
}

}  // namespace
}  // namespace ops::tikv
