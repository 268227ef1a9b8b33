// The TiKV invariant pack: pure checks over a core::Snapshot that the observer evaluates every
// cycle, each feeding a core::SignalTracker. Names are stable (they are part of fingerprints and
// ticket titles):
//
//   store_unreachable      status probe fails (refused at once, else `probe_failures` in a row)
//   store_disconnected     PD says Disconnected (no heartbeat for 20 s)
//   store_down             PD says Down (no heartbeat for max-store-down-time)
//   store_isolated         probe answers but PD's last heartbeat is older than heartbeat_stale
//   store_restarted        the observer saw the store's start time change
//   pd_member_unhealthy    a PD member fails PD's /health
//   pd_no_leader           PD members answer but none is leader
//   pd_leader_changed      the PD leader changed recently
//   regions_miss_peer, regions_down_peer, regions_pending_peer, regions_offline_peer
//   regions_leaderless     regions without a leader (sum of leaders below the region count)
//   store_p99_latency_high, store_error_rate_high, cluster_error_rate_high
//   throughput_dropped     cluster ops/s far below its own baseline
//   store_low_space        available below (1 - low-space-ratio) of capacity
//   store_slow             slow score at or above the threshold
//   store_write_stall      the store reports write stalls
//   store_hot              one store serves far more ops (or CPU) than the others
//   observer_blind         the observer cannot see PD at all
//
// Contract with the observer: while the snapshot is blind, evaluate only observer_blind and
// leave every other tracker untouched, so blindness neither fires nor resolves anything.
//
// Thread safety: the definitions are immutable; evaluate functions are pure and thread-safe.
#ifndef OPS_SUBJECTS_TIKV_INVARIANTS_INVARIANTS_H_
#define OPS_SUBJECTS_TIKV_INVARIANTS_INVARIANTS_H_

#include <string>
#include <vector>

#include "core/subject_adapter.h"
#include "subjects/tikv/invariants/thresholds.h"

namespace ops::tikv {

inline constexpr char kObserverBlind[] = "observer_blind";

// Every invariant of the pack, configured by `t`.
std::vector<core::InvariantDefinition> TikvInvariants(const Thresholds& t);

// Parts of the pack (invariants.cc assembles them).
std::vector<core::InvariantDefinition> StoreInvariants(const Thresholds& t);
std::vector<core::InvariantDefinition> ClusterInvariants(const Thresholds& t);

// The entity of a store ("store", id, {address}).
core::Entity StoreEntity(const core::StoreStatus& store);
// The entity of the whole cluster ("cluster", "").
core::Entity ClusterEntity();

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_INVARIANTS_INVARIANTS_H_
