// Runs the workload: worker threads draw keys (zipfian or uniform over --keys key indexes,
// hashed onto the keyspace), pace themselves with a shared rate limiter, send reads/writes
// through KvClient, and record WorkloadMetrics; a refresher thread reloads the region table
// from PD periodically and whenever an operation says it is stale. The hot_region fault
// (SetHotSpot) sends a fraction of operations to one region or to the regions one store leads.
// Start/Stop from one thread; the rest is thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_RUNNER_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_RUNNER_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/workload/kv_client.h"
#include "subjects/tikv/sim/workload/rate_limiter.h"
#include "subjects/tikv/sim/workload/region_table.h"
#include "subjects/tikv/sim/workload/workload_metrics.h"

namespace ops::http {
class Client;
}

namespace ops::sim {

struct WorkloadOptions {
  std::vector<std::string> pd_endpoints;  // "http://127.0.0.1:2379"
  double rate = 2000;
  double read_ratio = 0.5;  // YCSB workload A: 50% reads, 50% updates
  uint64_t keys = 100000;
  bool zipfian = true;
  uint64_t seed = 1;
  int concurrency = 8;
  double time_scale = 1.0;
};

struct HotSpot {
  uint64_t store_id = 0;
  uint64_t region_id = 0;
  double fraction = 0;
  absl::Time expires = absl::InfinitePast();
};

class WorkloadRunner {
 public:
  WorkloadRunner(WorkloadOptions options, WorkloadMetrics* metrics);
  ~WorkloadRunner();
  void Start();
  void Stop();

  // hot_region: params {"store_id": S} or {"region_id": R}, optional "fraction" (default 0.9).
  // INVALID_ARGUMENT for bad params or ttl.
  absl::StatusOr<absl::Time> SetHotSpot(const nlohmann::json& params, absl::Duration ttl,
                                        absl::Time now);
  void ClearHotSpot();
  nlohmann::json HotSpotJson(absl::Time now);

 private:
  class HttpTransport;
  void Worker(int index);
  void Refresher();
  absl::Status Refresh();
  std::shared_ptr<const RegionTable> Table();
  std::string PickHotKey(const RegionTable& table, const HotSpot& hot, uint64_t random);

  WorkloadOptions options_;
  WorkloadMetrics* metrics_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<KvClient> kv_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool refresh_wanted_ = false;
  RateLimiter limiter_;
  std::shared_ptr<const RegionTable> table_;
  HotSpot hot_;
  std::vector<std::thread> threads_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_WORKLOAD_RUNNER_H_
