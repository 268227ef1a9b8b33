#include <map>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/sim/workload/key_codec.h"
#include "subjects/tikv/sim/workload/kv_client.h"
#include "subjects/tikv/sim/workload/rate_limiter.h"
#include "subjects/tikv/sim/workload/region_table.h"
#include "subjects/tikv/sim/workload/workload_metrics.h"
#include "subjects/tikv/sim/workload/zipfian.h"

namespace ops::sim {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ZipfianTest, SkewedSeededAndInRange) {
  ZipfianGenerator a(1000, kZipfianTheta, 7), b(1000, kZipfianTheta, 7);
  std::vector<int> counts(1000);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = a.Next();
    ASSERT_LT(v, 1000u);
    ++counts[v];
    if (i < 100) {
      EXPECT_EQ(v, b.Next());
    }
  }
  // P(0) = 1/zeta(1000, 0.99) ~ 0.133; item 0 beats item 1 beats item 10 beats item 500.
  EXPECT_NEAR(counts[0] / 100000.0, 0.133, 0.01);
  EXPECT_GT(counts[0], counts[1]);
  EXPECT_GT(counts[1], counts[10]);
  EXPECT_GT(counts[10], counts[500]);
  int top10 = 0;
  for (int i = 0; i < 10; ++i) top10 += counts[i];
  EXPECT_GT(top10, 35000);  // ~39% of draws on 1% of the keys
}

TEST(KeyCodecTest, SplitAndEncode) {
  EXPECT_EQ(EncodeKey(1000), "00000000000003E8");
  EXPECT_EQ(EvenSplitKeys(4),
            (std::vector<std::string>{"4000000000000000", "8000000000000000", "C000000000000000"}));
  EXPECT_NE(KeyForIndex(0), KeyForIndex(1));
}

RegionTable ThreeRegions() {
  return RegionTable({{2, "", "4000000000000000", 1},
                      {3, "4000000000000000", "8000000000000000", 2},
                      {4, "8000000000000000", "", 0}},
                     {{1, "127.0.0.1:1"}, {2, "127.0.0.1:2"}, {3, "127.0.0.1:3"}});
}

TEST(RegionTableTest, RoutesKeysToRegions) {
  RegionTable t = ThreeRegions();
  EXPECT_EQ(t.Locate("0000000000000000")->id, 2u);
  EXPECT_EQ(t.Locate("3FFFFFFFFFFFFFFF")->id, 2u);
  EXPECT_EQ(t.Locate("4000000000000000")->id, 3u);
  EXPECT_EQ(t.Locate("FFFFFFFFFFFFFFFF")->id, 4u);
  EXPECT_EQ(RegionTable().Locate("00"), nullptr);
}

