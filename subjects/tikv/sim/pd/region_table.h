// Synthetic regions for tikv-sim-pd's scale mode (`--scale-stores N --scale-regions M`): a
// million regions in a compact table of 8 bytes per region (three store ids and a leader slot);
// ids, keys, epochs, sizes and flows are pure functions of the region's index and the seed, and
// only the few regions seeded into a check class (miss-peer, extra-peer, down-peer, pending-peer,
// offline-peer, empty-region) are kept as full RegionRecords. Per-store counts, region stats and
// the check sets are computed once at Build(), so PD API answers never walk the table except
// for the full /regions list and key scans (which seek by binary search).
//
// Layout: region i has id first_region_id() + 5*i and peers id+1..id+4; its start key is the
// previous region's end key, region 0 starts at "" and the last one ends at "" (the whole key
// space is covered, in key order). Immutable after Build(); thread-safe for readers.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_REGION_TABLE_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_REGION_TABLE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "subjects/tikv/sim/pd/cluster_state.h"

namespace ops::sim {

class RegionTable {
 public:
  struct Options {
    int64_t regions = 0;
    uint64_t seed = 1;
    // Store ids that hold regions normally (Up, Disconnected). At least 4.
    std::vector<uint64_t> placement_stores;
    // Stores whose peers are reported down (Down stores), and Offline stores; drained except
    // for the down-peer / offline-peer regions. Each non-empty.
    std::vector<uint64_t> down_stores;
    std::vector<uint64_t> offline_stores;
    // Share of regions seeded into each check class (at least one region per class).
    double check_fraction = 0.0005;
  };

  // Aggregates PD's /stats/region reports over every region.
  struct Stats {
    int64_t count = 0, empty_count = 0, storage_size = 0, storage_keys = 0;
    std::map<uint64_t, int64_t> leader_count, peer_count, leader_size, leader_keys, peer_size,
        peer_keys;
  };

  // INVALID_ARGUMENT when the options cannot give 3 distinct stores per region or ids overflow.
  static absl::StatusOr<std::unique_ptr<RegionTable>> Build(const Options& options);

  size_t size() const { return rows_.size(); }
  uint64_t first_region_id() const { return first_id_; }
  // The region at index i (0 <= i < size()), materialised.
  RegionRecord At(size_t i) const;
  // Index of region `id`, if it is one of ours.
  std::optional<size_t> IndexOf(uint64_t id) const;
  // Index of the region whose [start, end) contains `hex_key` (upper-case hex; "" = first).
  size_t IndexOfKey(absl::string_view hex_key) const;
  std::string StartKey(size_t i) const;
  std::string EndKey(size_t i) const;

  // The regions of check class `check` (a kRegionChecks name), by id; empty for other names.
  const std::vector<const RegionRecord*>& Check(absl::string_view check) const;
  // Counts per store as PD derives them from regions; zeros for an unknown store.
  ClusterState::StoreCounts CountsFor(uint64_t store_id) const;
  const Stats& stats() const { return stats_; }

 private:
  struct Row {
    uint16_t store[3];
    uint8_t leader;     // peer slot of the leader
    uint8_t exception;  // 1: the full record is in exceptions_
  };
  static_assert(sizeof(Row) == 8);

  RegionTable() = default;
  RegionRecord Plain(size_t i, bool with_keys = true) const;
  void Account(const RegionRecord& r);

  uint64_t seed_ = 1;
  uint64_t first_id_ = 0;
  std::vector<Row> rows_;
  std::map<uint64_t, RegionRecord> exceptions_;  // by region id
  std::array<std::vector<const RegionRecord*>, std::size(kRegionChecks)> checks_;
  std::map<uint64_t, ClusterState::StoreCounts> counts_;
  Stats stats_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_REGION_TABLE_H_
