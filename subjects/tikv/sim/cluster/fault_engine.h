// The supervisor's fault catalog (docs/tikv-sim.md, "Fault hooks"): validates a fault request,
// computes its blast radius, acts through ClusterActions, and keeps each fault's TTL, reverting
// it when it expires or on request. Process faults (store_kill, two_store_kill, pd_leader_kill,
// flapping_store, store_hang) are acted on here; store-internal faults (store_partition ->
// partition, slow_disk, network_delay, disk_full, write_stall) and hot_region are forwarded to
// the store's / workload's control port, which holds the TTL itself. Time comes in as an
// argument (`now`); Tick(now) drives expiry and the flapping schedule.
// Thread-compatible: the control service serialises calls with its own mutex.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_FAULT_ENGINE_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_FAULT_ENGINE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/cluster/bootstrap_layout.h"
#include "subjects/tikv/sim/cluster/cluster_actions.h"
#include "subjects/tikv/sim/cluster/cluster_spec.h"

namespace ops::sim {

struct FaultRecord {
  std::string id;  // "f-1", "f-2", ...
  std::string kind;
  std::string target;
  nlohmann::json params = nlohmann::json::object();
  absl::Duration ttl;
  absl::Time created;
  absl::Time expires;
  bool dry_run = false;
  std::string state;  // "active", "reverted", "expired", "dry_run", "failed"
  std::string error;  // why a revert failed, if it did
  // Blast radius.
  std::vector<std::string> processes;
  std::vector<uint64_t> regions;              // regions with a peer on an affected store
  std::vector<uint64_t> quorum_lost_regions;  // regions with >= 2 peers on affected stores
  // Flapping schedule.
  absl::Time next_action = absl::InfiniteFuture();
  bool flap_down = false;
};

class FaultEngine {
 public:
  // `actions` must outlive the engine.
  FaultEngine(ClusterSpec spec, ClusterLayout layout, ClusterActions* actions);

  // Parses and applies a request body (the JSON of POST /sim/v1/faults). INVALID_ARGUMENT for
  // a malformed body, unknown kind, bad TTL or params; NOT_FOUND for an unknown target;
  // FAILED_PRECONDITION when the target already has an active process fault; UNAVAILABLE when
  // an action fails (e.g. no PD leader, a control port not answering).
  absl::StatusOr<FaultRecord> Inject(const nlohmann::json& request, absl::Time now);
  // Reverts an active fault now. NOT_FOUND for an unknown id.
  absl::StatusOr<FaultRecord> Revert(const std::string& id, absl::Time now);
  // Expires faults whose TTL has passed and advances flapping schedules.
  void Tick(absl::Time now);
  // All faults, newest last (dry runs included).
  std::vector<FaultRecord> List() const;

  static nlohmann::json ToJson(const FaultRecord& record);

 private:
  absl::Status ResolveTargets(FaultRecord& record);
  absl::Status Apply(FaultRecord& record, absl::Time now);
  absl::Status Undo(FaultRecord& record);
  bool Busy(const std::string& process) const;

  ClusterSpec spec_;
  ClusterLayout layout_;
  ClusterActions* actions_;
  int next_id_ = 1;
  std::vector<FaultRecord> faults_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_FAULT_ENGINE_H_
