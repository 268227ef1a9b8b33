// The initial region layout of a fresh tikv-sim cluster, written by the supervisor as
// <dir>/store-N/bootstrap.json before a store's first start (docs/tikv-sim.md, "Initial region
// layout"). Regions split the workload's hashed keyspace evenly (workload/key_codec.h); each
// has 3 peers on 3 distinct stores, placed round-robin so every store holds the same number of
// peers (+-1), and leaders rotate so every store leads the same number of regions (+-1). Ids
// come from one allocator like PD's: stores 1..S, then each region id followed by its 3 peer
// ids. The seed picks the cluster id and the rotation offset; the same seed gives the same
// layout. Pure; thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_BOOTSTRAP_LAYOUT_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_BOOTSTRAP_LAYOUT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

// 64 regions: close to the ~60 regions per store of the real sample (../shared/data/pd/
// stores.json), enough for leader spread and quorum-loss blast radii, small enough for
// per-region heartbeats at --time-scale 0.05.
inline constexpr int kDefaultRegionCount = 64;

struct PeerLayout {
  uint64_t id = 0;
  uint64_t store_id = 0;
};

struct RegionLayout {
  uint64_t id = 0;
  std::string start_key;  // upper-case hex, "" = unbounded
  std::string end_key;
  uint64_t conf_ver = 5;
  uint64_t version = 1;
  std::vector<PeerLayout> peers;  // 3, on distinct stores, ascending peer id
  uint64_t leader_store_id = 0;
  uint64_t term = 5;
};

struct ClusterLayout {
  uint64_t cluster_id = 0;
  int store_count = 0;
  std::vector<RegionLayout> regions;  // ascending start key
  // Data-port addresses ("127.0.0.1:P") of the stores by id, when known (`tikv-sim up` fills
  // them from the cluster spec). Written to bootstrap.json as "stores" so stores reach each
  // other before PD is up; BuildLayout leaves it empty.
  std::map<uint64_t, std::string> store_addresses;

  // The regions with a peer on `store_id`.
  std::vector<const RegionLayout*> RegionsOnStore(uint64_t store_id) const;
  // The bootstrap.json document for store `store_id` (only its regions, and every store's
  // address when store_addresses is set).
  nlohmann::json BootstrapJson(uint64_t store_id) const;
};

// The cluster id for a seed: written to every store's bootstrap.json and handed to each PD
// member (--cluster-id), so stores and PD report the same id as in a real cluster.
uint64_t ClusterIdForSeed(uint64_t seed);

// Builds the layout. INVALID_ARGUMENT unless stores >= 3 and regions >= 1.
absl::StatusOr<ClusterLayout> BuildLayout(int stores, int regions, uint64_t seed);

// Writes <dir>/store-N/bootstrap.json for N = 1..store_count, creating the directories.
absl::Status WriteBootstrapFiles(const ClusterLayout& layout, const std::string& dir);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_BOOTSTRAP_LAYOUT_H_
