// Log contract of the lines tikv-sim-store writes on paths a live cluster rarely takes in a
// test run: raft elections, leader transfer, disk usage, unreachable peers and store address
// resolution, produced by the simulator's own code (no processes) and held to the v8.5.7
// catalog by CheckLogText with no exceptions. PD's side: pd_log_contract_test.cc.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/store/store_links.h"
#include "subjects/tikv/sim/store/store_service.h"
#include "tests/prometheus/contract_checks.h"

namespace ops::sim_contract {
namespace {

using ::testing::IsEmpty;

const char kBootstrap[] = R"({"store_id": 1, "cluster_id": 42,
 "regions": [
  {"id": 2, "start_key": "", "end_key": "7480", "epoch": {"conf_ver": 5, "version": 3},
   "peers": [{"id": 3, "store_id": 1}, {"id": 4, "store_id": 2}, {"id": 5, "store_id": 3}],
   "leader_store_id": 1, "term": 5},
  {"id": 6, "start_key": "7480", "end_key": "", "epoch": {"conf_ver": 5, "version": 3},
   "peers": [{"id": 7, "store_id": 1}, {"id": 8, "store_id": 2}, {"id": 9, "store_id": 3}],
   "leader_store_id": 2, "term": 5}]})";

class LogText {
 public:
  void Add(const std::string& level, const std::string& source, const std::string& message,
           const sim::LogFields& fields) {
    text_ += sim::FormatUnifiedLine(absl::FromUnixSeconds(1735689600), absl::UTCTimeZone(), level,
                                    source, message, fields) +
             "\n";
    messages_.push_back(message);
  }
  const std::string& text() const { return text_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::string text_;
  std::vector<std::string> messages_;
};

TEST(StoreLogContractTest, EveryStoreLineIsARealTikvLine) {
  LogText log;
  absl::Time now = absl::FromUnixSeconds(1735689600);
  sim::LogFields tid = {{"thread_id", "7"}};
  auto sink = [&](const sim::LogEvent& e) {
    sim::LogFields f = e.fields;
    f.insert(f.end(), tid.begin(), tid.end());
    log.Add(e.level, e.source, e.message, f);
  };
  auto st = sim::ParseStoreState(kBootstrap);
  ASSERT_TRUE(st.ok());
  sim::StoreService svc(sim::StoreConfig{}, *st, sink, now);
  // Disk usage both ways.
  ASSERT_EQ(svc.HandleFaultPost(R"({"kind": "disk_full", "params": {"available_ratio": 0.001},
                                    "ttl_ms": 1000})",
                                now)
                .status,
            200);
  ASSERT_EQ(svc.HandleFaultDelete("disk_full", now).status, 200);
  // Unreachable peers, both phases.
  svc.OnUnreachable(2, "127.0.0.1:20161", true, now);
  svc.OnUnreachable(3, "127.0.0.1:20162", false, now);
  // A PD transfer-leader command for region 2, then a higher-term heartbeat for it.
  svc.ApplyPdCommands(
      R"({"ok": true, "commands": [{"region_id": 2, "transfer_leader":
          {"peer": {"id": 4, "store_id": 2}}}]})",
      now);
  (void)svc.HandleRaft(R"({"from_store": 2, "messages": [{"type": "heartbeat", "region_id": 2,
                           "term": 6, "reject": false}]})",
                       now);
  // Elections: the first pre-vote meets a higher term (leader now unknown), then no answers for
  // over 10 minutes (leader missing), then grants (candidate, leader).
  for (int i = 0; i < 30; ++i) {
    now += absl::Minutes(1);
    for (const auto& [store, msgs] : svc.Tick(now)) {
      std::vector<sim::RaftMsg> replies;
      for (const sim::RaftMsg& m : msgs) {
        if (m.type != sim::RaftMsgType::kPreVote) continue;
        if (i == 0)
          replies.push_back(
              {sim::RaftMsgType::kPreVoteResp, m.region_id, m.term + 10, store, /*reject=*/true});
        if (i >= 15)
          replies.push_back({sim::RaftMsgType::kPreVoteResp, m.region_id, m.term, store});
      }
      for (const auto& [s2, votes] : svc.OnReplies(store, replies, now)) {
        std::vector<sim::RaftMsg> yes;
        for (const sim::RaftMsg& v : votes) {
          yes.push_back({sim::RaftMsgType::kVoteResp, v.region_id, v.term, s2});
        }
        (void)svc.OnReplies(s2, yes, now);
      }
    }
  }
  // PD unreachable while resolving a peer store.
  auto client = http::Client::Create({});
  ASSERT_TRUE(client.ok());
  sim::PdLink pd({.endpoints = {"http://127.0.0.1:1"}}, client->get(), sink);
  sim::PeerAddresses addrs{{}, {}, absl::Seconds(10)};
  addrs.OnFailure(3, pd, sink);

  EXPECT_THAT(log.messages(),
              ::testing::IsSupersetOf(
                  {"wait connect timeout", "connection aborted", "broadcasting unreachable",
                   "transfer leader", "received a message with higher term from 4",
                   "became follower at term 6",
                   "leader missing longer than abnormal_leader_missing_duration",
                   "starting a new election", "resolve store address failed"}));
  for (const char* prefix :
       {"disk usage Normal->AlreadyFull (", "disk usage AlreadyFull->Normal (",
        "became pre-candidate at term ", "became candidate at term ", "became leader at term "}) {
    EXPECT_THAT(log.messages(), ::testing::Contains(::testing::StartsWith(prefix)));
  }
  EXPECT_THAT(CheckLogText(log.text(), Server::kTikv), IsEmpty()) << log.text();
}

}  // namespace
}  // namespace ops::sim_contract
