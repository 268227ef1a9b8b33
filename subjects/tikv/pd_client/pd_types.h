// Plain structs for what PD's HTTP API (/pd/api/v1, tikv.md §1) says, as the TiKV adapter's PD
// client parses it: stores, members, health, cluster status, the few config keys the operator
// needs, region counts and hotspots, and PdView, the result of one poll cycle. Values are
// already decoded (bytes, durations, times); fields PD omits (zero values) read as zero.
//
// Plain copyable values; no invariants.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_PD_TYPES_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_PD_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ops::tikv {

// One entry of GET /stores (or GET /store/{id}): `store` (metapb.Store + state_name) and
// `status` (StoreStatus) flattened.
struct PdStore {
  // store
  uint64_t id = 0;
  std::string address;
  std::string peer_address;
  std::string status_address;
  std::string version;
  std::string git_hash;
  std::string deploy_path;
  int state = 0;       // metapb.StoreState: 0 Up, 1 Offline, 2 Tombstone
  int node_state = 0;  // metapb.NodeState: 0 Preparing, 1 Serving, 2 Removing, 3 Removed
  // PD's computed name: "Up", "Disconnected", "Down", "Offline" or "Tombstone", as sent. When
  // absent, the name of `state`.
  std::string state_name;
  bool physically_destroyed = false;
  std::optional<absl::Time> start_timestamp;  // store.start_timestamp (unix seconds)
  std::optional<absl::Time> last_heartbeat;   // store.last_heartbeat (unix nanoseconds)
  std::vector<std::pair<std::string, std::string>> labels;  // in PD's order
  // status
  uint64_t capacity_bytes = 0;  // ByteSize strings: 4 significant digits (see go_values.h)
  uint64_t available_bytes = 0;
  uint64_t used_bytes = 0;
  uint64_t leader_count = 0;
  double leader_weight = 0;
  double leader_score = 0;
  int64_t leader_size_mib = 0;
  uint64_t region_count = 0;
  double region_weight = 0;
  double region_score = 0;
  int64_t region_size_mib = 0;
  uint64_t learner_count = 0;
  uint64_t witness_count = 0;
  uint64_t pending_peer_count = 0;
  uint64_t slow_score = 0;  // 1 healthy .. 100; PD calls >= 80 slow
  uint64_t sending_snap_count = 0;
  uint64_t receiving_snap_count = 0;
  bool is_busy = false;
  std::optional<absl::Time> start_ts;
  std::optional<absl::Time> last_heartbeat_ts;
  std::optional<absl::Duration> uptime;
};

// A pdpb.Member (GET /leader, entries of GET /members).
struct PdMember {
  std::string name;
  uint64_t member_id = 0;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  int64_t leader_priority = 0;
  std::string deploy_path;
  std::string binary_version;
  std::string git_hash;
  std::string dc_location;
};

// GET /members (pdpb.GetMembersResponse). `leader` is absent while PD has none.
struct PdMembers {
  uint64_t cluster_id = 0;
  std::vector<PdMember> members;
  std::optional<PdMember> leader;
  std::optional<PdMember> etcd_leader;
};

// One entry of GET /health.
struct PdMemberHealth {
  std::string name;
  uint64_t member_id = 0;
  std::vector<std::string> client_urls;
  bool health = false;
};

// GET /cluster/status.
struct PdClusterStatus {
  std::optional<absl::Time> raft_bootstrap_time;
  bool is_initialized = false;
  std::string replication_status;
};

// The keys of GET /config the operator reads. A key PD did not send keeps PD's v8.5 default
// (tikv.md §1.6), so consumers never need to know the defaults themselves.
struct PdConfig {
  absl::Duration max_store_down_time = absl::Minutes(30);
  absl::Duration max_store_preparing_time = absl::Hours(48);
  double low_space_ratio = 0.8;
  double high_space_ratio = 0.7;
  uint64_t leader_schedule_limit = 4;
  uint64_t region_schedule_limit = 2048;
  uint64_t replica_schedule_limit = 64;
  uint64_t max_replicas = 3;
  std::vector<std::string> location_labels;  // "zone,rack" split; empty when unset
  bool enable_placement_rules = true;
  std::string cluster_version;  // "" when absent
};

