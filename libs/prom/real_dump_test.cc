// Contract tests against real /metrics captures of TiKV and PD v5.3 (see
// ../shared/data/metrics/README.md). Expected counts are computed here from the raw lines, so a
// parser that drops or misfiles samples fails.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "libs/prom/format.h"
#include "libs/prom/histogram_quantile.h"
#include "libs/prom/text_parser.h"
#include "libs/status/status_matchers.h"

namespace ops::prom {
namespace {

using ::ops::testing::IsOk;
using ::testing::Ge;
using ::testing::Le;

std::string ReadDump(const std::string& file) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/metrics/" + file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Independent line-based counts: samples, and families per declared type.
struct LineCounts {
  int samples = 0;
  std::map<std::string, int> families_by_type;
  int families = 0;
};

LineCounts CountLines(const std::string& text) {
  LineCounts counts;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    if (line[0] != '#') {
      ++counts.samples;
    } else if (absl::StartsWith(line, "# TYPE ")) {
      std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
      ++counts.families_by_type[std::string(parts.back())];
      ++counts.families;
    }
  }
  return counts;
}

void ExpectCountsMatch(const std::string& text, const std::vector<MetricFamily>& families) {
  LineCounts want = CountLines(text);
  int samples = 0;
  std::map<std::string, int> by_type;
  for (const MetricFamily& f : families) {
    samples += f.samples.size();
    ++by_type[std::string(MetricTypeName(f.type))];
    EXPECT_FALSE(f.samples.empty()) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
  }
  EXPECT_EQ(samples, want.samples);
  EXPECT_EQ(static_cast<int>(families.size()), want.families);
  EXPECT_EQ(by_type, want.families_by_type);
}

class TikvDumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = ReadDump("tikv-v5.3.0-alpha-status-metrics.txt");
    ASSERT_EQ(text_.size(), 1265849u) << "fixture missing or changed";
    ASSERT_OK_AND_ASSIGN(families_, ParseFamilies(text_));
  }
  std::string text_;
  std::vector<MetricFamily> families_;
};

TEST_F(TikvDumpTest, EverySampleParsedIntoItsFamily) {
  EXPECT_EQ(families_.size(), 178u);
  ExpectCountsMatch(text_, families_);
  // No sample escaped into an untyped family of its own: every family was declared.
  for (const MetricFamily& f : families_) EXPECT_NE(f.type, MetricType::kUntyped) << f.name;
}

