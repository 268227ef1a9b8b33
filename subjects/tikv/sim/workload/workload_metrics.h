// What the workload measures, the way a client sees it, served on /metrics in Prometheus text
// through the simulator's own writer (common/exposition.h, Go float style like go-ycsb):
//   workload_ops_total{type="read|write",result="ok|not_leader|..."}   counter
//   workload_op_duration_seconds{type}                                  histogram
//   workload_ops_per_second                          gauge (ok ops in the last full second)
//   workload_region_refresh_total                                       counter
// Time comes in as an argument. Thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_METRICS_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_METRICS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace ops::sim {

class WorkloadMetrics {
 public:
  WorkloadMetrics();
  void Record(const std::string& type, const std::string& result, absl::Duration latency,
              absl::Time now);
  void RecordRefresh();
  // ok ops completed in the last full one-second window before `now`.
  double OpsPerSecond(absl::Time now);
  uint64_t Count(const std::string& type, const std::string& result) const;
  std::string Render(absl::Time now);

 private:
  void RollLocked(absl::Time now);
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::map<std::pair<std::string, std::string>, uint64_t> ops_;
  struct Hist {
    std::vector<double> buckets;  // cumulative filled at render
    double sum = 0;
    uint64_t count = 0;
  };
  std::map<std::string, Hist> hist_;
  uint64_t refreshes_ = 0;
  int64_t window_second_ = 0;
  uint64_t window_ok_ = 0;
  uint64_t last_window_ok_ = 0;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_METRICS_H_
