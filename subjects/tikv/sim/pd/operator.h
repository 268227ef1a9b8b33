// A PD schedule operator, as much of tikv/pd pkg/schedule/operator as tikv-sim needs: one
// transfer-leader step, a description (the scheduler's name), a brief, a kind, the region epoch,
// create/start times and a timeout. String() is PD's Operator.String(), which GET /operators
// returns (as JSON strings) and the "add operator" / "operator finish" log lines quote
// (reference/tikv.md sections 1.8 and 4.2):
//   balance-leader-scheduler {transfer leader: store 2 to 1} (kind:leader, region:14(3, 5),
//   createAt:2026-01-05 10:00:00.123 +0000 UTC m=+12.000000000, startAt:0001-01-01 00:00:00
//   +0000 UTC, currentStep:0, size:1, steps:[0:{transfer leader from store 2 to store 1}],
//   timeout:[1m0s])
// Value type; thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_OPERATOR_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_OPERATOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/time/time.h"

namespace ops::sim {

struct Operator {
  std::string desc;  // scheduler name, e.g. "balance-leader-scheduler"
  uint64_t region_id = 0;
  uint64_t version = 0, conf_ver = 0;  // region epoch when created
  uint64_t from_store = 0, to_store = 0;
  int64_t size_mib = 0;  // region approximate size
  absl::Time create_time = absl::InfinitePast();
  absl::Time start_time = absl::InfinitePast();  // InfinitePast: not started (Go zero time)
  // PD's step timeout for a transfer leader: fastStepWaitDuration = max(60 s, 0.6 s/MiB).
  // Shown in String() as the real value; enforced scaled by the controller.
  absl::Duration timeout = absl::Seconds(60);
  std::map<std::string, std::string> additional_info;
  bool finished = false;
  bool timed_out = false;

  std::string Brief() const;  // "transfer leader: store 2 to 1"
  std::string Step() const;   // "transfer leader from store 2 to store 1"
  // PD's Operator.String(); times in `tz` with Go's monotonic reading from `monotonic_base`.
  std::string String(absl::TimeZone tz, absl::Time monotonic_base) const;
  // op.LogAdditionalInfo(): the info map as compact JSON, "" when empty.
  std::string AdditionalInfoJson() const;
};

// A new transfer-leader operator (PD CreateTransferLeaderOperator, kind OpLeader).
Operator NewTransferLeaderOperator(std::string desc, uint64_t region_id, uint64_t version,
                                   uint64_t conf_ver, int64_t size_mib, uint64_t from_store,
                                   uint64_t to_store, absl::Time now);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_OPERATOR_H_
