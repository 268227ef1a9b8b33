#include "subjects/tikv/sim/store/raft_core.h"

#include <memory>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::sim {
namespace {

// Three stores, three regions, region r's initial leader on store r. An in-process transport
// delivers batches synchronously; dead or partitioned stores drop traffic.
class Cluster {
 public:
  Cluster() {
    for (uint64_t s = 1; s <= 3; ++s) {
      std::vector<RegionMeta> regions;
      for (uint64_t r = 1; r <= 3; ++r) {
        RegionMeta m;
        m.id = r * 10;
        m.peers = {{r * 10 + 1, 1}, {r * 10 + 2, 2}, {r * 10 + 3, 3}};
        m.term = 5;
        m.leader_store_id = r;
        regions.push_back(m);
      }
      cores[s] = std::make_unique<RaftCore>(s, regions, RaftTimings{}, 1.0, 42, now);
    }
  }
  bool Connected(uint64_t a, uint64_t b) const {
    return !dead.count(a) && !dead.count(b) && !cut.count(a) && !cut.count(b);
  }
  void Deliver(uint64_t from, std::map<uint64_t, std::vector<RaftMsg>> batches, int depth = 0) {
    if (depth > 4) return;
    for (auto& [to, msgs] : batches) {
      if (!Connected(from, to)) continue;
      std::vector<RaftMsg> replies = cores[to]->Receive(from, msgs, now);
      Deliver(from, cores[from]->ReceiveReplies(to, replies, now), depth + 1);
    }
  }
  void Step() {
    now += absl::Milliseconds(100);
    for (auto& [s, core] : cores) {
      if (dead.count(s)) continue;
      Deliver(s, core->Tick(now));
    }
  }
  void Run(absl::Duration d) {
    absl::Time end = now + d;
    while (now < end) Step();
  }
  // Leader store of region `id` according to the live stores that lead it; 0 when none.
  std::set<uint64_t> Leaders(uint64_t region_id) const {
    std::set<uint64_t> out;
    for (const auto& [s, core] : cores) {
      if (!dead.count(s) && core->IsLeader(region_id)) out.insert(s);
    }
    return out;
  }
  absl::Time now = absl::FromUnixSeconds(1700000000);
  std::map<uint64_t, std::unique_ptr<RaftCore>> cores;
  std::set<uint64_t> dead;
  std::set<uint64_t> cut;
};

TEST(RaftCoreTest, InitialLeadersKeepLeadership) {
  Cluster c;
  c.Run(absl::Seconds(120));
  for (uint64_t r = 1; r <= 3; ++r) {
    EXPECT_EQ(c.Leaders(r * 10), std::set<uint64_t>{r});
    EXPECT_EQ(c.cores[1]->FindRegion(r * 10)->term, 5u);
  }
  for (auto& [s, core] : c.cores) {
    EXPECT_EQ(core->LeaderCount(), 1);
    for (const LogEvent& e : core->TakeLogs()) {
      EXPECT_THAT(e.message, testing::Not(testing::HasSubstr("election")));
    }
  }
}

TEST(RaftCoreTest, FollowerTakesOverWithinElectionTimeoutAfterLeaderDies) {
  Cluster c;
  c.Run(absl::Seconds(5));
  c.dead.insert(1);
  absl::Time died = c.now;
  absl::Time elected = absl::InfinitePast();
  while (c.now - died < absl::Seconds(30)) {
    c.Step();
    if (!c.Leaders(10).empty()) {
      elected = c.now;
      break;
    }
  }
  ASSERT_NE(elected, absl::InfinitePast()) << "no new leader for region 10";
  EXPECT_GE(elected - died, absl::Seconds(8));
  EXPECT_LE(elected - died, absl::Seconds(21));
  uint64_t winner = *c.Leaders(10).begin();
  EXPECT_EQ(c.cores[winner]->FindRegion(10)->term, 6u);
  EXPECT_EQ(c.cores[winner]->TakeNewLeaderRegions(), std::vector<uint64_t>{10});
  std::vector<std::string> messages;
  for (const LogEvent& e : c.cores[winner]->TakeLogs()) messages.push_back(e.message);
  EXPECT_THAT(messages, testing::IsSupersetOf({"starting a new election",
                                               "became pre-candidate at term 5",
                                               "became candidate at term 6",
                                               "became leader at term 6"}));
  // Regions led elsewhere are unaffected.
  EXPECT_EQ(c.Leaders(20), std::set<uint64_t>{2});
  EXPECT_EQ(c.Leaders(30), std::set<uint64_t>{3});
}

TEST(RaftCoreTest, TransferLeaderHandsOverWithoutAnElectionTimeout) {
  Cluster c;
  c.Run(absl::Seconds(5));
  for (auto& [s, core] : c.cores) core->TakeLogs();
  EXPECT_FALSE(c.cores[2]->TransferLeader(10, 3, c.now)) << "store 2 does not lead region 10";
  EXPECT_FALSE(c.cores[1]->TransferLeader(10, 9, c.now)) << "store 9 holds no peer";
  ASSERT_TRUE(c.cores[1]->TransferLeader(10, 2, c.now));
  std::vector<LogEvent> logs = c.cores[1]->TakeLogs();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].message, "transfer leader");
  EXPECT_EQ(logs[0].fields, (LogFields{{"region_id", "10"}, {"peer_id", "11"},
                                       {"peer", "id: 12 store_id: 2"}}));
  // Both other peers are inside the leader lease; the transfer's forced votes still win.
  const absl::Time start = c.now;
  while (c.now - start < absl::Seconds(2) && c.Leaders(10) != std::set<uint64_t>{2}) c.Step();
  EXPECT_EQ(c.Leaders(10), std::set<uint64_t>{2});
  EXPECT_LE(c.now - start, absl::Milliseconds(500));
  EXPECT_EQ(c.cores[2]->FindRegion(10)->term, 6u);
  std::vector<std::string> messages;
  for (const LogEvent& e : c.cores[2]->TakeLogs()) messages.push_back(e.message);
  EXPECT_THAT(messages, testing::IsSupersetOf({"starting a new election",
                                               "became candidate at term 6",
                                               "became leader at term 6"}));
  EXPECT_THAT(messages, testing::Not(testing::Contains("became pre-candidate at term 5")));
  messages.clear();
  for (const LogEvent& e : c.cores[1]->TakeLogs()) messages.push_back(e.message);
  EXPECT_THAT(messages, testing::Contains("became follower at term 6"));
  c.Run(absl::Seconds(30));
  EXPECT_EQ(c.Leaders(10), std::set<uint64_t>{2}) << "the new leader keeps the region";
}

