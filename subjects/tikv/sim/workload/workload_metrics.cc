#include "subjects/tikv/sim/workload/workload_metrics.h"

#include "subjects/tikv/sim/common/exposition.h"

namespace ops::sim {

WorkloadMetrics::WorkloadMetrics() {
  // 0.5 ms .. ~8 s, doubling (like client-go's request duration buckets).
  for (double b = 0.0005; b < 10; b *= 2) bounds_.push_back(b);
}

void WorkloadMetrics::RollLocked(absl::Time now) {
  const int64_t second = absl::ToUnixSeconds(now);
  if (second == window_second_) return;
  last_window_ok_ = second == window_second_ + 1 ? window_ok_ : 0;
  window_second_ = second;
  window_ok_ = 0;
}

void WorkloadMetrics::Record(const std::string& type, const std::string& result,
                             absl::Duration latency, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  RollLocked(now);
  ++ops_[{type, result}];
  if (result == "ok") ++window_ok_;
  Hist& h = hist_[type];
  if (h.buckets.empty()) h.buckets.assign(bounds_.size(), 0);
  const double s = absl::ToDoubleSeconds(latency);
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (s <= bounds_[i]) {
      ++h.buckets[i];
      break;
    }
  }
  h.sum += s;
  ++h.count;
}

void WorkloadMetrics::RecordRefresh() {
  std::lock_guard<std::mutex> lock(mu_);
  ++refreshes_;
}

double WorkloadMetrics::OpsPerSecond(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  RollLocked(now);
  return static_cast<double>(last_window_ok_);
}

uint64_t WorkloadMetrics::Count(const std::string& type, const std::string& result) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ops_.find({type, result});
  return it == ops_.end() ? 0 : it->second;
}

std::string WorkloadMetrics::Render(absl::Time now) {
  const double rate = OpsPerSecond(now);
  std::lock_guard<std::mutex> lock(mu_);
  ExpositionWriter w(FloatStyle::kGo);
  w.Family("workload_ops_total", "Operations finished, by type and result.", "counter");
  for (const auto& [key, n] : ops_) {
    w.Sample("workload_ops_total", {{"result", key.second}, {"type", key.first}},
             static_cast<double>(n));
  }
  w.Family("workload_op_duration_seconds", "Operation latency as the client sees it.", "histogram");
  for (const auto& [type, h] : hist_) {
    std::vector<double> cumulative(bounds_.size());
    double acc = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) cumulative[i] = acc += h.buckets[i];
    w.Histogram("workload_op_duration_seconds", {{"type", type}}, bounds_, cumulative, h.sum,
                static_cast<double>(h.count));
  }
  w.Family("workload_ops_per_second", "Successful operations in the last full second.", "gauge");
  w.Sample("workload_ops_per_second", {}, rate);
  w.Family("workload_region_refresh_total", "Region table reloads from PD.", "counter");
  w.Sample("workload_region_refresh_total", {}, static_cast<double>(refreshes_));
  return w.Take();
}

}  // namespace ops::sim
