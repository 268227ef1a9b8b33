// What the observer takes from one PD member's /metrics body (its client URL): cluster and
// region health counts, whether this member leads, and PD's per-store scheduling view.
//
// Only the PD leader computes pd_cluster_status, pd_regions_status and
// pd_scheduler_store_status (followers expose none, or stale values), so read them from the
// leader's body; `IsLeader()` tells whether a body is the leader's.
//
// Versions differ: v5.3 has one unlabelled pd_cluster_status series per type (cluster totals);
// v6+ has one per store (`store`, `engine` labels). `cluster_status` holds the per-type sum
// either way and `cluster_status_by_store` the per-store values when labelled.
//
// Pure extraction over the text with the libs/prom visitor; missing families leave fields
// empty, never an error.
#ifndef OPS_SUBJECTS_TIKV_METRICS_PD_METRICS_SAMPLE_H_
#define OPS_SUBJECTS_TIKV_METRICS_PD_METRICS_SAMPLE_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/snapshot.h"

namespace ops::tikv {

// pd_scheduler_store_status of one store.
struct PdStoreSchedulingStatus {
  std::string address;                   // the store's data address, e.g. "tikv:20160"
  std::map<std::string, double> values;  // by type: region_count, leader_count, store_used, ...

  friend bool operator==(const PdStoreSchedulingStatus&, const PdStoreSchedulingStatus&) = default;
};

struct PdMetricsSample {
  // pd_cluster_status by type ("store_up_count", "region_count", "storage_size", ...), summed
  // over stores. Empty when the family is absent (a follower).
  std::map<std::string, double> cluster_status;
  // Per store id, by type; only for bodies whose series carry a `store` label (v6+).
  std::map<std::string, std::map<std::string, double>> cluster_status_by_store;
  // pd_regions_status by type ("miss-peer-region-count", ...).
  std::map<std::string, double> regions_status;
  // pd_scheduler_store_status by store id.
  std::map<std::string, PdStoreSchedulingStatus> store_status;

  std::optional<bool> etcd_is_leader;      // etcd_server_is_leader
  std::optional<bool> etcd_has_leader;     // etcd_server_has_leader
  std::optional<bool> member_role_leader;  // service_member_role{service="PD"} (v7+)
  std::optional<bool> tso_leader;          // pd_tso_role{dc="global"}
  std::optional<std::string> version;      // pd_server_info{version}

  // Whether this member is the PD leader: service_member_role, else etcd_server_is_leader,
  // else pd_tso_role; nullopt when none is exposed.
  std::optional<bool> IsLeader() const;

  // Value of pd_cluster_status / pd_regions_status `type`, nullopt when absent.
  std::optional<double> ClusterStatus(absl::string_view type) const;
  std::optional<double> RegionsStatus(absl::string_view type) const;

  friend bool operator==(const PdMetricsSample&, const PdMetricsSample&) = default;
};

// Extracts a sample from a PD /metrics body. INVALID_ARGUMENT naming the line when the body
// is not valid exposition text. Thread-safe.
absl::StatusOr<PdMetricsSample> ParsePdMetrics(absl::string_view text);

// Region health from pd_regions_status. `total` comes from pd_cluster_status region_count only
// when that series is cluster-wide (v5.3, no `store` label): v6+ counts region replicas per
// store, whose sum is not the region count, so total stays 0 there (take it from PD's API).
// `leaderless` is not exposed by PD metrics and stays 0.
core::RegionHealth ToRegionHealth(const PdMetricsSample& sample);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_PD_METRICS_SAMPLE_H_
