// Contract tests against the real TiKV/PD log lines in ../shared/data/logs/: every line of every
// file parses, re-renders byte for byte, and the message catalog's fault texts are recognised.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/logs/log_classifier.h"
#include "subjects/tikv/logs/log_event.h"
#include "subjects/tikv/logs/log_parser.h"

namespace ops::tikv {
namespace {

const std::string kLogDir = std::string(OPS_SHARED_DATA_DIR) + "/logs";

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::filesystem::path> LogFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kLogDir)) {
    if (entry.path().extension() == ".log") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(RealLogs, EveryLineOfEveryFileParsesAndRoundTrips) {
  // Line counts from ../shared/data/logs/README.md; a new file must be added here on purpose.
  const std::map<std::string, size_t> expected = {
      {"pd-tikv-cluster-id-v3.log", 2},
      {"tikv-add-learner-snapshot-v7.5.leader-store3.log", 10},
      {"tikv-add-learner-snapshot-v7.5.learner-store166543141.log", 11},
      {"tikv-logger-format-examples.log", 10},
  };
  size_t records = 0, blank = 0, continuation = 0;
  std::map<std::string, size_t> per_file;
  for (const auto& path : LogFiles()) {
    const std::vector<std::string> lines = ReadLines(path);
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      const std::string where = path.filename().string() + ":" + std::to_string(i + 1);
      switch (ClassifyLine(line)) {
        case LineKind::kBlank:
          ++blank;
          continue;
        case LineKind::kContinuation:
          ++continuation;
          ADD_FAILURE() << where;
          continue;
        case LineKind::kRecord:
          break;
      }
      absl::StatusOr<LogEvent> event = ParseLogLine(line);
      ASSERT_THAT(event, ::ops::testing::IsOk()) << where << "\n" << line;
      EXPECT_EQ(FormatLogLine(*event), line) << where;
      ++records;
      ++per_file[path.filename().string()];
    }
  }
  EXPECT_EQ(per_file, expected);
  // The README promises one record per line: no blank lines and no multi-line continuations.
  EXPECT_EQ(blank, 0u);
  EXPECT_EQ(continuation, 0u);
  EXPECT_EQ(records, 33u);
  std::cout << "real log lines parsed: " << records << " (blank " << blank << ", continuation "
            << continuation << ")\n";
}

LogEvent ParseOrDie(const std::string& file, size_t line_no) {
  const std::vector<std::string> lines = ReadLines(kLogDir + "/" + file);
  absl::StatusOr<LogEvent> e = ParseLogLine(lines.at(line_no - 1));
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *e : LogEvent{};
}

TEST(RealLogs, DecodedValues) {
  // Quoted key, quoted value with escaped quotes, {0} raw.
  LogEvent slow = ParseOrDie("tikv-logger-format-examples.log", 8);
  EXPECT_EQ(slow.level, LogLevel::kDebug);
  EXPECT_EQ(*slow.Field("process keys"), "1500");
  EXPECT_EQ(*slow.Field("sql"), "SELECT * FROM TABLE WHERE ID=\"abc\"");
  EXPECT_EQ(*slow.Field("thread_id"), "{0}");
  // Brackets and quotes inside a quoted message.
  EXPECT_EQ(ParseOrDie("tikv-logger-format-examples.log", 7).message,
            "failed to \"fetch\" [URL]: http://example.com");
  // Nested JSON with UTF-8 and a doubly escaped backslash.
  LogEvent types = ParseOrDie("tikv-logger-format-examples.log", 10);
  const std::string* array = types.Field("str_array");
  ASSERT_NE(array, nullptr);
  EXPECT_THAT(*array, ::testing::StartsWith("[\"💖\", \"�\", \"☺☻☹\""));
  EXPECT_THAT(*array, ::testing::HasSubstr("\"\\\\x80\\\\x80"));
  EXPECT_EQ(*types.Field("url-peers"), "[\"peer1\", \"peer 2\"]");
  EXPECT_EQ(*types.Field("store ids"), "[1, 2, 3]");
  // raft-rs: quoted key "msg type", v7.5 thread_id.
  LogEvent higher = ParseOrDie("tikv-add-learner-snapshot-v7.5.learner-store166543141.log", 4);
  EXPECT_EQ(higher.message, "received a message with higher term from 142728");
  EXPECT_EQ(*higher.Field("msg type"), "MsgHeartbeat");
  EXPECT_EQ(*higher.Field("thread_id"), "362");
  EXPECT_EQ(higher.utc_offset_seconds, 8 * 3600);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%M:%E3S%Ez", higher.time, absl::UTCTimeZone()),
            "2024-07-09T08:25:23.108+00:00");
}

// Replaces each "{...}" of a catalog text with `value`.
std::string FillPlaceholders(const std::string& text, const std::string& value) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out.push_back(text[i]);
    } else {
      out += value;
      i = close;
    }
  }
  return out;
}

// Every catalog message with a log level, its "{..}" placeholders filled with a sample value,
// is recognised by Classify().
TEST(RealLogs, CatalogMessagesAreClassified) {
  const std::vector<std::string> rows = ReadLines(kLogDir + "/message-catalog.v8.5.7.tsv");
  ASSERT_GT(rows.size(), 1u);
  size_t checked = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> cols = absl::StrSplit(rows[i], '\t');
    ASSERT_GE(cols.size(), 4u) << rows[i];
    const std::optional<LogLevel> level = LogLevelFromName(cols[1]);
    if (!level.has_value()) continue;  // "(error text)": appears inside err=..., tested below
    LogEvent event;
    event.level = *level;
    event.message = FillPlaceholders(cols[3], "PD");
    const std::optional<LogClassification> c = Classify(event);
    EXPECT_TRUE(c.has_value()) << "not recognised: " << event.message;
    ++checked;
  }
  EXPECT_EQ(checked, 37u);
}

}  // namespace
}  // namespace ops::tikv
