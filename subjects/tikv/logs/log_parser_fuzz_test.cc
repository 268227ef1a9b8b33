// Fuzz-style robustness of ParseLogLine: every prefix of every real line, and many
// deterministic random mutations of them, must parse or fail with INVALID_ARGUMENT naming a
// column inside the line; never crash (run under ASan/UBSan for out-of-bounds reads).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "subjects/tikv/logs/log_parser.h"

namespace ops::tikv {
namespace {

std::vector<std::string> Seeds() {
  std::vector<std::string> lines = {
      R"([2018/12/15 14:20:11.015 +08:00] [WARN] [session.go:1234] ["Slow query"] )"
      R"([sql="SELECT * FROM TABLE\nWHERE ID=\"abc\""] [u="\u00e9\ud83d\udc96"])",
  };
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(OPS_SHARED_DATA_DIR) + "/logs")) {
    if (entry.path().extension() != ".log") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

// OK, or INVALID_ARGUMENT "column N: ..." with 1 <= N <= size + 1.
void ExpectWellBehaved(const std::string& line) {
  absl::StatusOr<LogEvent> result = ParseLogLine(line);
  if (result.ok()) return;
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << line;
  absl::string_view msg = result.status().message();
  ASSERT_TRUE(absl::ConsumePrefix(&msg, "column ")) << result.status();
  const size_t colon = msg.find(':');
  ASSERT_NE(colon, absl::string_view::npos) << result.status();
  int column = 0;
  ASSERT_TRUE(absl::SimpleAtoi(msg.substr(0, colon), &column)) << result.status();
  EXPECT_GE(column, 1) << result.status();
  EXPECT_LE(static_cast<size_t>(column), line.size() + 1) << result.status() << "\n" << line;
}

TEST(ParseLogLineFuzz, EveryPrefixOfEveryRealLine) {
  size_t prefixes = 0;
  size_t ok = 0;
  for (const std::string& line : Seeds()) {
    for (size_t n = 0; n <= line.size(); ++n) {
      const std::string prefix = line.substr(0, n);
      ExpectWellBehaved(prefix);
      ok += ParseLogLine(prefix).ok();
      ++prefixes;
    }
  }
  // A prefix ending right after a section's ']' is itself a valid line; most are not.
  EXPECT_GT(prefixes, 5000u);
  EXPECT_LT(ok, prefixes / 10);
}

TEST(ParseLogLineFuzz, RandomMutations) {
  const std::vector<std::string> seeds = Seeds();
  std::mt19937 rng(20181219);  // fixed: failures reproduce
  const std::string specials = "[]\"=\\ u\r\t\x01\xff{}:/.0123456789";
  for (int i = 0; i < 50000; ++i) {
    std::string line = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !line.empty(); ++k) {
      const size_t at = rng() % line.size();
      const char c = rng() % 2 ? specials[rng() % specials.size()] : static_cast<char>(rng());
      switch (rng() % 3) {
        case 0:
          line[at] = c;
          break;
        case 1:
          line.insert(line.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          line.erase(at, 1 + rng() % 8);
          break;
      }
    }
    ExpectWellBehaved(line);
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(ParseLogLineFuzz, RandomBytes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string line = "[";
    const size_t len = rng() % 64;
    for (size_t k = 0; k < len; ++k) line.push_back(static_cast<char>(rng()));
    ExpectWellBehaved(line);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace ops::tikv
