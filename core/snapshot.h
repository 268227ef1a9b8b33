// Plain domain types for what a cluster looks like at one instant: entities, stores,
// control-plane members, region health, workload and the observer's own visibility. They
// mirror ops.common.v1.ClusterSnapshot (see proto_conversion.h) and are filled by a subject
// adapter; nothing here is specific to one subject.
//
// Enums are the proto enums themselves (aliased), so there is one list of values to extend.
// All types are plain values: copyable, no invariants beyond those FromProto checks.
#ifndef OPS_CORE_SNAPSHOT_H_
#define OPS_CORE_SNAPSHOT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/fingerprint.h"
#include "ops/v1/common.pb.h"

namespace ops::core {

using Severity = ::ops::common::v1::Severity;
using StoreState = ::ops::common::v1::StoreState;

// A thing inside the observed system ("store" 4, "pd_member" pd-1, "cluster").
struct Entity {
  std::string kind;  // Required.
  std::string id;    // Empty for kind "cluster".
  Labels labels;

  friend bool operator==(const Entity&, const Entity&) = default;
};

// Operator's own probe of an endpoint.
struct ProbeResult {
  bool reachable = false;
  absl::Duration latency = absl::ZeroDuration();
  std::string error;
  std::optional<absl::Time> probed_at;
  uint32_t consecutive_failures = 0;  // Failed probes in a row, this one included.
  bool refused = false;               // The last failure was a refused connection.

  friend bool operator==(const ProbeResult&, const ProbeResult&) = default;
};

// Client-visible workload over the last sampling interval.
struct Workload {
  double ops_per_sec = 0;
  double errors_per_sec = 0;
  double error_rate = 0;  // 0..1
  absl::Duration p99_latency = absl::ZeroDuration();
  double cpu_cores = 0;
  bool write_stall = false;
  double baseline_ops_per_sec = 0;  // Observer's rolling baseline; 0 until known.

  friend bool operator==(const Workload&, const Workload&) = default;
};

// One store as the control plane and Operator's probes see it.
struct StoreStatus {
  std::string id;  // Required, unique within a snapshot.
  std::string address;
  std::string status_address;
  StoreState state = ::ops::common::v1::STORE_STATE_UNSPECIFIED;
  std::string state_name;  // Exactly as the control plane says it ("Disconnected").
  std::string version;
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> last_heartbeat;
  std::optional<absl::Time> restarted_at;  // A start-time change the observer witnessed.
  uint64_t capacity_bytes = 0;
  uint64_t available_bytes = 0;
  uint64_t used_bytes = 0;
  uint64_t leader_count = 0;
  uint64_t region_count = 0;
  double slow_score = 0;
  ProbeResult probe;
  Workload workload;
  Labels labels;

  friend bool operator==(const StoreStatus&, const StoreStatus&) = default;
};

// One control-plane (PD) member.
struct ControlPlaneMember {
  std::string name;  // Required, unique within a snapshot.
  std::string id;
  std::vector<std::string> client_urls;
  bool is_leader = false;
  bool healthy = false;

  friend bool operator==(const ControlPlaneMember&, const ControlPlaneMember&) = default;
};

// Counts of regions in unhealthy states.
struct RegionHealth {
  uint64_t total = 0;
  uint64_t miss_peer = 0;
  uint64_t down_peer = 0;
  uint64_t pending_peer = 0;
  uint64_t offline_peer = 0;
  uint64_t extra_peer = 0;
  uint64_t empty = 0;
  uint64_t leaderless = 0;

  friend bool operator==(const RegionHealth&, const RegionHealth&) = default;
};

// What the observer could see. `blind` means the control plane was unreachable: absence of
// problems then means nothing.
struct Visibility {
  bool blind = false;
  std::vector<std::string> unavailable_sources;
  std::optional<absl::Time> last_full_view;

  friend bool operator==(const Visibility&, const Visibility&) = default;
};

// A point-in-time picture of one cluster.
struct Snapshot {
  std::string subject;  // Required, e.g. "tikv".
  std::string cluster;
  absl::Time captured_at = absl::UnixEpoch();
  std::vector<StoreStatus> stores;
  std::vector<ControlPlaneMember> members;
  RegionHealth regions;
  Workload workload;
  Visibility visibility;
  // When the current control-plane leader was first seen as leader (after a change).
  std::optional<absl::Time> leader_since;
  // Control-plane settings in base units ("max_store_down_time_seconds", "low_space_ratio").
  std::map<std::string, double> settings;

  // Returns the store with `id`, or nullptr.
  const StoreStatus* FindStore(const std::string& id) const;
  // Returns the current control-plane leader, or nullptr when there is none.
  const ControlPlaneMember* Leader() const;

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

}  // namespace ops::core

#endif  // OPS_CORE_SNAPSHOT_H_
