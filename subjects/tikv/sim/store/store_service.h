// Everything one simulated TiKV store does, minus sockets and threads: region leadership
// (RaftCore), the in-memory KV API with real TiKV error texts, fault hooks, the /metrics text,
// PD heartbeat bodies and its log lines. Every call takes `now`, so tests drive it with a fake
// clock; the process (main.cc) wires it to HTTP servers, an HTTP client and a tick thread.
// Thread-safe (one mutex).
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_STORE_SERVICE_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_STORE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "subjects/tikv/sim/common/time_scale.h"
#include "subjects/tikv/sim/store/fault_set.h"
#include "subjects/tikv/sim/store/raft_core.h"
#include "subjects/tikv/sim/store/store_metrics.h"
#include "subjects/tikv/sim/store/store_state.h"

namespace ops::sim {

struct StoreConfig {
  std::string addr;         // data port host:port
  std::string status_addr;  // status port host:port
  std::string data_dir;
  std::string deploy_path;
  uint64_t capacity = 300ull << 30;
  TimeScale scale;
  uint64_t seed = 1;
};

struct HttpResult {
  int status = 200;
  std::string body;
  absl::Duration delay;  // the caller waits this long before answering (injected latency)
};

class StoreService {
 public:
  using LogSink = std::function<void(const LogEvent&)>;
  StoreService(StoreConfig config, StoreState state, LogSink sink, absl::Time now);

  // Data port.
  HttpResult HandleKv(absl::string_view op, const std::string& body, absl::Time now);
  HttpResult HandleRaft(const std::string& body, absl::Time now);
  // Control port.
  HttpResult HandleFaultPost(const std::string& body, absl::Time now);
  HttpResult HandleFaultDelete(absl::string_view kind, absl::Time now);
  HttpResult HandleFaultList(absl::Time now);

  // Raft tick: batches per peer store (empty when partitioned).
  std::map<uint64_t, std::vector<RaftMsg>> Tick(absl::Time now);
  std::map<uint64_t, std::vector<RaftMsg>> OnReplies(uint64_t from, const std::vector<RaftMsg>& r,
                                                     absl::Time now);
  // A batch to `store` could not be delivered; `connect_phase` picks the log text.
  void OnUnreachable(uint64_t store, const std::string& addr, bool connect_phase, absl::Time now);
  void OnReachable(uint64_t store);

  // PD heartbeats (docs/tikv-sim.md). `only_new` limits the region heartbeat to regions this
  // store just started leading (drained); otherwise all led regions.
  std::string StoreHeartbeatJson(absl::Time now);
  std::string RegionHeartbeatJson(bool only_new, absl::Time now, bool* empty);
  // Applies the schedule commands of a region heartbeat answer
  // ({"ok": true, "commands": [{"region_id": R, "transfer_leader": {"peer": {...}}}]}):
  // a transfer-leader makes this store's raft hand the region to that peer.
  void ApplyPdCommands(const std::string& answer, absl::Time now);
  // Records one PD request (tikv_pd_request_duration_seconds{type}) that took `wall` on the
  // wall clock, `injected` of it the network delay; recorded in cluster time (see .cc).
  void ObservePdRequest(const std::string& type, absl::Duration wall, absl::Duration injected);
  bool Partitioned(absl::Time now);
  bool LeadsAnyRegion();
  // The network_delay fault's delay on the wall clock: delay_ms x --time-scale (0 without it).
  absl::Duration NetworkDelay(absl::Time now);

  std::string RenderMetrics(absl::Time now);
  // Persisted state when it changed since the last call (false otherwise).
  bool TakeStateIfDirty(StoreState* out);
  uint64_t store_id() const { return state_.store_id; }
  std::map<uint64_t, std::string> store_addresses();

 private:
  void Log(std::string level, std::string source, std::string message, LogFields f = {});
  void FlushRaftLogs();
  void UpdateDisk(absl::Time now);
  double AvailableBytes(absl::Time now);
  absl::Duration NetworkDelayLocked(absl::Time now);
  HttpResult Error(int status, const std::string& kind, const std::string& message,
                   uint64_t region_id, uint64_t leader_store_id, absl::string_view type);

  std::mutex mu_;
  StoreConfig config_;
  StoreState state_;
  LogSink sink_;
  RaftCore raft_;
  FaultSet faults_;
  std::mt19937_64 rng_;
  absl::Time start_;
  absl::Time last_tick_;
  std::map<std::string, std::string> kv_;
  uint64_t kv_bytes_ = 0;
  std::map<std::string, Histo> grpc_;  // by type
  std::map<std::string, double> grpc_fail_;
  Histo append_{0.00001, 2, 26};
  Histo apply_{0.00001, 2, 26};
  std::map<std::string, Histo> pd_requests_;  // by type
  std::map<std::string, double> too_busy_;
  std::map<uint64_t, double> unreachable_;
  std::map<uint64_t, absl::Time> unreachable_logged_;
  double slow_score_ = 1;
  std::string disk_state_ = "Normal";
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_STORE_SERVICE_H_
