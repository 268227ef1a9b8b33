// The side effects a fault needs, behind one interface so the fault engine stays a pure state
// machine: the supervisor implements it with real signals, restarts and HTTP calls
// (supervisor_actions.h); tests record the calls. Implementations must be thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_ACTIONS_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_ACTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

class ClusterActions {
 public:
  virtual ~ClusterActions() = default;
  // SIGKILL the named process (e.g. "store-1"); FAILED_PRECONDITION when it is not running.
  virtual absl::Status Kill(const std::string& name) = 0;
  // Starts the named process again with the same argv and data dir (no-op when running).
  virtual absl::Status Restart(const std::string& name) = 0;
  // SIGSTOP / SIGCONT.
  virtual absl::Status Pause(const std::string& name) = 0;
  virtual absl::Status Resume(const std::string& name) = 0;
  // Arms a detached watchdog that sends SIGCONT to the process at `at`, even if the caller dies.
  virtual absl::Status ArmResumeWatchdog(const std::string& name, absl::Time at) = 0;
  // The name of the current PD leader member ("pd-2"); UNAVAILABLE when none is known.
  virtual absl::StatusOr<std::string> PdLeader() = 0;
  // POST /sim/v1/fault to the named process's control port; DELETE /sim/v1/fault/{kind}.
  virtual absl::Status PostFault(const std::string& name, const std::string& kind,
                                 const nlohmann::json& params, absl::Duration ttl) = 0;
  virtual absl::Status DeleteFault(const std::string& name, const std::string& kind) = 0;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_ACTIONS_H_
