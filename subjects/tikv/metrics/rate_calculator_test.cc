// Rate math on synthetic sample pairs: steady traffic, excluded types, counter resets (with and
// without a process start time), first samples, clock anomalies and write-stall causes.
#include "subjects/tikv/metrics/rate_calculator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pair;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A gRPC type with `n` requests: `fast` of them <= 1 ms, the rest <= 10 ms.
GrpcTypeStats Requests(double n, double fast) {
  GrpcTypeStats s;
  s.count = n;
  s.buckets = {{0.001, fast}, {0.01, n}, {INFINITY, n}};
  return s;
}

StoreMetricsSample Sample(double requests, double fast, double fail, double cpu) {
  StoreMetricsSample s;
  s.grpc["kv_get"] = Requests(requests, fast);
  s.grpc_fail = std::map<std::string, double>{{"kv_get", fail}};
  s.process_cpu_seconds = cpu;
  s.process_start_time_seconds = absl::ToUnixSeconds(kT0) - 3600;
  return s;
}

TEST(RateCalculatorTest, FirstSampleHasNoRates) {
  TimedStoreSample cur{kT0, Sample(100, 50, 0, 1)};
  StoreRates r = ComputeRates(nullptr, cur);
  EXPECT_FALSE(r.has_rates);
  EXPECT_THAT(r.note, HasSubstr("first sample"));
  EXPECT_EQ(r.ops_per_sec, 0);
  EXPECT_EQ(r.p99_latency, std::nullopt);
  EXPECT_EQ(r.cpu_cores, std::nullopt);
  EXPECT_FALSE(r.write_stall);
  EXPECT_EQ(r.ToWorkload(), core::Workload());
}

TEST(RateCalculatorTest, SteadyTraffic) {
  TimedStoreSample prev{kT0, Sample(1000, 900, 0, 10)};
  StoreMetricsSample later = Sample(2000, 1800, 10, 15);
  later.engine_errors = std::map<std::string, double>{{"err_not_leader", 5}};
  TimedStoreSample cur{kT0 + absl::Seconds(10), later};

  StoreRates r = ComputeRates(&prev, cur);
  ASSERT_TRUE(r.has_rates) << r.note;
  EXPECT_FALSE(r.counter_reset);
  EXPECT_EQ(r.interval, absl::Seconds(10));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 101);     // (1000 ok + 10 failed) / 10 s
  EXPECT_DOUBLE_EQ(r.errors_per_sec, 1.5);  // (10 failed + 5 engine errors) / 10 s
  EXPECT_DOUBLE_EQ(r.error_rate, 15.0 / 1010);
  // Increases: 900 <= 1 ms, 1000 <= 10 ms; rank 990 lies 90/100 into (1 ms, 10 ms].
  ASSERT_TRUE(r.p99_latency.has_value());
  EXPECT_NEAR(absl::ToDoubleSeconds(*r.p99_latency), 0.0091, 1e-9);
  EXPECT_THAT(r.cpu_cores, Optional(DoubleNear(0.5, 1e-12)));
  EXPECT_THAT(r.ops_per_sec_by_type, ElementsAre(Pair("kv_get", 100.0)));
  EXPECT_FALSE(r.write_stall);

  core::Workload w = r.ToWorkload();
  EXPECT_DOUBLE_EQ(w.ops_per_sec, 101);
  EXPECT_DOUBLE_EQ(w.cpu_cores, 0.5);
  EXPECT_EQ(w.p99_latency, *r.p99_latency);
}

TEST(RateCalculatorTest, ExcludedTypesDoNotCount) {
  StoreMetricsSample a = Sample(1000, 1000, 0, 1);
  StoreMetricsSample b = Sample(2000, 2000, 0, 1);
  // A batch_commands stream ending after 60 s and GC calls must not move QPS or p99.
  a.grpc["batch_commands"] = Requests(0, 0);
  b.grpc["batch_commands"] = GrpcTypeStats{1, 60, {{0.001, 0}, {0.01, 0}, {INFINITY, 1}}};
  a.grpc["kv_gc"] = Requests(0, 0);
  b.grpc["kv_gc"] = Requests(500, 0);
  (*b.grpc_fail)["batch_commands"] = 7;
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(10), b};

  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 100);
  EXPECT_EQ(r.errors_per_sec, 0);
  EXPECT_THAT(r.ops_per_sec_by_type, ElementsAre(Pair("kv_get", 100.0)));
  ASSERT_TRUE(r.p99_latency.has_value());
  EXPECT_LE(*r.p99_latency, absl::Milliseconds(1));

  RateOptions all;
  all.excluded_grpc_types.clear();
  r = ComputeRates(&prev, cur, all);
  EXPECT_DOUBLE_EQ(r.ops_per_sec, (1000 + 1 + 500 + 7) / 10.0);
}

