// The PD leader's view of the cluster: stores registered by store heartbeats and regions reported
// by region heartbeats (docs/tikv-sim.md, "Store -> PD"), plus every derived fact PD computes from
// them: state_name (Up / Disconnected / Down, Offline and Tombstone kept), slow and low-space
// stores, leader counts per store, and the region check sets (miss-peer, down-peer, ...), as in
// ../../../../../shared/reference/tikv.md section 1.3-1.4.
//
// A pure state class: time comes in as an argument, nothing is read from a clock, nothing is
// logged (callers log the events it returns). It serialises to JSON so the PD leader can
// replicate it to followers. Thread-compatible: callers hold their own lock.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_CLUSTER_STATE_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_CLUSTER_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

class RegionTable;

struct Peer {
  uint64_t id = 0;
  uint64_t store_id = 0;
  bool is_learner = false;
};

struct DownPeer {
  Peer peer;
  uint64_t down_seconds = 0;
};

struct StoreRecord {
  uint64_t id = 0;
  std::string address, status_address, peer_address, version, git_hash, deploy_path;
  int64_t start_timestamp = 0;  // unix seconds
  std::vector<std::pair<std::string, std::string>> labels;
  int state = 0;       // metapb.StoreState: 0 Up, 1 Offline, 2 Tombstone
  int node_state = 1;  // metapb.NodeState: 1 Serving
  bool physically_destroyed = false;
  // Stats from the last heartbeat.
  uint64_t capacity = 0, available = 0, used_size = 0;
  uint64_t region_count = 0, leader_count = 0;  // as reported by the store
  uint32_t sending_snap_count = 0, receiving_snap_count = 0;
  bool is_busy = false;
  uint64_t slow_score = 1;
  absl::Time last_heartbeat = absl::UnixEpoch();
};

struct RegionRecord {
  uint64_t id = 0;
  std::string start_key, end_key;  // upper-case hex, "" = unbounded
  uint64_t term = 0;
  uint64_t conf_ver = 0, version = 0;
  std::vector<Peer> peers;
  Peer leader;  // id 0: no leader
  std::vector<DownPeer> down_peers;
  std::vector<Peer> pending_peers;
  uint64_t written_bytes = 0, read_bytes = 0, written_keys = 0, read_keys = 0;
  int64_t approximate_size = 0, approximate_keys = 0;  // MiB, keys
  uint64_t cpu_usage = 0;
};

// A region's leader moved between stores (PD logs "leader changed" with store ids).
struct LeaderChange {
  uint64_t region_id = 0;
  uint64_t from_store = 0;
  uint64_t to_store = 0;
};

// Region check names as used in /regions/check/<name> and pd_regions_status.
inline constexpr const char* kRegionChecks[] = {"miss-peer",    "extra-peer",   "down-peer",
                                                "pending-peer", "offline-peer", "learner-peer",
                                                "empty-region"};

class ClusterState {
 public:
  struct Options {
    absl::Duration disconnect_after = absl::Seconds(20);  // storeDisconnectDuration (scaled)
    absl::Duration unhealthy_after = absl::Minutes(10);   // storeUnhealthyDuration (scaled)
    absl::Duration max_store_down_time = absl::Minutes(30);
    int max_replicas = 3;
    double low_space_ratio = 0.8;
    uint64_t slow_store_threshold = 80;
  };

  ClusterState() : ClusterState(Options{}) {}
  explicit ClusterState(Options options) : options_(options) {}

  // Applies a /sim/v1/store-heartbeat body. INVALID_ARGUMENT names the missing/bad field.
  // Returns true when the store was not known before.
  absl::StatusOr<bool> ApplyStoreHeartbeat(const nlohmann::json& body, absl::Time now);

  // Applies a /sim/v1/region-heartbeat body. A report whose term is lower than the one held for
  // that region is ignored (a stale leader's late report). Returns the leader changes.
  absl::StatusOr<std::vector<LeaderChange>> ApplyRegionHeartbeat(const nlohmann::json& body);

  // Derived facts.
  std::string StateName(const StoreRecord& s, absl::Time now) const;
  bool IsDisconnected(const StoreRecord& s, absl::Time now) const;
  bool IsDown(const StoreRecord& s, absl::Time now) const;
  bool IsUnhealthy(const StoreRecord& s, absl::Time now) const;
  bool IsSlow(const StoreRecord& s) const;
  bool IsLowSpace(const StoreRecord& s) const;
  // Whether region `r` belongs to check set `check` (one of kRegionChecks).
  bool InCheck(const RegionRecord& r, absl::string_view check) const;
  // Regions in a check set, by id. INVALID_ARGUMENT for an unknown check name.
  absl::StatusOr<std::vector<const RegionRecord*>> CheckRegions(absl::string_view check) const;

  struct StoreCounts {
    int64_t leader_count = 0, region_count = 0, learner_count = 0, pending_peer_count = 0;
    int64_t leader_size = 0, region_size = 0;  // MiB
  };
  // Counts computed from regions as PD does (leaders by region leader, peers by region peers).
  StoreCounts CountsFor(uint64_t store_id) const;

  const std::map<uint64_t, StoreRecord>& stores() const { return stores_; }
  // Regions reported by heartbeats (not the attached table's; see ForEachRegion).
  const std::map<uint64_t, RegionRecord>& regions() const { return regions_; }

  // Scale mode: serves the synthetic regions of `table` besides the reported ones. Counts,
  // checks and stats of the table are precomputed, so CountsFor and CheckRegions stay cheap.
  void AttachRegionTable(std::shared_ptr<const RegionTable> table) { table_ = std::move(table); }
  const RegionTable* region_table() const { return table_.get(); }
  // Every region: reported ones, then the table's (materialised one at a time, in key order).
  size_t RegionCount() const;
  void ForEachRegion(const std::function<void(const RegionRecord&)>& fn) const;
  std::optional<RegionRecord> FindRegion(uint64_t id) const;
  // PD's ScanRegions: regions from the one containing `start_hex` (or the next one after a
  // hole) while their start key is below `end_hex` ("" = no end), at most `limit` (<= 0: no
  // limit). Keys are upper-case hex of raw keys. With a table attached, scans the table.
  std::vector<RegionRecord> ScanRegions(absl::string_view start_hex, absl::string_view end_hex,
                                        int limit) const;
  const Options& options() const { return options_; }
  void set_max_store_down_time(absl::Duration d) { options_.max_store_down_time = d; }
  // Sets metapb state (0 Up, 1 Offline, 2 Tombstone) of a known store. NOT_FOUND otherwise.
  absl::Status SetStoreState(uint64_t store_id, int state);
  // Adds or replaces a store/region directly (scale mode, tests).
  void PutStore(StoreRecord s) { stores_[s.id] = std::move(s); }
  // Moves a known store's last heartbeat (scale mode's simulated heartbeats); no-op otherwise.
  void SetLastHeartbeat(uint64_t store_id, absl::Time t) {
    if (auto it = stores_.find(store_id); it != stores_.end()) it->second.last_heartbeat = t;
  }
  void PutRegion(RegionRecord r) { regions_[r.id] = std::move(r); }

  // Whole state for replication to followers, and back. FromJson replaces the state.
  nlohmann::json ToJson() const;
  absl::Status FromJson(const nlohmann::json& j);

 private:
  Options options_;
  std::map<uint64_t, StoreRecord> stores_;
  std::map<uint64_t, RegionRecord> regions_;
  std::shared_ptr<const RegionTable> table_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_CLUSTER_STATE_H_