TEST(RegionTableTest, ParsesPdBodies) {
  ASSERT_OK_AND_ASSIGN(
      RegionTable t,
      RegionTable::Parse(R"({"count":1,"regions":[{"id":2,"start_key":"","end_key":"",
          "leader":{"role_name":"Voter","id":3,"store_id":1}}]})",
                         R"({"count":1,"stores":[{"store":{"id":1,"address":"127.0.0.1:9"},
          "status":{}}]})"));
  EXPECT_EQ(t.Locate("AB")->leader_store_id, 1u);
  EXPECT_EQ(t.StoreAddress(1), "127.0.0.1:9");
  EXPECT_THAT(RegionTable::Parse("{", "{}"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RegionTable::Parse("{}", R"({"stores":[]})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("regions")));
}

class FakeTransport : public KvTransport {
 public:
  absl::StatusOr<KvReply> Post(const std::string& addr, const std::string& path,
                               const std::string& body) override {
    calls.push_back(addr + path);
    auto it = replies.find(addr);
    if (it == replies.end()) return absl::UnavailableError("connection refused");
    return it->second;
  }
  std::map<std::string, KvReply> replies;
  std::vector<std::string> calls;
};

TEST(KvClientTest, RetriesAtTheHintedLeader) {
  FakeTransport t;
  t.replies["127.0.0.1:1"] = {409, R"({"error":"not_leader","region_id":2,"leader_store_id":3})"};
  t.replies["127.0.0.1:3"] = {200, R"({"ok":true})"};
  KvClient c(&t);
  OpOutcome o = c.Execute(ThreeRegions(), false, "0000000000000001", "AA");
  EXPECT_EQ(o.result, "ok");
  EXPECT_EQ(o.attempts, 2);
  EXPECT_TRUE(o.refresh);
  EXPECT_THAT(t.calls, ::testing::ElementsAre("127.0.0.1:1/kv/v1/put", "127.0.0.1:3/kv/v1/put"));
}

TEST(KvClientTest, BoundedRetriesAndErrorKinds) {
  FakeTransport t;
  t.replies["127.0.0.1:1"] = {409, R"({"error":"not_leader","leader_store_id":2})"};
  t.replies["127.0.0.1:2"] = {409, R"({"error":"not_leader","leader_store_id":1})"};
  KvClient c(&t, 3);
  OpOutcome o = c.Execute(ThreeRegions(), true, "00", "");
  EXPECT_EQ(o.result, "not_leader");
  EXPECT_EQ(o.attempts, 3);
  t.replies["127.0.0.1:2"] = {503, R"({"error":"server_is_busy","message":"raftstore is busy"})"};
  EXPECT_EQ(c.Execute(ThreeRegions(), false, "5000000000000000", "").result, "server_is_busy");
  t.replies["127.0.0.1:2"] = {507, R"({"error":"disk_full","message":"store ids [2], errmsg x"})"};
  OpOutcome full = c.Execute(ThreeRegions(), false, "5000000000000000", "");
  EXPECT_EQ(full.result, "disk_full");
  EXPECT_FALSE(full.refresh);
  t.replies.erase("127.0.0.1:2");
  OpOutcome down = c.Execute(ThreeRegions(), true, "5000000000000000", "");
  EXPECT_EQ(down.result, "unavailable");
  EXPECT_TRUE(down.refresh);
  OpOutcome leaderless = c.Execute(ThreeRegions(), true, "9000000000000000", "");
  EXPECT_EQ(leaderless.result, "no_leader");
  EXPECT_EQ(leaderless.attempts, 0);
}

TEST(RateLimiterTest, EvenSpacingWithoutBursts) {
  RateLimiter r(100);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  EXPECT_EQ(r.Reserve(t0), t0);
  EXPECT_EQ(r.Reserve(t0), t0 + absl::Milliseconds(10));
  EXPECT_EQ(r.Reserve(t0), t0 + absl::Milliseconds(20));
  // After an idle second the next slot is now, not a backlog of 100 slots.
  const absl::Time t1 = t0 + absl::Seconds(1);
  EXPECT_EQ(r.Reserve(t1), t1);
  EXPECT_EQ(r.Reserve(t1), t1 + absl::Milliseconds(10));
}

TEST(WorkloadMetricsTest, CountsAndRenders) {
  WorkloadMetrics m;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 5; ++i) m.Record("read", "ok", absl::Milliseconds(2), t0);
  m.Record("write", "not_leader", absl::Milliseconds(1), t0);
  EXPECT_EQ(m.Count("read", "ok"), 5u);
  EXPECT_EQ(m.OpsPerSecond(t0 + absl::Seconds(1)), 5);
  EXPECT_EQ(m.OpsPerSecond(t0 + absl::Seconds(3)), 0);
  const std::string text = m.Render(t0 + absl::Seconds(3));
  EXPECT_THAT(text, HasSubstr("workload_ops_total{result=\"ok\",type=\"read\"} 5"));
  EXPECT_THAT(text, HasSubstr("workload_op_duration_seconds_count{type=\"read\"} 5"));
  EXPECT_THAT(text, HasSubstr("# TYPE workload_ops_per_second gauge"));
}

}  // namespace
}  // namespace ops::sim