TEST_F(TikvDumpTest, KnownValues) {
  ASSERT_OK_AND_ASSIGN(double start, FindValue(families_, "process_start_time_seconds"));
  EXPECT_DOUBLE_EQ(start, 1634094873.15);
  ASSERT_OK_AND_ASSIGN(double available,
                       FindValue(families_, "tikv_store_size_bytes", {{"type", "available"}}));
  EXPECT_EQ(available, 24446681088.0);
  ASSERT_OK_AND_ASSIGN(double dirty,
                       FindValue(families_, "tikv_allocator_stats", {{"type", "dirty"}}));
  EXPECT_EQ(dirty, -1249664.0);
  EXPECT_THAT(FindValue(families_, "tikv_store_size_bytes", {{"type", "nonexistent"}}),
              ::ops::testing::StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FindValue(families_, "tikv_store_size_bytes"),
              ::ops::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  const MetricFamily* info = FindFamily(families_, "tikv_server_info");
  ASSERT_NE(info, nullptr);
  ASSERT_FALSE(info->samples.empty());
  EXPECT_EQ(GetLabel(info->samples[0], "version"), "v5.3.0-alpha");
}

TEST_F(TikvDumpTest, HistogramQuantileStaysWithinBucketBounds) {
  const MetricFamily* grpc = FindFamily(families_, "tikv_grpc_msg_duration_seconds");
  ASSERT_NE(grpc, nullptr);
  ASSERT_OK_AND_ASSIGN(std::vector<HistogramSeries> series, CollectHistogramSeries(*grpc));
  ASSERT_FALSE(series.empty());
  int checked = 0;
  for (const HistogramSeries& s : series) {
    ASSERT_GE(s.buckets.size(), 2u);
    EXPECT_EQ(s.buckets.back().upper_bound, INFINITY);
    EXPECT_EQ(s.buckets.back().cumulative_count, s.count);
    if (s.count == 0) continue;
    ASSERT_OK_AND_ASSIGN(double p99, HistogramQuantile(0.99, s.buckets));
    // p99 lies inside the bucket where the cumulative count crosses 99%.
    double rank = 0.99 * s.count;
    size_t b = 0;
    while (s.buckets[b].cumulative_count < rank) ++b;
    double lower = b == 0 ? 0 : s.buckets[b - 1].upper_bound;
    double upper = std::isinf(s.buckets[b].upper_bound) ? lower : s.buckets[b].upper_bound;
    EXPECT_THAT(p99, Ge(lower));
    EXPECT_THAT(p99, Le(upper));
    ASSERT_OK_AND_ASSIGN(double p50, HistogramQuantile(0.5, s.buckets));
    EXPECT_LE(p50, p99);
    ++checked;
  }
  EXPECT_GT(checked, 0);
  // Aggregated over all series (sum by le) for one type.
  ASSERT_OK_AND_ASSIGN(std::vector<Bucket> kv,
                       CollectBuckets(*grpc, {{"type", series.front().labels[0].value}}));
  EXPECT_THAT(HistogramQuantile(0.99, kv), IsOk());
}

class PdDumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = ReadDump("pd-v5.3.0-alpha-metrics.txt");
    ASSERT_EQ(text_.size(), 294721u) << "fixture missing or changed";
    ASSERT_OK_AND_ASSIGN(families_, ParseFamilies(text_));
  }
  std::string text_;
  std::vector<MetricFamily> families_;
};

TEST_F(PdDumpTest, EverySampleParsedIntoItsFamily) {
  EXPECT_EQ(families_.size(), 164u);
  ExpectCountsMatch(text_, families_);
}

TEST_F(PdDumpTest, SummariesAndGoFloats) {
  const MetricFamily* gc = FindFamily(families_, "go_gc_duration_seconds");
  ASSERT_NE(gc, nullptr);
  EXPECT_EQ(gc->type, MetricType::kSummary);
  ASSERT_EQ(gc->samples.size(), 7u);
  EXPECT_EQ(GetLabel(gc->samples[0], "quantile"), "0");
  EXPECT_DOUBLE_EQ(gc->samples[0].value, 5.39e-05);
  EXPECT_EQ(gc->samples[6].name, "go_gc_duration_seconds_count");
  EXPECT_EQ(gc->samples[6].value, 51);
  ASSERT_OK_AND_ASSIGN(double start, FindValue(families_, "process_start_time_seconds"));
  EXPECT_DOUBLE_EQ(start, 1.6340948726e+09);
  ASSERT_OK_AND_ASSIGN(double capacity,
                       FindValue(families_, "pd_cluster_status", {{"type", "storage_capacity"}}));
  EXPECT_EQ(capacity, 6.2725623808e+10);
}

TEST_F(PdDumpTest, WriterFormatsEveryValueAsTheGoClientDid) {
  // PD's values were written by Go's expfmt; our formatter must reproduce each one exactly.
  int compared = 0;
  for (absl::string_view line : absl::StrSplit(text_, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    absl::string_view token = line.substr(line.rfind(' ') + 1);
    double value;
    ASSERT_TRUE(ParseSampleValue(token, &value)) << line;
    EXPECT_EQ(FormatValue(value), token) << line;
    ++compared;
  }
  EXPECT_EQ(compared, CountLines(text_).samples);
}

}  // namespace
}  // namespace ops::prom
