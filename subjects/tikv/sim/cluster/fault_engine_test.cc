#include "subjects/tikv/sim/cluster/fault_engine.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::sim {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingActions : public ClusterActions {
 public:
  absl::Status Kill(const std::string& n) override { return Log("kill " + n); }
  absl::Status Restart(const std::string& n) override { return Log("restart " + n); }
  absl::Status Pause(const std::string& n) override { return Log("stop " + n); }
  absl::Status Resume(const std::string& n) override { return Log("cont " + n); }
  absl::Status ArmResumeWatchdog(const std::string& n, absl::Time at) override {
    return Log("watchdog " + n + " " + std::to_string(absl::ToUnixMillis(at)));
  }
  absl::StatusOr<std::string> PdLeader() override {
    if (leader.empty()) return absl::UnavailableError("no PD leader");
    return leader;
  }
  absl::Status PostFault(const std::string& n, const std::string& kind, const nlohmann::json& p,
                         absl::Duration ttl) override {
    return Log("post " + n + " " + kind + " " + p.dump() + " " +
               std::to_string(absl::ToInt64Milliseconds(ttl)));
  }
  absl::Status DeleteFault(const std::string& n, const std::string& kind) override {
    return Log("delete " + n + " " + kind);
  }
  absl::Status Log(std::string call) {
    calls.push_back(std::move(call));
    return absl::OkStatus();
  }
  std::vector<std::string> calls;
  std::string leader = "pd-2";
};

class FaultEngineTest : public ::testing::Test {
 protected:
  FaultEngineTest() {
    ClusterOptions o;
    o.stores = 4;
    o.time_scale = 0.1;
    spec_ = *BuildClusterSpec(o, "/bin");
    engine_ = std::make_unique<FaultEngine>(spec_, *BuildLayout(4, 16, 1), &actions_);
  }
  absl::StatusOr<FaultRecord> Inject(const std::string& body) {
    return engine_->Inject(nlohmann::json::parse(body), now_);
  }
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  ClusterSpec spec_;
  RecordingActions actions_;
  std::unique_ptr<FaultEngine> engine_;
};

TEST_F(FaultEngineTest, StoreKillRestartsAtTtl) {
  ASSERT_OK_AND_ASSIGN(FaultRecord r,
                       Inject(R"({"kind":"store_kill","target":"store-1","ttl_ms":30000})"));
  EXPECT_EQ(r.id, "f-1");
  EXPECT_EQ(r.state, "active");
  EXPECT_EQ(r.expires, now_ + absl::Seconds(30));
  EXPECT_THAT(actions_.calls, ElementsAre("kill store-1"));
  EXPECT_EQ(r.regions.size(), 12u);  // 16 regions x 3 peers / 4 stores
  engine_->Tick(now_ + absl::Seconds(29));
  EXPECT_EQ(actions_.calls.size(), 1u);
  engine_->Tick(now_ + absl::Seconds(30));
  EXPECT_THAT(actions_.calls, ElementsAre("kill store-1", "restart store-1"));
  EXPECT_EQ(engine_->List()[0].state, "expired");
  engine_->Tick(now_ + absl::Seconds(60));
  EXPECT_EQ(actions_.calls.size(), 2u) << "an expired fault is reverted once";
}

