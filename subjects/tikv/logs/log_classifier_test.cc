// Tests for the known fault message table and Classify().
#include "subjects/tikv/logs/log_classifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "libs/status/status_matchers.h"
#include "subjects/tikv/logs/log_parser.h"

namespace ops::tikv {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

LogEvent Parse(absl::string_view line) {
  absl::StatusOr<LogEvent> e = ParseLogLine(line);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *e : LogEvent{};
}

LogEvent Message(LogLevel level, std::string message) {
  LogEvent e;
  e.level = level;
  e.message = std::move(message);
  return e;
}

TEST(Classify, RaftElectionMessagesFromRealLines) {
  const LogEvent leader = Parse(
      "[2024/07/16 14:03:42.088 +00:00] [INFO] [raft.rs:874] [\"became leader at term 6\"] "
      "[term=6] [raft_id=57] [region_id=56]");
  EXPECT_THAT(Classify(leader),
              Optional(LogClassification{"became_leader", LogCategory::kBecameLeader, true, "6"}));
  EXPECT_TRUE(IsNotable(leader));

  const LogEvent follower = Parse(
      "[2024/07/09 16:25:23.108 +08:00] [INFO] [raft.rs:1127] [\"became follower at term 14\"] "
      "[term=14] [raft_id=166543143] [region_id=142725] [thread_id=362]");
  EXPECT_THAT(Classify(follower),
              Optional(LogClassification{"became_follower", LogCategory::kElection, false, "14"}));
  EXPECT_FALSE(IsNotable(follower));

  EXPECT_EQ(Classify(Message(LogLevel::kInfo, "starting a new election"))->id, "election_started");
  EXPECT_EQ(Classify(Message(LogLevel::kInfo, "became pre-candidate at term 5"))->id,
            "became_pre_candidate");
}

TEST(Classify, PdLeaderChangedIsNotPdLeadershipChange) {
  const LogEvent region = Parse(
      "[2024/07/30 22:31:08.882 +08:00] [INFO] [region.go:762] [\"leader changed\"] "
      "[region-id=8337] [from=166543141] [to=3]");
  EXPECT_EQ(Classify(region)->category, LogCategory::kRegionLeaderChanged);
  EXPECT_EQ(Classify(Message(LogLevel::kInfo, "etcd leader changed, resigns pd leadership"))->id,
            "pd_leader_resigned");
  EXPECT_EQ(Classify(Message(LogLevel::kInfo, "campaign PD leader ok"))->detail, "PD");
}

TEST(Classify, ConnectionAbortedAndAbortAreDistinct) {
  EXPECT_EQ(Classify(Message(LogLevel::kWarn, "connection aborted"))->id, "connection_aborted");
  EXPECT_EQ(Classify(Message(LogLevel::kWarn, "connection abort"))->id, "connection_abort");
  EXPECT_EQ(Classify(Message(LogLevel::kWarn, "connection aborted!")), std::nullopt);
}

TEST(Classify, DiskUsageDetailIsTheNewState) {
  const auto c = Classify(Message(
      LogLevel::kWarn,
      "disk usage Normal->AlmostFull (raft engine usage: 1, kv engine usage: 2), seperated raft "
      "mount=false, kv available=3, snap=0, kv=2, raft=1, capacity=10"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->category, LogCategory::kDiskUsage);
  EXPECT_EQ(c->detail, "AlmostFull");
}

TEST(Classify, GetSnapshotFailedReasonFromErr) {
  // Real line (reference section 4.2).
  const LogEvent epoch = Parse(
      R"([2024/07/16 14:03:43.707 +00:00] [INFO] [process.rs:145] ["get snapshot failed"] )"
      R"([err="Request(message: \"EpochNotMatch current epoch of region 2 is conf_ver: 1 )"
      R"x(version: 28, but you sent conf_ver: 1 version: 27\" epoch_not_match { })"] [cid=543])x");
  EXPECT_THAT(Classify(epoch), Optional(LogClassification{"get_snapshot_failed",
                                                          LogCategory::kRequestRejected, true,
                                                          "epoch_not_match"}));
  LogEvent not_leader = Message(LogLevel::kInfo, "get snapshot failed");
  not_leader.fields = {{"err", "peer is not leader for region 2, leader may Some(id: 5)"}};
  EXPECT_EQ(Classify(not_leader)->detail, "not_leader");
  LogEvent busy = Message(LogLevel::kInfo, "get snapshot failed");
  busy.fields = {{"err", "ServerIsBusy { reason: \"raftstore is busy\" }"}};
  EXPECT_EQ(Classify(busy)->detail, "raftstore_busy");
}

TEST(Classify, UnknownMessagesAndNotability) {
  const LogEvent sent = Message(LogLevel::kInfo, "sent snapshot");
  EXPECT_EQ(Classify(sent), std::nullopt);
  EXPECT_FALSE(IsNotable(sent));
  EXPECT_TRUE(IsNotable(Message(LogLevel::kWarn, "something odd")));
  EXPECT_TRUE(IsNotable(Message(LogLevel::kError, "")));
  EXPECT_TRUE(IsNotable(Message(LogLevel::kInfo, "detected slow store, start to evict leaders")));
  EXPECT_FALSE(IsNotable(Message(LogLevel::kInfo, "slow store has been recovered")));
}

TEST(KnownMessages, IdsUniquePerPatternAndEveryPatternMatchesItself) {
  std::set<std::string> patterns;
  for (const KnownMessage& known : KnownMessages()) {
    EXPECT_TRUE(patterns.insert(std::string(known.pattern)).second) << known.pattern;
    std::string text(known.pattern);
    for (size_t at; (at = text.find("{}")) != std::string::npos;) text.replace(at, 2, "7");
    const auto c = Classify(Message(LogLevel::kInfo, text));
    ASSERT_TRUE(c.has_value()) << text;
    EXPECT_EQ(c->id, known.id) << text;
    EXPECT_NE(LogCategoryName(known.category), "unknown");
  }
}

TEST(MatchPattern, PlaceholdersNeedAtLeastOneByte) {
  std::vector<absl::string_view> captures;
  EXPECT_TRUE(MatchPattern("became leader at term {}", "became leader at term 12", &captures));
  EXPECT_THAT(captures, ElementsAre("12"));
  EXPECT_FALSE(MatchPattern("became leader at term {}", "became leader at term ", &captures));
  EXPECT_TRUE(MatchPattern("{} leader is ready to serve", "PD leader is ready to serve"));
  EXPECT_FALSE(MatchPattern("{} leader is ready to serve", " leader is ready to serve"));
  EXPECT_TRUE(MatchPattern("a{}->{}", "aX->Y->Z", &captures));
  EXPECT_THAT(captures, ElementsAre("X", "Y->Z"));
  EXPECT_FALSE(MatchPattern("a{}->{}", "aX->", &captures));
  EXPECT_TRUE(MatchPattern("exact", "exact"));
  EXPECT_FALSE(MatchPattern("exact", "exact "));
}

}  // namespace
}  // namespace ops::tikv
