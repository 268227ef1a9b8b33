// The supervisor daemon (`tikv-sim supervise --dir D`, started by `tikv-sim up`): reads
// <dir>/cluster.json, spawns PD members, then stores, then the workload, rewrites cluster.json
// with pids, serves the control endpoint (/sim/v1/faults, /sim/v1/cluster) on the spec's
// control port, reaps and logs children that die (no auto-restart), ticks fault TTLs, and on
// SIGTERM/SIGINT stops every child before exiting. Also the real ClusterActions (signals,
// restarts, detached SIGCONT watchdogs, PD leader lookup, fault forwarding over HTTP).
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_SUPERVISOR_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_SUPERVISOR_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "libs/http/server.h"
#include "subjects/tikv/sim/cluster/cluster_actions.h"
#include "subjects/tikv/sim/cluster/cluster_spec.h"
#include "subjects/tikv/sim/cluster/fault_engine.h"
#include "subjects/tikv/sim/cluster/process_table.h"

namespace ops::http {
class Client;
}

namespace ops::sim {

// Real side effects on the supervisor's children. `self_exe` is the tikv-sim binary (for
// `tikv-sim watchdog`).
class SupervisorActions : public ClusterActions {
 public:
  SupervisorActions(ProcessTable* table, const ClusterSpec* spec, std::string self_exe);
  ~SupervisorActions() override;
  absl::Status Kill(const std::string& name) override;
  absl::Status Restart(const std::string& name) override;
  absl::Status Pause(const std::string& name) override;
  absl::Status Resume(const std::string& name) override;
  absl::Status ArmResumeWatchdog(const std::string& name, absl::Time at) override;
  absl::StatusOr<std::string> PdLeader() override;
  absl::Status PostFault(const std::string& name, const std::string& kind,
                         const nlohmann::json& params, absl::Duration ttl) override;
  absl::Status DeleteFault(const std::string& name, const std::string& kind) override;

 private:
  absl::StatusOr<std::string> ControlUrl(const std::string& name) const;
  ProcessTable* table_;
  const ClusterSpec* spec_;
  std::string self_exe_;
  std::unique_ptr<http::Client> client_;
};

// Registers the supervisor's control routes on `server`. `mu` guards `engine`; `table` gives
// live pids for GET /sim/v1/cluster.
void RegisterControlRoutes(http::Server& server, std::mutex& mu, FaultEngine& engine,
                           const ClusterSpec& spec, const ProcessTable& table);

// Runs the supervisor until SIGTERM/SIGINT. The caller must have blocked SIGTERM and SIGINT in
// every thread (this waits for them with sigtimedwait). Returns an error when the spec cannot
// be read or the control port cannot be bound.
absl::Status RunSupervisor(const std::string& dir, const std::string& self_exe);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_SUPERVISOR_H_
