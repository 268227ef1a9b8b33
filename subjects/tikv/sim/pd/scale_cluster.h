// Scale mode of tikv-sim-pd (`--scale-stores N --scale-regions M`): a synthetic cluster of many stores
// and regions in one PD process, for observer benchmarks. Stores are Up with realistic stats
// except a few: Disconnected (silent since 25 s before start), Down (silent since 2 h before
// start, drained except for the down-peer regions) and one Offline store (draining, holding
// only the offline-peer regions). Regions come from a RegionTable (3 peers on distinct stores,
// leaders spread, a seeded fraction in each check class).
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_SCALE_CLUSTER_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_SCALE_CLUSTER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "subjects/tikv/sim/pd/cluster_state.h"

namespace ops::sim {

struct ScaleOptions {
  int stores = 1000;
  int64_t regions = 1000000;
  uint64_t seed = 1;
  double check_fraction = 0.0005;  // of regions, per check class
};

// Which stores are not plainly Up, and the heartbeat phase rule, for RefreshScaleHeartbeats.
struct ScaleLayout {
  std::vector<uint64_t> disconnected, down, offline;
  absl::Time start;
};

// Fills `state` (stores and an attached RegionTable). `now` is the start time. At least 8
// stores; INVALID_ARGUMENT otherwise. Not thread-safe with other users of `state`.
absl::StatusOr<ScaleLayout> BuildScaleCluster(const ScaleOptions& options, absl::Time now,
                                              ClusterState* state);

// Simulated store heartbeats: every store that is not Disconnected or Down heartbeats every 10 s
// (its phase set by its id), so its last heartbeat is at most 10 s old at `now`.
void RefreshScaleHeartbeats(const ScaleLayout& layout, absl::Time now, ClusterState* state);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_SCALE_CLUSTER_H_