TEST(RaftCoreTest, NoLeaderWithTwoOfThreeDead) {
  Cluster c;
  c.dead = {1, 2};
  c.Run(absl::Seconds(20));  // store 3 steps down from region 30 after the lease
  c.Run(absl::Seconds(300));
  for (uint64_t r = 1; r <= 3; ++r) EXPECT_TRUE(c.Leaders(r * 10).empty()) << r;
  // Pre-vote keeps the term from inflating.
  EXPECT_EQ(c.cores[3]->FindRegion(10)->term, 5u);
  EXPECT_EQ(c.cores[3]->role(30), RaftRole::kPreCandidate);
}

TEST(RaftCoreTest, PartitionedLeaderStepsDownAfterLease) {
  Cluster c;
  c.Run(absl::Seconds(3));
  c.cut.insert(1);
  c.Run(absl::Seconds(8));
  EXPECT_TRUE(c.cores[1]->IsLeader(10)) << "still within the 9 s lease";
  c.Run(absl::Seconds(2));
  EXPECT_FALSE(c.cores[1]->IsLeader(10));
  c.Run(absl::Seconds(20));
  std::set<uint64_t> leaders = c.Leaders(10);
  ASSERT_EQ(leaders.size(), 1u);
  EXPECT_NE(*leaders.begin(), 1u);
  // Healing: the old leader follows the new term.
  c.cut.clear();
  c.Run(absl::Seconds(5));
  EXPECT_EQ(c.cores[1]->FindRegion(10)->term, c.cores[*leaders.begin()]->FindRegion(10)->term);
  EXPECT_EQ(c.cores[1]->FindRegion(10)->leader_store_id, *leaders.begin());
  EXPECT_EQ(c.Leaders(10), leaders);
}

TEST(RaftCoreTest, StaleLeaderHeartbeatRejected) {
  Cluster c;
  c.Run(absl::Seconds(1));
  RaftCore& follower = *c.cores[2];
  std::vector<RaftMsg> replies =
      follower.Receive(1, {{RaftMsgType::kHeartbeat, 10, 4, 1, false}}, c.now);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].reject);
  EXPECT_EQ(replies[0].term, 5u);
  // A leader that hears a higher term steps down.
  c.cores[1]->ReceiveReplies(2, {{RaftMsgType::kHeartbeatResp, 10, 9, 2, true}}, c.now);
  EXPECT_FALSE(c.cores[1]->IsLeader(10));
  EXPECT_EQ(c.cores[1]->FindRegion(10)->term, 9u);
}

TEST(RaftCoreTest, VoteRejectedWhileLeaderIsLive) {
  Cluster c;
  c.Run(absl::Seconds(3));
  std::vector<RaftMsg> r =
      c.cores[2]->Receive(3, {{RaftMsgType::kPreVote, 10, 6, 3, false}}, c.now);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].reject);
  r = c.cores[2]->Receive(3, {{RaftMsgType::kVote, 10, 6, 3, false}}, c.now);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].reject);
  EXPECT_EQ(c.cores[2]->FindRegion(10)->term, 5u);
}

TEST(RaftCoreTest, DownPeerReportedAfterTenMinutes) {
  Cluster c;
  c.dead.insert(3);
  c.Run(absl::Minutes(9));
  EXPECT_TRUE(c.cores[1]->DownPeers(10, c.now).empty());
  c.Run(absl::Minutes(2));
  std::vector<DownPeer> down = c.cores[1]->DownPeers(10, c.now);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].peer.store_id, 3u);
  EXPECT_GE(down[0].down_seconds, 600);
}

TEST(RaftBatchJsonTest, RoundTripAndErrors) {
  std::string text = RaftBatchToJson(2, {{RaftMsgType::kVoteResp, 7, 3, 2, true}});
  uint64_t from = 0;
  auto msgs = RaftBatchFromJson(text, &from);
  ASSERT_TRUE(msgs.ok()) << msgs.status();
  EXPECT_EQ(from, 2u);
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].type, RaftMsgType::kVoteResp);
  EXPECT_TRUE((*msgs)[0].reject);
  EXPECT_FALSE(RaftBatchFromJson("{", &from).ok());
  EXPECT_FALSE(RaftBatchFromJson(R"({"from_store":1,"messages":[{"type":"x"}]})", &from).ok());
}

}  // namespace
}  // namespace ops::sim
