// PD's /metrics body (Go float style) from a ClusterState: pd_cluster_status per store with the
// real priority rule (each store counts in exactly one of down > unhealth > disconnected > slow >
// up), pd_regions_status, pd_scheduler_store_status, etcd_server_is_leader/has_leader,
// service_member_role, pd_tso_events and process_* like Go's process collector
// (../../../../../shared/reference/tikv.md section 2.2). Only the leader renders
// pd_cluster_status / pd_regions_status / pd_scheduler_store_status. Pure; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_METRICS_RENDER_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_METRICS_RENDER_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "subjects/tikv/sim/pd/cluster_state.h"

namespace ops::sim {

struct PdMetricsInput {
  bool is_leader = false;
  bool has_leader = false;
  uint64_t tso_save_events = 0;  // times this member became leader
  absl::Time process_start = absl::UnixEpoch();
  bool include_process = true;  // reads /proc/self; tests turn it off
};

std::string RenderPdMetrics(const ClusterState& state, absl::Time now, const PdMetricsInput& in);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_METRICS_RENDER_H_
