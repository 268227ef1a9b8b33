// The simulated TiKV store's /metrics body (status port), rendered in rust-prometheus's text
// format from a snapshot of the store's counters. Family names, HELP/TYPE and label sets follow
// the real v5.3.0 dump (../shared/data/metrics) and reference/tikv.md section 2; the contract
// tests in store_metrics_test.cc and tests/prometheus/ hold it to that.
//
//   StoreMetricsSnapshot s;  // filled under the StoreService lock
//   std::string body = RenderStoreMetrics(s);
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_STORE_METRICS_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_STORE_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ops::sim {

// An exponential-bucket histogram (per-bucket counts, not cumulative).
class Histo {
 public:
  Histo(double start, double factor, int n);
  // Explicit upper bounds, ascending (+Inf implied).
  explicit Histo(std::vector<double> upper_bounds);
  // Prometheus' default buckets (.005 ... 10), as rust-prometheus' DEFAULT_BUCKETS.
  static Histo DefaultBuckets();
  void Observe(double v);
  std::vector<double> bounds;
  std::vector<double> counts;  // per bucket, not cumulative
  double sum = 0;
  double count = 0;
};

// Everything the /metrics body shows, copied out of the store's state.
struct StoreMetricsSnapshot {
  std::map<std::string, Histo> grpc;  // by gRPC type
  std::map<std::string, double> grpc_fail;
  uint64_t region_count = 0;
  uint64_t leader_count = 0;
  uint64_t leader_missing = 0;
  double capacity = 0;
  double available = 0;
  uint64_t kv_bytes = 0;
  double slow_score = 1;
  bool network_delay = false;
  bool write_stall = false;
  double l0_files = 2;
  std::map<std::string, double> too_busy;
  std::map<std::string, Histo> pd_requests;  // by PD request type
  Histo append{0.00001, 2, 26};
  Histo apply{0.00001, 2, 26};
  std::map<uint64_t, double> unreachable;  // by peer store id
  absl::Time start;                        // process start
};

// Renders the exposition text.
std::string RenderStoreMetrics(const StoreMetricsSnapshot& s);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_STORE_METRICS_H_
