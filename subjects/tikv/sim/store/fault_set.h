// The fault hooks a store enforces on itself (docs/tikv-sim.md "Fault hooks"): partition,
// slow_disk, network_delay, disk_full, write_stall, each with parameters and a TTL the store
// expires itself. Pure state keyed by time; thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_FAULT_SET_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_FAULT_SET_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::sim {

struct Fault {
  std::string kind;
  std::map<std::string, double> params;
  absl::Time expires_at;
};

class FaultSet {
 public:
  // Parses {"kind": K, "params": {...}, "ttl_ms": N}; INVALID_ARGUMENT for an unknown kind,
  // a missing/non-positive ttl_ms or non-numeric params. Replaces a fault of the same kind.
  absl::StatusOr<Fault> Add(absl::string_view json_body, absl::Time now);
  // NOT_FOUND when no such fault is active.
  absl::Status Remove(absl::string_view kind, absl::Time now);
  // The fault of that kind if active at `now` (expired ones are dropped).
  const Fault* Active(absl::string_view kind, absl::Time now);
  // Parameter of an active fault or `def`.
  double Param(absl::string_view kind, absl::string_view name, double def, absl::Time now);
  // JSON list {"faults": [{"kind":..,"params":..,"expires_at_unix_ms":..}]}.
  std::string ListJson(absl::Time now);

 private:
  void Expire(absl::Time now);
  std::map<std::string, Fault> faults_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_FAULT_SET_H_
