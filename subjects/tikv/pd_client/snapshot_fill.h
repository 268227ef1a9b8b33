// Maps what PD said (a PdView from PdClient::Poll) onto the subject-agnostic
// ops::core::Snapshot: stores with a normalised StoreState, PD members with leader and health,
// region-health counts and the sources that could not be read. Pure; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_SNAPSHOT_FILL_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_SNAPSHOT_FILL_H_

#include "absl/strings/string_view.h"
#include "core/snapshot.h"
#include "subjects/tikv/pd_client/pd_types.h"

namespace ops::tikv {

// PD's state_name → StoreState: "Up", "Disconnected", "Down", "Offline", "Tombstone" (exact,
// as PD writes them); anything else is STORE_STATE_UNSPECIFIED (the raw name is kept in
// StoreStatus::state_name).
core::StoreState StoreStateFromName(absl::string_view state_name);

// One PD store as a core StoreStatus (id as decimal text; probe and workload left empty).
core::StoreStatus ToStoreStatus(const PdStore& store);

// Fills `snapshot` from `view`:
//   - stores: replaced by view.stores when present, keeping `probe` and `workload` of stores
//     already in the snapshot with the same id (so probes may be filled before or after);
//     left untouched when /stores failed.
//   - members: from view.members (is_leader by member id) with `healthy` from view.health; when
//     /health failed, a member counts as healthy if one of its client URLs answered this
//     client during the cycle. When /members failed, members come from /health (no leader).
//   - regions: total from /regions/count, each check count that was read (others keep their
//     value); `leaderless` is not something PD reports and is left alone.
//   - cluster: set to the cluster id (decimal) when empty and /members answered.
//   - visibility: every failed source is appended to unavailable_sources as "pd:<source>"
//     ("pd:/health"); blind is set when /stores failed, since the absence of store problems
//     then means nothing. last_full_view is not touched (the caller owns the clock).
void FillSnapshot(const PdView& view, core::Snapshot* snapshot);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_SNAPSHOT_FILL_H_