TEST(RateCalculatorTest, RestartWithStartTimeCountsFromTheRestart) {
  TimedStoreSample prev{kT0, Sample(50000, 50000, 300, 900)};
  StoreMetricsSample after = Sample(400, 400, 2, 3);
  after.process_start_time_seconds = absl::ToUnixSeconds(kT0) + 6;  // 4 s before the scrape
  TimedStoreSample cur{kT0 + absl::Seconds(10), after};

  StoreRates r = ComputeRates(&prev, cur);
  ASSERT_TRUE(r.has_rates);
  EXPECT_TRUE(r.counter_reset);
  EXPECT_THAT(r.note, HasSubstr("process_start_time_seconds changed"));
  EXPECT_EQ(r.interval, absl::Seconds(4));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 402 / 4.0);
  EXPECT_DOUBLE_EQ(r.errors_per_sec, 2 / 4.0);
  EXPECT_THAT(r.cpu_cores, Optional(DoubleNear(0.75, 1e-12)));
  ASSERT_TRUE(r.p99_latency.has_value());
  EXPECT_GT(*r.p99_latency, absl::ZeroDuration());
}

TEST(RateCalculatorTest, CountersGoingDownIsAReset) {
  StoreMetricsSample a = Sample(5000, 5000, 10, 100);
  StoreMetricsSample b = Sample(200, 100, 0, 1);
  a.process_start_time_seconds.reset();  // e.g. a body without process metrics
  b.process_start_time_seconds.reset();
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(5), b};

  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_TRUE(r.counter_reset);
  EXPECT_THAT(r.note, HasSubstr("went down"));
  EXPECT_EQ(r.interval, absl::Seconds(5));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 40);
  EXPECT_GE(r.errors_per_sec, 0);
  EXPECT_THAT(r.cpu_cores, Optional(DoubleNear(0.2, 1e-12)));
  // p99 from the new process' own buckets: 100 <= 1 ms, 200 <= 10 ms.
  ASSERT_TRUE(r.p99_latency.has_value());
  EXPECT_GT(*r.p99_latency, absl::Milliseconds(1));
}

TEST(RateCalculatorTest, OneTypeGoingDownIsAReset) {
  StoreMetricsSample a = Sample(1000, 1000, 0, 1);
  StoreMetricsSample b = Sample(1000, 1000, 0, 1);
  a.grpc["raw_put"] = Requests(300, 300);
  b.grpc["kv_get"] = Requests(1400, 1400);  // total still grows
  b.grpc["raw_put"] = Requests(10, 10);
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(10), b};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_TRUE(r.counter_reset);
  EXPECT_THAT(r.note, HasSubstr("raw_put"));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 141);
}

TEST(RateCalculatorTest, RestartRightBeforeTheScrapeUsesAMinimumInterval) {
  TimedStoreSample prev{kT0, Sample(900, 900, 0, 9)};
  StoreMetricsSample after = Sample(10, 10, 0, 0.1);
  // The store's clock says it started 100 ms before our scrape.
  after.process_start_time_seconds = absl::ToUnixSeconds(kT0) + 9.9;
  TimedStoreSample cur{kT0 + absl::Seconds(10), after};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_TRUE(r.counter_reset);
  EXPECT_EQ(r.interval, absl::Seconds(1));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 10);
}

TEST(RateCalculatorTest, TimeNotAdvancingGivesNoRates) {
  TimedStoreSample prev{kT0, Sample(10, 10, 0, 1)};
  TimedStoreSample same{kT0, Sample(20, 20, 0, 2)};
  TimedStoreSample earlier{kT0 - absl::Seconds(1), Sample(20, 20, 0, 2)};
  EXPECT_FALSE(ComputeRates(&prev, same).has_rates);
  StoreRates r = ComputeRates(&prev, earlier);
  EXPECT_FALSE(r.has_rates);
  EXPECT_THAT(r.note, HasSubstr("did not advance"));
}

TEST(RateCalculatorTest, IdleStoreHasNoLatency) {
  TimedStoreSample prev{kT0, Sample(10, 10, 0, 1)};
  TimedStoreSample cur{kT0 + absl::Seconds(1), Sample(10, 10, 0, 1)};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_TRUE(r.has_rates);
  EXPECT_EQ(r.ops_per_sec, 0);
  EXPECT_EQ(r.error_rate, 0);
  EXPECT_EQ(r.p99_latency, std::nullopt);
  EXPECT_THAT(r.ops_per_sec_by_type, IsEmpty());
  EXPECT_EQ(r.ToWorkload().p99_latency, absl::ZeroDuration());
}

TEST(RateCalculatorTest, AllFailingIsErrorRateOne) {
  TimedStoreSample prev{kT0, Sample(10, 10, 0, 1)};
  TimedStoreSample cur{kT0 + absl::Seconds(2), Sample(10, 10, 40, 1)};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 20);
  EXPECT_DOUBLE_EQ(r.errors_per_sec, 20);
  EXPECT_DOUBLE_EQ(r.error_rate, 1);
  EXPECT_EQ(r.p99_latency, std::nullopt);  // no successful request to time
}

TEST(RateCalculatorTest, TypeAppearingLaterCountsFromZero) {
  StoreMetricsSample a = Sample(100, 100, 0, 1);
  StoreMetricsSample b = Sample(100, 100, 0, 1);
  b.grpc["raw_put"] = Requests(30, 30);
  a.grpc_fail.reset();  // registered lazily, on the first failure
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(10), b};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_FALSE(r.counter_reset);
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 3);
  EXPECT_THAT(r.ops_per_sec_by_type, ElementsAre(Pair("raw_put", 3.0)));
}

