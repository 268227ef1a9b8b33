// MetricsCollector: per-store workload and state from metrics, in one of two modes:
//   - scrape (default): GET http://<status_address>/metrics of every store, parsed with
//     ParseStoreMetrics and turned into rates by one RateCalculator per store;
//   - Prometheus: a fixed set of batched PromQL queries per cycle (PromQlSource), each series
//     mapped to a store by its status address.
// Collect() runs one cycle over the given stores and returns what it learned per store id plus
// the sources it could not read. Stores it has no data for are simply absent.
//
// Thread safety: Collect from one thread at a time; it keeps per-store rate state.
#ifndef OPS_SUBJECTS_TIKV_ADAPTER_METRICS_COLLECTOR_H_
#define OPS_SUBJECTS_TIKV_ADAPTER_METRICS_COLLECTOR_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/snapshot.h"
#include "libs/http/client.h"
#include "subjects/tikv/metrics/prometheus_client.h"
#include "subjects/tikv/metrics/promql_source.h"
#include "subjects/tikv/metrics/rate_calculator.h"

namespace ops::tikv {

// What metrics say about one store.
struct StoreMetricsView {
  core::Workload workload;
  bool has_rates = false;
  std::optional<double> slow_score;
  std::optional<double> capacity_bytes;
  std::optional<double> available_bytes;
  std::optional<double> region_count;
  std::optional<double> leader_count;
  std::optional<absl::Time> start_time;  // process_start_time_seconds
};

struct MetricsCycle {
  std::map<std::string, StoreMetricsView> stores;  // by store id
  std::vector<std::string> errors;                 // "metrics:store 4: connection refused"
};

class MetricsCollector {
 public:
  struct Options {
    // Empty: scrape stores directly. Otherwise the Prometheus base URL.
    std::string prometheus_url;
    absl::Duration timeout = absl::Seconds(1);
    size_t max_body_bytes = 16 << 20;
    PromQlOptions promql;
  };

  // `client` must outlive the collector.
  static absl::StatusOr<std::unique_ptr<MetricsCollector>> Create(const http::Client* client,
                                                                  Options options);
  ~MetricsCollector();

  // One cycle over `stores` (id, address, status address).
  MetricsCycle Collect(const std::vector<core::StoreStatus>& stores, absl::Time now);

 private:
  MetricsCollector(const http::Client* client, Options options);
  MetricsCycle Scrape(const std::vector<core::StoreStatus>& stores, absl::Time now);
  MetricsCycle QueryPrometheus(const std::vector<core::StoreStatus>& stores, absl::Time now);

  const http::Client* const client_;
  const Options options_;
  std::map<std::string, RateCalculator> rates_;  // scrape mode, by store id
  std::unique_ptr<PrometheusClient> prometheus_;
  std::unique_ptr<PromQlSource> promql_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ADAPTER_METRICS_COLLECTOR_H_