// GET /stats/region (statistics.RegionStats), the parts the operator reads.
struct PdRegionStats {
  uint64_t count = 0;
  uint64_t empty_count = 0;
  int64_t storage_size_mib = 0;
  int64_t storage_keys = 0;
  std::map<uint64_t, uint64_t> store_leader_count;  // store id → regions it leads
  std::map<uint64_t, uint64_t> store_peer_count;    // store id → peers it holds
};

// Per-store totals of GET /hotspot/regions/{read,write} (statistics.HotPeersStat).
struct PdHotPeers {
  double total_flow_bytes = 0;  // bytes/s summed over the store's hot peers
  double total_flow_keys = 0;
  double total_flow_query = 0;
  double store_bytes = 0;  // the store's whole flow as PD measured it
  double store_keys = 0;
  double store_query = 0;
  uint64_t regions_count = 0;  // hot peers on the store
};

struct PdHotspots {
  std::map<uint64_t, PdHotPeers> as_leader;  // store id → totals of the peers it leads
  std::map<uint64_t, PdHotPeers> as_peer;
};

// Counts of GET /regions/check/<name>; nullopt when that check was not fetched or failed.
struct PdRegionChecks {
  std::optional<uint64_t> miss_peer;
  std::optional<uint64_t> down_peer;
  std::optional<uint64_t> pending_peer;
  std::optional<uint64_t> offline_peer;
  std::optional<uint64_t> extra_peer;
  std::optional<uint64_t> empty_region;
};

// A source of one poll that failed: `source` is the API path without the /pd/api/v1 prefix
// ("/health", "/regions/check/down-peer"); `status` says why (UNAVAILABLE naming endpoints,
// DEADLINE_EXCEEDED, DATA_LOSS for garbage, OUT_OF_RANGE for an oversized body, ...).
struct PdSourceError {
  std::string source;
  absl::Status status;
};

// What one PdClient::Poll cycle got. Every source is optional: a failed /health does not hide
// /stores. `errors` lists the failed sources; a source absent without an error was not due in
// this cycle (config) or not enabled (hotspots).
struct PdView {
  std::optional<std::vector<PdStore>> stores;  // GET /stores (Up and Offline stores)
  std::optional<PdMembers> members;
  std::optional<std::vector<PdMemberHealth>> health;
  std::optional<PdClusterStatus> cluster_status;
  std::optional<uint64_t> region_count;  // GET /regions/count
  PdRegionChecks region_checks;
  // The latest config PD gave this client (possibly from an earlier cycle; see
  // `config_fetched_at`).
  std::optional<PdConfig> config;
  std::optional<absl::Time> config_fetched_at;
  std::optional<PdHotspots> hot_read;
  std::optional<PdHotspots> hot_write;
  std::vector<PdSourceError> errors;

  std::string leader_name;  // from /members; "" when PD has no leader or /members failed
  std::string leader_url;   // the leader's first client URL as PD advertises it
  std::string endpoint;     // the endpoint that answered this cycle's last request
  // Endpoints (normalised base URLs) that answered at least one request in this cycle.
  std::vector<std::string> answered_endpoints;
  int requests = 0;  // HTTP exchanges attempted in this cycle, failovers included
  absl::Time started = absl::InfinitePast();
  absl::Duration elapsed = absl::ZeroDuration();

  // The error of `source` ("/health"), or nullptr when it did not fail.
  const absl::Status* FailedSource(const std::string& source) const {
    for (const PdSourceError& e : errors) {
      if (e.source == source) return &e.status;
    }
    return nullptr;
  }
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_PD_TYPES_H_