TEST(RateCalculatorTest, WriteStallCauses) {
  StoreMetricsSample a = Sample(10, 10, 0, 1);
  StoreMetricsSample b = Sample(10, 10, 0, 1);
  a.scheduler_too_busy = 5;
  b.scheduler_too_busy = 25;
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(10), b};
  StoreRates r = ComputeRates(&prev, cur);
  EXPECT_TRUE(r.write_stall);
  EXPECT_DOUBLE_EQ(r.scheduler_busy_per_sec, 2);
  EXPECT_THAT(r.write_stall_causes, ElementsAre(HasSubstr("scheduler_too_busy")));

  // A cumulative too-busy count alone says nothing on a first sample.
  EXPECT_FALSE(ComputeRates(nullptr, cur).write_stall);

  // The gauge works on the first sample; stall micros and reasons need an increase.
  b.scheduler_too_busy = 5;
  b.write_stall_max_micros = 1200000;
  EXPECT_TRUE(ComputeRates(nullptr, TimedStoreSample{kT0, b}).write_stall);
  b.write_stall_max_micros = 0;
  a.engine_stall_micros = 100;
  b.engine_stall_micros = 100;
  a.write_stall_reasons = 3;
  b.write_stall_reasons = 3;
  cur.sample = b;
  prev.sample = a;
  EXPECT_FALSE(ComputeRates(&prev, cur).write_stall);
  cur.sample.engine_stall_micros = 5000;
  EXPECT_TRUE(ComputeRates(&prev, cur).write_stall);
  cur.sample.engine_stall_micros = 100;
  cur.sample.write_stall_reasons = 4;
  EXPECT_TRUE(ComputeRates(&prev, cur).write_stall);
  cur.sample.write_stall_reasons = 3;
  cur.sample.flow_control_throttled_cfs = 1;
  EXPECT_TRUE(ComputeRates(&prev, cur).write_stall);
}

TEST(RateCalculatorTest, ThreadCpuIsTheFallback) {
  StoreMetricsSample a = Sample(10, 10, 0, 1), b = Sample(10, 10, 0, 1);
  a.process_cpu_seconds.reset();
  b.process_cpu_seconds.reset();
  a.thread_cpu_seconds = 10;
  b.thread_cpu_seconds = 9;  // a busy thread exited: never negative
  TimedStoreSample prev{kT0, a}, cur{kT0 + absl::Seconds(4), b};
  EXPECT_THAT(ComputeRates(&prev, cur).cpu_cores, Optional(0.0));
  cur.sample.thread_cpu_seconds = 18;
  EXPECT_THAT(ComputeRates(&prev, cur).cpu_cores, Optional(2.0));
}

TEST(RateCalculatorTest, CalculatorKeepsThePreviousSample) {
  RateCalculator calc;
  EXPECT_FALSE(calc.Add(kT0, Sample(0, 0, 0, 0)).has_rates);
  StoreRates r = calc.Add(kT0 + absl::Seconds(1), Sample(100, 100, 0, 0.5));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 100);
  // An out-of-order sample is answered without rates and does not replace the baseline.
  EXPECT_FALSE(calc.Add(kT0, Sample(5, 5, 0, 0)).has_rates);
  r = calc.Add(kT0 + absl::Seconds(2), Sample(300, 300, 0, 1));
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 200);
  EXPECT_FALSE(r.counter_reset);
  calc.Reset();
  EXPECT_FALSE(calc.Add(kT0 + absl::Seconds(3), Sample(400, 400, 0, 1)).has_rates);
}

TEST(RateCalculatorTest, RealDumpAgainstItself) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) +
                   "/metrics/tikv-v5.3.0-alpha-status-metrics.txt");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_OK_AND_ASSIGN(StoreMetricsSample s, ParseStoreMetrics(text.str()));
  StoreMetricsSample later = s;
  later.grpc["kv_get"].count += 100;
  for (prom::Bucket& b : later.grpc["kv_get"].buckets) b.cumulative_count += 100;
  *later.process_cpu_seconds += 1;
  TimedStoreSample prev{kT0, s}, cur{kT0 + absl::Seconds(10), later};
  StoreRates r = ComputeRates(&prev, cur);
  ASSERT_TRUE(r.has_rates);
  EXPECT_FALSE(r.counter_reset);
  EXPECT_DOUBLE_EQ(r.ops_per_sec, 10);
  EXPECT_EQ(r.errors_per_sec, 0);
  EXPECT_THAT(r.cpu_cores, Optional(DoubleNear(0.1, 1e-9)));
  // All 100 new requests fell in the first bucket (le 0.5 ms): p99 interpolates inside it.
  ASSERT_TRUE(r.p99_latency.has_value());
  EXPECT_NEAR(absl::ToDoubleSeconds(*r.p99_latency), 0.0005 * 0.99, 1e-9);
  EXPECT_FALSE(r.write_stall);
}

}  // namespace
}  // namespace ops::tikv