TEST_F(FaultEngineTest, ManualRevertAndUnknownId) {
  ASSERT_OK_AND_ASSIGN(FaultRecord r,
                       Inject(R"({"kind":"store_hang","target":"store-3","ttl_ms":5000})"));
  EXPECT_THAT(actions_.calls, ElementsAre("watchdog store-3 1700000005000", "stop store-3"));
  ASSERT_OK_AND_ASSIGN(FaultRecord done, engine_->Revert(r.id, now_ + absl::Seconds(1)));
  EXPECT_EQ(done.state, "reverted");
  EXPECT_EQ(actions_.calls.back(), "cont store-3");
  EXPECT_THAT(engine_->Revert("f-99", now_), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FaultEngineTest, DryRunShowsBlastRadiusWithoutActing) {
  ASSERT_OK_AND_ASSIGN(
      FaultRecord r,
      Inject(R"({"kind":"two_store_kill","target":"cluster","ttl_ms":1000,"dry_run":true})"));
  EXPECT_EQ(r.state, "dry_run");
  EXPECT_THAT(r.processes, ElementsAre("store-1", "store-2"));
  EXPECT_FALSE(r.quorum_lost_regions.empty());
  EXPECT_TRUE(actions_.calls.empty());
  nlohmann::json j = FaultEngine::ToJson(r);
  EXPECT_EQ(j["blast_radius"]["processes"].size(), 2u);
}

TEST_F(FaultEngineTest, PdLeaderKillFindsTheLeader) {
  ASSERT_OK_AND_ASSIGN(FaultRecord r, Inject(R"({"kind":"pd_leader_kill","ttl_ms":1000})"));
  EXPECT_THAT(actions_.calls, ElementsAre("kill pd-2"));
  actions_.leader = "";
  EXPECT_THAT(Inject(R"({"kind":"pd_leader_kill","ttl_ms":1000})"),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(FaultEngineTest, FlappingKillsAndRestartsOnSchedule) {
  ASSERT_OK_AND_ASSIGN(FaultRecord r, Inject(R"({"kind":"flapping_store","target":"store-2",
      "ttl_ms":10000,"params":{"period_ms":4000,"down_ms":1000}})"));
  for (int s = 1; s <= 10; ++s) engine_->Tick(now_ + absl::Seconds(s));
  EXPECT_THAT(actions_.calls,
              ElementsAre("kill store-2", "restart store-2", "kill store-2", "restart store-2",
                          "kill store-2", "restart store-2", "restart store-2"));
  // t=0 kill, 1 restart, 4 kill, 5 restart, 8 kill, 9 restart, 10 expiry restart (idempotent).
}

TEST_F(FaultEngineTest, ForwardsStoreAndWorkloadFaults) {
  ASSERT_THAT(Inject(R"({"kind":"store_partition","target":"store-1","ttl_ms":2000})").status(),
              IsOk());
  ASSERT_THAT(Inject(R"({"kind":"slow_disk","target":"store-2","ttl_ms":2000,
                         "params":{"latency_ms":500}})")
                  .status(),
              IsOk());
  ASSERT_OK_AND_ASSIGN(FaultRecord hot,
                       Inject(R"({"kind":"hot_region","target":"store-3","ttl_ms":2000})"));
  EXPECT_THAT(actions_.calls,
              ElementsAre("post store-1 partition {} 2000",
                          "post store-2 slow_disk {\"latency_ms\":500} 2000",
                          "post workload hot_region {\"fraction\":0.9,\"store_id\":3} 2000"));
  EXPECT_FALSE(hot.regions.empty());
  engine_->Tick(now_ + absl::Seconds(2));
  EXPECT_EQ(actions_.calls.back(), "delete workload hot_region");
}

TEST_F(FaultEngineTest, RejectsMalformedRequests) {
  EXPECT_THAT(engine_->Inject(nlohmann::json::array(), now_),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Inject(R"({"target":"store-1","ttl_ms":1})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  EXPECT_THAT(Inject(R"({"kind":"meteor","target":"store-1","ttl_ms":1})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown fault kind")));
  EXPECT_THAT(Inject(R"({"kind":"store_kill","target":"store-1"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ttl_ms")));
  EXPECT_THAT(Inject(R"({"kind":"store_kill","target":"store-1","ttl_ms":-5})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Inject(R"({"kind":"store_kill","target":"store-9","ttl_ms":5})"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("store-9")));
  EXPECT_THAT(Inject(R"({"kind":"store_kill","target":"pd-1","ttl_ms":5})"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Inject(R"({"kind":"hot_region","target":"cluster","ttl_ms":5})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Inject(R"({"kind":"flapping_store","target":"store-1","ttl_ms":5,
                         "params":{"period_ms":100,"down_ms":100}})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(actions_.calls.empty());
}

TEST_F(FaultEngineTest, RefusesASecondProcessFaultOnTheSameStore) {
  ASSERT_THAT(Inject(R"({"kind":"store_kill","target":"store-1","ttl_ms":5000})").status(), IsOk());
  EXPECT_THAT(Inject(R"({"kind":"store_hang","target":"store-1","ttl_ms":5000})"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace ops::sim
