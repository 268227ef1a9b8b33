// Tests for LogTailer: each test writes, renames and truncates a file in a private temp
// directory and drives the tailer with Poll(); nothing sleeps.
#include "subjects/tikv/logs/log_tailer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

namespace fs = std::filesystem;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Line(int i, absl::string_view level = "INFO", absl::string_view message = "") {
  return absl::StrCat(
      "[2024/07/16 14:03:42.", 100 + i % 900, " +00:00] [", level, "] [raft.rs:1177] [\"",
      message.empty() ? absl::StrCat("line ", i) : std::string(message), "\"] [i=", i, "]\n");
}

class LogTailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/log_tailer_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/tikv.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(absl::string_view text, const std::string& path = "") {
    std::ofstream out(path.empty() ? path_ : path, std::ios::app | std::ios::binary);
    out << text;
  }
  void Overwrite(absl::string_view text) {
    std::ofstream out(path_, std::ios::trunc | std::ios::binary);
    out << text;
  }
  std::unique_ptr<LogTailer> Make(LogTailer::Options options = {}) {
    options.path = path_;
    auto tailer = LogTailer::Create(options);
    EXPECT_TRUE(tailer.ok()) << tailer.status();
    return tailer.ok() ? *std::move(tailer) : nullptr;
  }
  static LogTailer::PollResult MustPoll(LogTailer& t) {
    absl::StatusOr<LogTailer::PollResult> r = t.Poll();
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : LogTailer::PollResult{};
  }
  // The `i` field of each kept event, oldest first.
  static std::vector<std::string> Ids(const std::vector<TailedEvent>& events) {
    std::vector<std::string> ids;
    for (const TailedEvent& e : events) ids.push_back(*e.event.Field("i"));
    return ids;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(LogTailerTest, CreateValidatesOptions) {
  EXPECT_THAT(LogTailer::Create({}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(LogTailer::Create({.path = path_, .capacity = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  auto t = Make({.source = ""});
  EXPECT_EQ(t->source(), path_);
}

TEST_F(LogTailerTest, MissingFileIsNotAnErrorAndIsReadOnceCreated) {
  auto t = Make({.source = "tikv-1"});
  EXPECT_EQ(MustPoll(*t).records, 0u);
  EXPECT_EQ(MustPoll(*t).records, 0u);
  Append(Line(1) + Line(2));
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_EQ(r.records, 2u);
  EXPECT_FALSE(r.reopened);  // first open
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2"));
  EXPECT_EQ(t->Recent(10)[1].seq, 2u);
  EXPECT_EQ(MustPoll(*t).records, 0u);  // nothing new
}

TEST_F(LogTailerTest, PartialLastLineWaitsForItsNewline) {
  auto t = Make();
  const std::string line = Line(1);
  Append(line.substr(0, 20));
  EXPECT_EQ(MustPoll(*t).records, 0u);
  Append(line.substr(20, line.size() - 21));  // all but the newline
  EXPECT_EQ(MustPoll(*t).records, 0u);
  Append("\n" + Line(2).substr(0, 5));
  EXPECT_EQ(MustPoll(*t).records, 1u);
  Append(Line(2).substr(5));
  EXPECT_EQ(MustPoll(*t).records, 1u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2"));
  EXPECT_EQ(t->stats().malformed, 0u);
}

TEST_F(LogTailerTest, TruncationRestartsAtTheBeginning) {
  auto t = Make();
  Append(Line(1) + Line(2) + Line(3));
  EXPECT_EQ(MustPoll(*t).records, 3u);
  Overwrite(Line(4));
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.records, 1u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2", "3", "4"));
  EXPECT_EQ(t->stats().truncations, 1u);
}

TEST_F(LogTailerTest, RotationByRenameDrainsTheOldFileThenFollowsTheNewOne) {
  auto t = Make();
  Append(Line(1) + Line(2));
  EXPECT_EQ(MustPoll(*t).records, 2u);
  Append(Line(3));  // written before the rotation, not yet read
  fs::rename(path_, path_ + ".1");
  Append(Line(4) + Line(5));  // the new file
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_TRUE(r.reopened);
  EXPECT_EQ(r.records, 3u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2", "3", "4", "5"));
  Append(Line(6));
  EXPECT_EQ(MustPoll(*t).records, 1u);
  Append(Line(99), path_ + ".1");  // the old file is no longer followed
  EXPECT_EQ(MustPoll(*t).records, 0u);
  EXPECT_EQ(t->stats().reopens, 1u);
}

TEST_F(LogTailerTest, RotationParsesTheOldFilesUnterminatedTail) {
  auto t = Make();
  const std::string last = Line(2);
  Append(Line(1) + last.substr(0, last.size() - 1));
  EXPECT_EQ(MustPoll(*t).records, 1u);
  fs::rename(path_, path_ + ".1");
  Append(Line(3));
  EXPECT_EQ(MustPoll(*t).records, 2u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2", "3"));
}

TEST_F(LogTailerTest, RenamedAwayThenCreatedLater) {
  auto t = Make();
  Append(Line(1));
  EXPECT_EQ(MustPoll(*t).records, 1u);
  Append(Line(2));
  fs::rename(path_, path_ + ".1");
  LogTailer::PollResult r = MustPoll(*t);  // no file at the path: finish the old one
  EXPECT_EQ(r.records, 1u);
  EXPECT_FALSE(r.reopened);
  Append(Line(3));
  r = MustPoll(*t);
  EXPECT_TRUE(r.reopened);
  EXPECT_EQ(r.records, 1u);
}

TEST_F(LogTailerTest, DeletedAndRecreatedIsANewFile) {
  auto t = Make();
  Append(Line(1) + Line(2) + Line(3));
  EXPECT_EQ(MustPoll(*t).records, 3u);
  fs::remove(path_);
  Append(Line(4));  // shorter than the old offset and, while the old is open, a new inode
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_TRUE(r.reopened);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2", "3", "4"));
}

TEST_F(LogTailerTest, StartAtEndSkipsExistingContentIncludingAPartialLine) {
  const std::string partial = Line(2);
  Append(Line(1) + partial.substr(0, 10));
  auto t = Make({.start_at_end = true});
  EXPECT_EQ(MustPoll(*t).records, 0u);
  Append(partial.substr(10) + Line(3));
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("3"));
  // After a rotation the new file is read from its start.
  fs::rename(path_, path_ + ".1");
  Append(Line(4));
  EXPECT_EQ(MustPoll(*t).records, 1u);
}

TEST_F(LogTailerTest, RingsAreBoundedAndNotableEventsSurviveChatter) {
  auto t = Make({.capacity = 3, .notable_capacity = 2});
  Append(Line(1, "WARN", "connection aborted"));
  Append(Line(2, "INFO", "became leader at term 7"));
  Append(Line(3, "INFO", "became follower at term 7"));
  for (int i = 4; i <= 8; ++i) Append(Line(i));
  Append(Line(9, "ERROR", "boom"));
  EXPECT_EQ(MustPoll(*t).records, 9u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("7", "8", "9"));
  EXPECT_THAT(Ids(t->Recent(1)), ElementsAre("9"));
  EXPECT_THAT(Ids(t->RecentNotable(10)), ElementsAre("2", "9"));  // capacity 2: "1" fell out
  const std::vector<TailedEvent> notable = t->RecentNotable(10);
  ASSERT_TRUE(notable[0].classification.has_value());
  EXPECT_EQ(notable[0].classification->id, "became_leader");
  EXPECT_FALSE(notable[1].classification.has_value());
  EXPECT_TRUE(notable[1].notable);
  EXPECT_THAT(Ids(t->RecentMatching(
                  10, [](const TailedEvent& e) { return e.event.level == LogLevel::kInfo; })),
              ElementsAre("7", "8"));
}

TEST_F(LogTailerTest, MalformedContinuationBlankAndCrlfLines) {
  auto t = Make();
  Append(Line(1));
  Append("[2024/07/16 14:03:42.100 +00:00] [INFO] [a.rs:1] [\"unterminated]\n");
  Append("goroutine 1 [running]:\n\n");
  std::string crlf = Line(2);
  crlf.insert(crlf.size() - 1, "\r");
  Append(crlf);
  const LogTailer::PollResult r = MustPoll(*t);
  EXPECT_EQ(r.records, 2u);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.continuation, 1u);
  EXPECT_EQ(r.blank, 1u);
  EXPECT_THAT(t->stats().last_error, HasSubstr("column 51: unterminated quoted string"));
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2"));
}

TEST_F(LogTailerTest, OverlongLinesAreDroppedEvenAcrossPolls) {
  auto t = Make({.max_line_bytes = 200});
  Append(std::string(300, 'x') + "\n" + Line(1));
  LogTailer::PollResult r = MustPoll(*t);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.records, 1u);
  Append(std::string(150, 'y'));
  EXPECT_EQ(MustPoll(*t).malformed, 0u);
  Append(std::string(150, 'y'));  // now over the limit without a newline
  EXPECT_EQ(MustPoll(*t).malformed, 1u);
  Append(std::string(500, 'z') + "\n" + Line(2));  // rest of that line is skipped
  r = MustPoll(*t);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_EQ(r.records, 1u);
  EXPECT_THAT(Ids(t->Recent(10)), ElementsAre("1", "2"));
}

TEST_F(LogTailerTest, ReadBudgetSpreadsWorkOverPolls) {
  auto t = Make({.max_bytes_per_poll = 100});
  std::string all;
  for (int i = 0; i < 20; ++i) all += Line(i);
  Append(all);
  size_t records = 0;
  int polls = 0;
  for (LogTailer::PollResult r; polls == 0 || r.more; ++polls) {
    r = MustPoll(*t);
    records += r.records;
  }
  EXPECT_EQ(records, 20u);
  EXPECT_GT(polls, 10);
}

TEST_F(LogTailerTest, IoErrorsOtherThanMissingAreUnavailable) {
  // A path under a regular file (ENOTDIR) and a directory (EISDIR on read): both fail even for
  // root, unlike permission bits.
  Append(Line(1));
  auto under_file = LogTailer::Create({.path = path_ + "/nested.log"});
  ASSERT_TRUE(under_file.ok());
  EXPECT_THAT((*under_file)->Poll(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path_)));
  auto directory = LogTailer::Create({.path = dir_});
  ASSERT_TRUE(directory.ok());
  EXPECT_THAT((*directory)->Poll(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr(dir_)));
}

TEST_F(LogTailerTest, AccessorsAreSafeWhilePolling) {
  auto t = Make({.capacity = 50, .notable_capacity = 10});
  std::atomic<bool> done{false};
  std::thread reader([&] {
    size_t last = 0;
    while (!done.load()) {
      const std::vector<TailedEvent> recent = t->Recent(50);
      for (size_t i = 1; i < recent.size(); ++i) ASSERT_EQ(recent[i].seq, recent[i - 1].seq + 1);
      if (!recent.empty()) {
        ASSERT_GE(recent.back().seq, last);
        last = recent.back().seq;
      }
      t->RecentNotable(5);
      t->stats();
    }
  });
  for (int i = 0; i < 500; ++i) {
    Append(Line(i, i % 7 == 0 ? "WARN" : "INFO"));
    ASSERT_EQ(MustPoll(*t).records, 1u);
  }
  done = true;
  reader.join();
  EXPECT_EQ(t->stats().records, 500u);
}

}  // namespace
}  // namespace ops::tikv
