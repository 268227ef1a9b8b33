// ParseStoreMetrics against the real TiKV v5.3 dump (../shared/data/metrics), against the
// simulator's /metrics rendering (v6+ shapes: priority label, typed slow score, used size,
// fail and too-busy counters), and against bad input.
#include "subjects/tikv/metrics/store_metrics_sample.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/sim/store/store_metrics.h"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

std::string ReadDump(const std::string& file) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/metrics/" + file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string& TikvDump() {
  static const std::string* dump =
      new std::string(ReadDump("tikv-v5.3.0-alpha-status-metrics.txt"));
  return *dump;
}

// Sum of the values of the lines starting with `prefix`, computed without the parser.
double SumLines(const std::string& text, absl::string_view prefix, int* lines = nullptr) {
  double total = 0;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, prefix)) continue;
    double v = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &v)) << line;
    total += v;
    ++n;
  }
  if (lines != nullptr) *lines = n;
  return total;
}

TEST(StoreMetricsSampleTest, RealDumpRequestCounters) {
  ASSERT_FALSE(TikvDump().empty()) << "dump not found under " << OPS_SHARED_DATA_DIR;
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(TikvDump()));

  int types = 0;
  double total = SumLines(TikvDump(), "tikv_grpc_msg_duration_seconds_count{", &types);
  ASSERT_EQ(s.grpc.size(), static_cast<size_t>(types));
  double parsed_total = 0;
  for (const auto& [type, stats] : s.grpc) parsed_total += stats.count;
  EXPECT_DOUBLE_EQ(parsed_total, total);

  const GrpcTypeStats& get = s.grpc.at("kv_get");
  EXPECT_EQ(get.count, 1298);
  EXPECT_DOUBLE_EQ(get.sum_seconds, 0.5567060000000006);
  ASSERT_EQ(get.buckets.size(), 21u);
  EXPECT_EQ(get.buckets.front(), (prom::Bucket{0.0005, 1144}));
  EXPECT_EQ(get.buckets[4], (prom::Bucket{0.008, 1295}));
  EXPECT_TRUE(std::isinf(get.buckets.back().upper_bound));
  EXPECT_EQ(get.buckets.back().cumulative_count, 1298);
  EXPECT_EQ(s.grpc.at("coprocessor").count, 267);
  EXPECT_EQ(s.grpc.at("batch_commands").count, 0);

  // Not registered in this version: absent, not zero.
  EXPECT_EQ(s.grpc_fail, std::nullopt);
  EXPECT_EQ(s.scheduler_too_busy, std::nullopt);
  // Engine errors: only err_* statuses, summed over snapshot/write.
  ASSERT_TRUE(s.engine_errors.has_value());
  EXPECT_EQ(s.engine_errors->size(), 16u);
  EXPECT_EQ(s.engine_errors->at("err_epoch_not_match"), 1);
  EXPECT_EQ(s.engine_errors->count("all"), 0u);
  EXPECT_EQ(s.engine_errors->count("success"), 0u);
}

TEST(StoreMetricsSampleTest, RealDumpGaugesAndCpu) {
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(TikvDump()));
  EXPECT_THAT(s.process_cpu_seconds, Optional(8.18));
  EXPECT_THAT(s.thread_cpu_seconds,
              Optional(DoubleNear(SumLines(TikvDump(), "tikv_thread_cpu_seconds_total{"), 1e-9)));
  EXPECT_THAT(s.process_start_time_seconds, Optional(1634094873.15));
  EXPECT_THAT(s.capacity_bytes, Optional(62725623808.0));
  EXPECT_THAT(s.available_bytes, Optional(24446681088.0));
  EXPECT_EQ(s.used_bytes, std::nullopt);  // v6+ only
  EXPECT_THAT(s.region_count, Optional(51.0));
  EXPECT_THAT(s.leader_count, Optional(51.0));
  EXPECT_THAT(s.leader_missing, Optional(0.0));
  EXPECT_THAT(s.slow_score, Optional(1.0));  // unlabelled in v5.3
  EXPECT_THAT(s.slow_score_by_type, ElementsAre(Pair("", 1.0)));
  EXPECT_THAT(s.write_stall_max_micros, Optional(0.0));
  EXPECT_THAT(s.engine_stall_micros, Optional(0.0));
  EXPECT_THAT(s.write_stall_reasons, Optional(0.0));
  EXPECT_THAT(s.flow_control_throttled_cfs, Optional(0.0));
  EXPECT_EQ(s.flow_control_discard_ratio, std::nullopt);
  EXPECT_THAT(s.scheduler_pending_commands, Optional(0.0));
  EXPECT_THAT(s.scheduler_writing_bytes, Optional(0.0));
  EXPECT_THAT(s.cpu_cores_quota, Optional(2.0));
  EXPECT_THAT(s.version, Optional(std::string("v5.3.0-alpha")));
}

