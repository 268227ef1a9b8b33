// What the observer takes from one TiKV store's /metrics body (its status port): cumulative
// request and error counters, the gRPC latency histogram, CPU seconds, store size, region and
// leader counts, slow score and the write-stall / "server is busy" indicators.
//
// A sample is a plain value extracted by a pure function over the text (one pass of the
// libs/prom visitor, no MetricFamily copies). Rates need two samples: see rate_calculator.h.
//
// Which families exist depends on the TiKV version and on what the store has done so far (TiKV
// registers most metrics lazily). The real v5.3 dump has no tikv_grpc_msg_fail_total, no
// tikv_scheduler_too_busy_total and no tikv_store_size_bytes{type="used"}; its slow score has
// no `type` label (v6+ has raft/kvdb/network). A family that is missing leaves its field
// empty (std::nullopt, or an empty map); it is never an error.
#ifndef OPS_SUBJECTS_TIKV_METRICS_STORE_METRICS_SAMPLE_H_
#define OPS_SUBJECTS_TIKV_METRICS_STORE_METRICS_SAMPLE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/prom/histogram_quantile.h"

namespace ops::tikv {

// One gRPC message type of tikv_grpc_msg_duration_seconds, summed over `priority` (v6+ adds
// that label; v5.3 has none).
struct GrpcTypeStats {
  double count = 0;                   // _count: requests answered (cumulative)
  double sum_seconds = 0;             // _sum
  std::vector<prom::Bucket> buckets;  // cumulative, ascending `le`, +Inf last when present

  friend bool operator==(const GrpcTypeStats&, const GrpcTypeStats&) = default;
};

struct StoreMetricsSample {
  // --- Counters (cumulative since the TiKV process started) ---

  // tikv_grpc_msg_duration_seconds by `type`. TiKV observes this histogram for requests whose
  // gRPC call succeeded (region errors such as not_leader travel inside a successful response).
  std::map<std::string, GrpcTypeStats> grpc;
  // tikv_grpc_msg_fail_total by `type`: gRPC-level failures, disjoint from `grpc` counts.
  // Absent in the v5.3 dump; the simulator counts every failed KV call here.
  std::optional<std::map<std::string, double>> grpc_fail;
  // tikv_storage_engine_async_request_total with status="err_*", summed over `type`
  // (snapshot/write), by status ("err_not_leader", "err_server_is_busy", ...): region and engine
  // errors that real TiKV returns inside successful gRPC responses.
  std::optional<std::map<std::string, double>> engine_errors;
  // tikv_scheduler_too_busy_total summed over `type` ("server is busy" from the scheduler).
  std::optional<double> scheduler_too_busy;
  // tikv_engine_stall_micro_seconds summed over `db`: microseconds writes were stalled.
  std::optional<double> engine_stall_micros;
  // Sum of tikv_engine_write_stall_reason over db and type. Counts kept by RocksDB; only its
  // increase between samples means something.
  std::optional<double> write_stall_reasons;
  // process_cpu_seconds_total.
  std::optional<double> process_cpu_seconds;
  // Sum of tikv_thread_cpu_seconds_total over threads (a gauge in v8, a counter in v5.3; it
  // drops when threads exit, so it is only a fallback for process_cpu_seconds).
  std::optional<double> thread_cpu_seconds;

  // --- Gauges ---

  // process_start_time_seconds (Unix seconds): changes when the process restarts.
  std::optional<double> process_start_time_seconds;
  // tikv_store_size_bytes by type.
  std::optional<double> capacity_bytes;
  std::optional<double> available_bytes;
  std::optional<double> used_bytes;  // v6+ only
  // tikv_raftstore_region_count by type.
  std::optional<double> region_count;
  std::optional<double> leader_count;
  // tikv_raftstore_leader_missing: regions on this store without a leader for a while.
  std::optional<double> leader_missing;
  // tikv_raftstore_slow_score: the maximum over `type`, 1 (healthy) .. 100; by type too, with
  // "" for the unlabelled v5.3 series.
  std::optional<double> slow_score;
  std::map<std::string, double> slow_score_by_type;
  // tikv_engine_write_stall{type="write_stall_max"} (microseconds), maximum over `db`. RocksDB
  // statistics behind it are reset every minute, so > 0 means a stall in the last minute.
  std::optional<double> write_stall_max_micros;
  // tikv_scheduler_throttle_cf summed over cf (flow control throttling a column family), and
  // tikv_scheduler_discard_ratio (flow control dropping writes), when present.
  std::optional<double> flow_control_throttled_cfs;
  std::optional<double> flow_control_discard_ratio;
  // tikv_scheduler_contex_total (sic): commands pending in the scheduler.
  std::optional<double> scheduler_pending_commands;
  // tikv_scheduler_writing_bytes: bytes of writes in the scheduler (busy above 100 MiB).
  std::optional<double> scheduler_writing_bytes;
  // tikv_server_cpu_cores_quota.
  std::optional<double> cpu_cores_quota;
  // tikv_server_info{version}.
  std::optional<std::string> version;

  friend bool operator==(const StoreMetricsSample&, const StoreMetricsSample&) = default;
};

// Extracts a sample from a TiKV /metrics body. INVALID_ARGUMENT naming the line when the body
// is not valid exposition text or a histogram bucket of a family used here has a bad `le`.
// Thread-safe.
absl::StatusOr<StoreMetricsSample> ParseStoreMetrics(absl::string_view text);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_STORE_METRICS_SAMPLE_H_
