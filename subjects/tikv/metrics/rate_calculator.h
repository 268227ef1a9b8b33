// Turns successive StoreMetricsSamples of one store into the per-interval workload the
// observer reports (core::Workload): ops/s, errors/s, error rate, p99 latency over the
// interval, CPU cores, and a write-stall flag.
//
// Definitions (the same ones PromQlSource uses, so both modes agree):
//   requests   = increase of tikv_grpc_msg_duration_seconds_count + tikv_grpc_msg_fail_total
//                over included types (TiKV observes the histogram only for calls that
//                succeeded at the gRPC level; failures are counted apart)
//   errors     = increase of tikv_grpc_msg_fail_total over included types
//                + increase of tikv_storage_engine_async_request_total{status=~"err_.*"}
//                (region/engine errors such as not_leader, returned inside a successful
//                gRPC response; absent from the simulator, which counts them as failures)
//   ops/s      = requests / interval;  errors/s = errors / interval
//   error_rate = errors / requests, clamped to [0, 1]; 0 without requests
//   p99        = histogram_quantile(0.99) of the bucket increases summed over included types
//   cpu_cores  = increase of process_cpu_seconds_total / interval (thread CPU as fallback)
//   write_stall: tikv_engine_write_stall{type="write_stall_max"} > 0 (a stall within the last
//                minute), flow control throttling or discarding, or an increase of
//                tikv_engine_stall_micro_seconds, tikv_engine_write_stall_reason or
//                tikv_scheduler_too_busy_total ("server is busy").
// Included types exclude kv_gc (as the TiKV dashboard's QPS panel does) and batch_commands (a
// long-lived stream observed once when it ends: its "latency" is the stream's lifetime; the
// requests inside it are counted under their own types).
//
// Counter resets: when the process start time changes or any counter used here goes down, the
// store restarted: every counter is taken to have started from zero at the restart and the
// interval runs from the restart (process_start_time_seconds) when that lies inside it, so
// rates never go negative. The first sample has no rates (gauge-based fields still work).
//
// Pure: times are passed in. A RateCalculator is not thread-safe (one per store).
#ifndef OPS_SUBJECTS_TIKV_METRICS_RATE_CALCULATOR_H_
#define OPS_SUBJECTS_TIKV_METRICS_RATE_CALCULATOR_H_

#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "core/snapshot.h"
#include "subjects/tikv/metrics/store_metrics_sample.h"

namespace ops::tikv {

// gRPC types left out of ops/s and p99 by default.
inline constexpr const char* kExcludedGrpcTypes[] = {"kv_gc", "batch_commands"};

struct RateOptions {
  std::vector<std::string> excluded_grpc_types = {std::begin(kExcludedGrpcTypes),
                                                  std::end(kExcludedGrpcTypes)};
  double quantile = 0.99;
};

struct TimedStoreSample {
  absl::Time scraped_at;
  StoreMetricsSample sample;
};

// The workload of one store over one interval.
struct StoreRates {
  // False for the first sample, when the scrape time did not advance, or when neither sample
  // has request counters; `note` says which. Rate fields are then zero / empty.
  bool has_rates = false;
  std::string note;
  bool counter_reset = false;  // the store restarted inside the interval
  absl::Duration interval = absl::ZeroDuration();

  double ops_per_sec = 0;
  double errors_per_sec = 0;
  double error_rate = 0;
  // Empty without requests in the interval or without latency buckets.
  std::optional<absl::Duration> p99_latency;
  std::optional<double> cpu_cores;                    // empty without a CPU counter in both samples
  std::map<std::string, double> ops_per_sec_by_type;  // included types with traffic
  double scheduler_busy_per_sec = 0;

  // Works on the first sample too (from gauges); rates add counter-based causes.
  bool write_stall = false;
  std::vector<std::string> write_stall_causes;  // e.g. "write_stall_max=1200000us"

  // The core::Workload view: missing values become zero.
  core::Workload ToWorkload() const;
};

// Rates over the interval from `prev` to `cur` (`prev` null: first sample).
StoreRates ComputeRates(const TimedStoreSample* prev, const TimedStoreSample& cur,
                        const RateOptions& options = {});

// Keeps the previous sample of one store and computes rates for each new one.
class RateCalculator {
 public:
  explicit RateCalculator(RateOptions options = {}) : options_(std::move(options)) {}

  // Rates between the previous sample and this one; this sample becomes the previous one
  // unless its time is not after the previous one's (an out-of-order scrape is ignored).
  StoreRates Add(absl::Time scraped_at, StoreMetricsSample sample);
  // Forgets the previous sample (e.g. the store was replaced); the next Add is a first sample.
  void Reset() { last_.reset(); }
  const std::optional<TimedStoreSample>& last() const { return last_; }

 private:
  RateOptions options_;
  std::optional<TimedStoreSample> last_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_RATE_CALCULATOR_H_