TEST(StoreMetricsSampleTest, SimulatorBodyParses) {
  sim::StoreMetricsSnapshot snap;
  sim::Histo put(0.00005, 2, 22);
  put.Observe(0.0003);
  put.Observe(0.0003);
  put.Observe(0.02);
  snap.grpc.emplace("raw_put", put);
  snap.grpc.emplace("raw_get", sim::Histo(0.00005, 2, 22));
  snap.grpc_fail = {{"raw_put", 4}, {"raw_get", 1}};
  snap.too_busy = {{"scheduler", 3}};
  snap.region_count = 12;
  snap.leader_count = 5;
  snap.capacity = 1e9;
  snap.available = 6e8;
  snap.kv_bytes = 1000;
  snap.slow_score = 42;
  snap.write_stall = true;
  snap.start = absl::FromUnixSeconds(1700000000);
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(sim::RenderStoreMetrics(snap)));

  ASSERT_EQ(s.grpc.size(), 2u);
  const GrpcTypeStats& p = s.grpc.at("raw_put");
  EXPECT_EQ(p.count, 3);
  ASSERT_EQ(p.buckets.size(), 23u);  // 22 bounds + +Inf
  EXPECT_EQ(p.buckets.back().cumulative_count, 3);
  EXPECT_THAT(s.grpc_fail, Optional(ElementsAre(Pair("raw_get", 1.0), Pair("raw_put", 4.0))));
  EXPECT_THAT(s.scheduler_too_busy, Optional(3.0));
  EXPECT_THAT(s.region_count, Optional(12.0));
  EXPECT_THAT(s.leader_count, Optional(5.0));
  EXPECT_THAT(s.used_bytes, Optional(1000.0 + (64 << 20)));
  EXPECT_THAT(s.slow_score, Optional(42.0));
  EXPECT_EQ(s.slow_score_by_type.size(), 3u);  // kvdb, network, raft
  EXPECT_THAT(s.write_stall_max_micros, Optional(1200000.0));
  EXPECT_THAT(s.process_start_time_seconds, Optional(1700000000.0));
  EXPECT_TRUE(s.process_cpu_seconds.has_value());
}

TEST(StoreMetricsSampleTest, PrioritiesOfOneTypeAreSummed) {
  const char* text =
      "# TYPE tikv_grpc_msg_duration_seconds histogram\n"
      "tikv_grpc_msg_duration_seconds_bucket{priority=\"high\",type=\"kv_get\",le=\"0.001\"} 1\n"
      "tikv_grpc_msg_duration_seconds_bucket{priority=\"high\",type=\"kv_get\",le=\"+Inf\"} 2\n"
      "tikv_grpc_msg_duration_seconds_sum{priority=\"high\",type=\"kv_get\"} 0.5\n"
      "tikv_grpc_msg_duration_seconds_count{priority=\"high\",type=\"kv_get\"} 2\n"
      "tikv_grpc_msg_duration_seconds_bucket{priority=\"low\",type=\"kv_get\",le=\"0.001\"} 3\n"
      "tikv_grpc_msg_duration_seconds_bucket{priority=\"low\",type=\"kv_get\",le=\"+Inf\"} 3\n"
      "tikv_grpc_msg_duration_seconds_sum{priority=\"low\",type=\"kv_get\"} 0.002\n"
      "tikv_grpc_msg_duration_seconds_count{priority=\"low\",type=\"kv_get\"} 3\n";
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(text));
  const GrpcTypeStats& get = s.grpc.at("kv_get");
  EXPECT_EQ(get.count, 5);
  EXPECT_DOUBLE_EQ(get.sum_seconds, 0.502);
  EXPECT_THAT(get.buckets, ElementsAre(prom::Bucket{0.001, 4}, prom::Bucket{INFINITY, 5}));
}

TEST(StoreMetricsSampleTest, MissingFamiliesAreAbsent) {
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(""));
  EXPECT_EQ(s, StoreMetricsSample());
  ASSERT_OK_AND_ASSIGN(s, ParseStoreMetrics("# TYPE other gauge\nother 1\n"));
  EXPECT_TRUE(s.grpc.empty());
  EXPECT_EQ(s.process_cpu_seconds, std::nullopt);
}

TEST(StoreMetricsSampleTest, MalformedBodyNamesTheLine) {
  EXPECT_THAT(
      ParseStoreMetrics("process_cpu_seconds_total 1\ntikv_store_size_bytes{type=\"x\" 1\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::AllOf(HasSubstr("TiKV /metrics"), HasSubstr("line 2"))));
  EXPECT_THAT(ParseStoreMetrics("<html>502 Bad Gateway</html>\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1")));
  EXPECT_THAT(
      ParseStoreMetrics("# TYPE tikv_grpc_msg_duration_seconds histogram\n"
                        "tikv_grpc_msg_duration_seconds_bucket{type=\"kv_get\",le=\"x\"} 1\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::AllOf(HasSubstr("line 2"), HasSubstr("le"))));
}

}  // namespace
}  // namespace ops::tikv
