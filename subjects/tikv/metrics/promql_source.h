// Prometheus mode: per-store TiKV workload and state read from a Prometheus server with a
// fixed, small set of instant queries per cycle, each aggregated `by (instance)` (so the cost
// does not grow with the number of stores), all evaluated at the same instant. Each series'
// `instance` is mapped to a store by its status address (instance_mapping.h).
//
// The queries (with the default selector job="tikv", range 1m, excluded types as in
// rate_calculator.h) use the same definitions as RateCalculator, so scrape mode and
// Prometheus mode report the same numbers:
//   up           max by (instance) (up{job="tikv"})
//   ops          sum by (instance) (rate({job="tikv",__name__=~"tikv_grpc_msg_duration_seconds_
//                  count|tikv_grpc_msg_fail_total",type!~"kv_gc|batch_commands"}[1m]))
//   errors       sum by (instance) (rate({job="tikv",__name__=~"tikv_grpc_msg_fail_total|
//                  tikv_storage_engine_async_request_total",type!~"kv_gc|batch_commands",
//                  status=~"err_.*|"}[1m]))
//                (fail_total has no status label: "" matches the empty alternative)
//   p99          histogram_quantile(0.99, sum by (instance, le) (rate(
//                  tikv_grpc_msg_duration_seconds_bucket{job="tikv",type!~"..."}[1m])))
//   cpu          sum by (instance) (rate(process_cpu_seconds_total{job="tikv"}[1m]))
//   store_size   sum by (instance, type) (tikv_store_size_bytes{job="tikv",
//                  type=~"capacity|available|used"})
//   regions      sum by (instance, type) (tikv_raftstore_region_count{job="tikv",
//                  type=~"region|leader"})
//   slow_score   max by (instance) (tikv_raftstore_slow_score{job="tikv"})
//   write_stall  max by (instance) (tikv_engine_write_stall{job="tikv",type="write_stall_max"})
//   stall_micros sum by (instance) (rate(tikv_engine_stall_micro_seconds{job="tikv"}[1m]))
//   busy         sum by (instance) (rate(tikv_scheduler_too_busy_total{job="tikv"}[1m]))
//
// Failures are per query and partial results are kept: a query that fails leaves its fields
// empty and its status in PromCycle::queries. When Prometheus cannot be reached at all (a
// transport error, not an answer), the remaining queries are skipped instead of each waiting
// for its own timeout.
//
// A store without series (down, not scraped yet, or dropped by staleness) has no entry.
// Thread-safe if the querier is.
#ifndef OPS_SUBJECTS_TIKV_METRICS_PROMQL_SOURCE_H_
#define OPS_SUBJECTS_TIKV_METRICS_PROMQL_SOURCE_H_

#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "core/snapshot.h"
#include "subjects/tikv/metrics/instance_mapping.h"
#include "subjects/tikv/metrics/prometheus_client.h"
#include "subjects/tikv/metrics/rate_calculator.h"

namespace ops::tikv {

struct PromQlOptions {
  // Label matchers added to every query (PromQL syntax, no braces); empty for none.
  std::string selector = "job=\"tikv\"";
  std::string range = "1m";  // rate() window; at least 4 scrape intervals
  std::vector<std::string> excluded_grpc_types = {std::begin(kExcludedGrpcTypes),
                                                  std::end(kExcludedGrpcTypes)};
  double quantile = 0.99;
};

// What Prometheus says about one store. Empty fields: no series (or that query failed).
struct PromStoreMetrics {
  std::string store_id;
  std::string instance;
  std::optional<bool> scrape_up;  // Prometheus' last scrape of the store succeeded
  std::optional<double> ops_per_sec;
  std::optional<double> errors_per_sec;
  std::optional<double> p99_seconds;  // empty without traffic (histogram_quantile gives NaN)
  std::optional<double> cpu_cores;
  std::optional<double> capacity_bytes;
  std::optional<double> available_bytes;
  std::optional<double> used_bytes;
  std::optional<double> region_count;
  std::optional<double> leader_count;
  std::optional<double> slow_score;
  std::optional<double> write_stall_max_micros;
  std::optional<double> stall_micros_per_sec;
  std::optional<double> scheduler_busy_per_sec;

  // errors / ops clamped to [0, 1]; 0 without traffic.
  double ErrorRate() const;
  // write_stall_max > 0, stall micros or scheduler busy increasing.
  bool WriteStall() const;
  // Missing values become zero.
  core::Workload ToWorkload() const;
};

struct PromQueryStatus {
  std::string name;  // "ops", "p99", ...
  std::string promql;
  absl::Status status;
  int series = 0;  // series returned
  std::vector<std::string> warnings;
};

struct UnmappedInstance {
  std::string instance;
  std::string query;  // the first query it appeared in
  InstanceMapping mapping;
};

struct PromCycle {
  absl::Time evaluated_at;
  std::map<std::string, PromStoreMetrics> stores;  // by store id
  std::vector<PromQueryStatus> queries;            // in query order
  std::vector<UnmappedInstance> unmapped;          // each instance once

  int failed_queries() const;
  // OK when every query succeeded. Otherwise the first failure's code, with a message naming
  // every failed query; `stores` may still hold the other queries' results.
  absl::Status status() const;
};

struct NamedQuery {
  std::string name;
  std::string promql;
};

class PromQlSource {
 public:
  // `querier` must outlive the source.
  explicit PromQlSource(const PromQuerier* querier, PromQlOptions options = {});

  // The fixed query set, in the order Collect issues it.
  const std::vector<NamedQuery>& queries() const { return queries_; }

  // Runs every query evaluated at `at` and maps the series onto `stores`.
  PromCycle Collect(absl::Span<const StoreEndpoint> stores, absl::Time at) const;

 private:
  const PromQuerier* querier_;
  PromQlOptions options_;
  std::vector<NamedQuery> queries_;
};

// The query set for `options` (see the header comment).
std::vector<NamedQuery> BuildPromQueries(const PromQlOptions& options);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_PROMQL_SOURCE_H_
