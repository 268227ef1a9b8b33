#include "subjects/tikv/adapter/metrics_collector.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/metrics/store_metrics_sample.h"

namespace ops::tikv {

absl::StatusOr<std::unique_ptr<MetricsCollector>> MetricsCollector::Create(
    const http::Client* client, Options options) {
  std::unique_ptr<MetricsCollector> c(new MetricsCollector(client, std::move(options)));
  if (!c->options_.prometheus_url.empty()) {
    absl::StatusOr<std::unique_ptr<PrometheusClient>> prom = PrometheusClient::Create(
        client, {.base_url = c->options_.prometheus_url, .timeout = c->options_.timeout});
    if (!prom.ok()) return prom.status();
    c->prometheus_ = *std::move(prom);
    c->promql_ = std::make_unique<PromQlSource>(c->prometheus_.get(), c->options_.promql);
  }
  return c;
}

MetricsCollector::MetricsCollector(const http::Client* client, Options options)
    : client_(client), options_(std::move(options)) {}

MetricsCollector::~MetricsCollector() = default;

MetricsCycle MetricsCollector::Collect(const std::vector<core::StoreStatus>& stores,
                                       absl::Time now) {
  return promql_ ? QueryPrometheus(stores, now) : Scrape(stores, now);
}

MetricsCycle MetricsCollector::Scrape(const std::vector<core::StoreStatus>& stores,
                                      absl::Time now) {
  MetricsCycle out;
  http::RequestOptions request;
  request.timeout = options_.timeout;
  request.max_response_bytes = options_.max_body_bytes;
  request.retry = http::RetryPolicy{.max_attempts = 1};
  std::map<std::string, RateCalculator> kept;
  for (const core::StoreStatus& s : stores) {
    if (s.status_address.empty()) continue;
    RateCalculator& rates = kept[s.id];
    if (auto it = rates_.find(s.id); it != rates_.end()) rates = std::move(it->second);
    absl::StatusOr<http::ClientResponse> r =
        client_->Get(absl::StrCat("http://", s.status_address, "/metrics"), request);
    if (!r.ok()) {
      out.errors.push_back(absl::StrCat("metrics:store ", s.id, ": ", r.status().message()));
      continue;
    }
    absl::StatusOr<StoreMetricsSample> sample = ParseStoreMetrics(r->body);
    if (!sample.ok()) {
      out.errors.push_back(absl::StrCat("metrics:store ", s.id, ": ", sample.status().message()));
      continue;
    }
    StoreMetricsView view;
    view.slow_score = sample->slow_score;
    view.capacity_bytes = sample->capacity_bytes;
    view.available_bytes = sample->available_bytes;
    view.region_count = sample->region_count;
    view.leader_count = sample->leader_count;
    if (sample->process_start_time_seconds) {
      view.start_time = absl::FromUnixSeconds(
          static_cast<int64_t>(*sample->process_start_time_seconds));
    }
    StoreRates store_rates = rates.Add(now, *std::move(sample));
    view.has_rates = store_rates.has_rates;
    view.workload = store_rates.ToWorkload();
    out.stores[s.id] = std::move(view);
  }
  rates_ = std::move(kept);  // forgets stores that left
  return out;
}

MetricsCycle MetricsCollector::QueryPrometheus(const std::vector<core::StoreStatus>& stores,
                                               absl::Time now) {
  MetricsCycle out;
  std::vector<StoreEndpoint> endpoints;
  for (const core::StoreStatus& s : stores) {
    endpoints.push_back({s.id, s.address, s.status_address});
  }
  PromCycle cycle = promql_->Collect(endpoints, now);
  for (const PromQueryStatus& q : cycle.queries) {
    if (!q.status.ok()) {
      out.errors.push_back(absl::StrCat("prometheus:", q.name, ": ", q.status.message()));
    }
  }
  for (const UnmappedInstance& u : cycle.unmapped) {
    out.errors.push_back(absl::StrCat("prometheus: instance ", u.instance,
                                      " matches no store's status address"));
  }
  for (auto& [id, m] : cycle.stores) {
    StoreMetricsView view;
    view.workload = m.ToWorkload();
    view.has_rates = m.ops_per_sec.has_value();
    view.slow_score = m.slow_score;
    view.capacity_bytes = m.capacity_bytes;
    view.available_bytes = m.available_bytes;
    view.region_count = m.region_count;
    view.leader_count = m.leader_count;
    out.stores[id] = std::move(view);
  }
  return out;
}

}  // namespace ops::tikv
