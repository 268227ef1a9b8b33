#include "subjects/tikv/sim/common/unified_log.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::sim {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True when `line` is one whole line of the real sample file.
bool FileHasLine(const std::string& file, const std::string& line) {
  std::string text = ReadFile(std::string(OPS_SHARED_DATA_DIR) + "/logs/" + file);
  return text.find(line + "\n") != std::string::npos;
}

absl::Time At(absl::TimeZone tz, int y, int mo, int d, int h, int mi, int s, int ms) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), tz) + absl::Milliseconds(ms);
}

const absl::TimeZone kCst = absl::FixedTimeZone(8 * 3600);
const absl::TimeZone kUtc = absl::UTCTimeZone();

TEST(FormatUnifiedLineTest, EmptyAndQuotedMessages) {
  absl::Time t = At(kCst, 2019, 1, 15, 13, 40, 39, 619);
  LogFields f = {{"raft_id", "1"}, {"thread_id", "{0}"}};
  std::string empty = FormatUnifiedLine(t, kCst, "INFO", "mod.rs:469", "", f);
  EXPECT_EQ(empty, "[2019/01/15 13:40:39.619 +08:00] [INFO] [mod.rs:469] [] [raft_id=1] "
                   "[thread_id={0}]");
  EXPECT_TRUE(FileHasLine("tikv-logger-format-examples.log", empty));
  EXPECT_TRUE(FileHasLine("tikv-logger-format-examples.log",
                          FormatUnifiedLine(t, kCst, "INFO", "mod.rs:470", "Welcome TiKV", f)));
  EXPECT_TRUE(FileHasLine("tikv-logger-format-examples.log",
                          FormatUnifiedLine(t, kCst, "INFO", "mod.rs:472", "欢迎 TiKV", f)));
  EXPECT_TRUE(FileHasLine(
      "tikv-logger-format-examples.log",
      FormatUnifiedLine(t, kCst, "INFO", "mod.rs:460",
                        "failed to \"fetch\" [URL]: http://example.com", f)));
}

TEST(FormatUnifiedLineTest, QuotedKeysAndValues) {
  absl::Time t = At(kCst, 2019, 1, 15, 13, 40, 39, 619);
  std::string line = FormatUnifiedLine(t, kCst, "DEBUG", "mod.rs:463", "Slow query",
                                       {{"process keys", "1500"},
                                        {"duration", "123ns"},
                                        {"sql", "SELECT * FROM TABLE WHERE ID=\"abc\""},
                                        {"raft_id", "1"},
                                        {"thread_id", "{0}"}});
  EXPECT_TRUE(FileHasLine("tikv-logger-format-examples.log", line)) << line;
}

TEST(FormatUnifiedLineTest, RaftMessageTypeLine) {
  absl::Time t = At(kCst, 2024, 7, 9, 16, 25, 23, 108);
  std::string line = FormatUnifiedLine(
      t, kCst, "INFO", "raft.rs:1362", "received a message with higher term from 142728",
      {{"msg type", "MsgHeartbeat"},
       {"message_term", "14"},
       {"term", "0"},
       {"from", "142728"},
       {"raft_id", "166543143"},
       {"region_id", "142725"},
       {"thread_id", "362"}});
  EXPECT_TRUE(FileHasLine("tikv-add-learner-snapshot-v7.5.learner-store166543141.log", line))
      << line;
}

TEST(FormatUnifiedLineTest, UtcOffset) {
  absl::Time t = At(kUtc, 2019, 10, 14, 10, 35, 38, 880);
  std::string line = FormatUnifiedLine(t, kUtc, "INFO", "server.go:212", "init cluster id",
                                       {{"cluster-id", "6747551640615446306"}});
  EXPECT_EQ(line, "[2019/10/14 10:35:38.880 +00:00] [INFO] [server.go:212] [\"init cluster id\"] "
                  "[cluster-id=6747551640615446306]");
  EXPECT_TRUE(FileHasLine("pd-tikv-cluster-id-v3.log", line));
}

TEST(FormatUnifiedLineTest, NegativeOffsetAndEmptyValue) {
  absl::TimeZone tz = absl::FixedTimeZone(-(5 * 3600 + 30 * 60));
  absl::Time t = At(tz, 2024, 1, 2, 3, 4, 5, 6);
  EXPECT_EQ(FormatUnifiedLine(t, tz, "WARN", "a.rs:1", "x", {{"k", ""}, {"c", "a\nb"}}),
            "[2024/01/02 03:04:05.006 -05:30] [WARN] [a.rs:1] [x] [k=] [c=\"a\\nb\"]");
}

TEST(UnifiedLogTest, AppendsWholeLines) {
  std::string path = testing::TempDir() + "/unified_log_test_" + std::to_string(getpid());
  unlink(path.c_str());
  {
    auto log = UnifiedLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Write("INFO", "lib.rs:89", "Welcome to TiKV");
    (*log)->Write("WARN", "raft_client.rs:876", "wait connect timeout",
                  {{"store_id", "2"}, {"addr", "127.0.0.1:20161"}});
  }
  std::string text = ReadFile(path);
  EXPECT_THAT(text, testing::MatchesRegex(
                        "\\[[0-9/]+ [0-9:.]+ [+-][0-9][0-9]:[0-9][0-9]\\] \\[INFO\\] "
                        "\\[lib.rs:89\\] \\[\"Welcome to TiKV\"\\]\n"
                        "\\[.*\\] \\[WARN\\] \\[raft_client.rs:876\\] \\[\"wait connect "
                        "timeout\"\\] \\[store_id=2\\] \\[addr=127.0.0.1:20161\\]\n"));
  unlink(path.c_str());
}

TEST(UnifiedLogTest, OpenFailureNamesPath) {
  auto log = UnifiedLog::Open("/nonexistent-dir/x/tikv.log");
  ASSERT_FALSE(log.ok());
  EXPECT_THAT(std::string(log.status().message()),
              testing::HasSubstr("/nonexistent-dir/x/tikv.log"));
}

}  // namespace
}  // namespace ops::sim
