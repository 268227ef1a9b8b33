// The workload's view of the cluster, as a client's region cache: regions (key range, leader
// store) from PD's public GET /pd/api/v1/regions and store addresses from GET
// /pd/api/v1/stores. Locate(key) finds the region of a hex key. Pure; thread-compatible (the
// runner swaps whole tables under a lock).
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_REGION_TABLE_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_REGION_TABLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::sim {

struct RegionRoute {
  uint64_t id = 0;
  std::string start_key;         // hex, "" = -inf
  std::string end_key;           // hex, "" = +inf
  uint64_t leader_store_id = 0;  // 0 when PD knows no leader
};

class RegionTable {
 public:
  // Parses the bodies of GET /pd/api/v1/regions and /pd/api/v1/stores. INVALID_ARGUMENT for a
  // body that is not PD's shape.
  static absl::StatusOr<RegionTable> Parse(absl::string_view regions_json,
                                           absl::string_view stores_json);
  RegionTable() = default;
  RegionTable(std::vector<RegionRoute> regions, std::map<uint64_t, std::string> store_addrs);

  // The region containing `key` (hex, compared as upper-case hex strings); null when none.
  const RegionRoute* Locate(const std::string& key) const;
  // The data address ("127.0.0.1:20160") of a store; empty when unknown.
  std::string StoreAddress(uint64_t store_id) const;
  const std::vector<RegionRoute>& regions() const { return regions_; }
  // Ids of regions led by `store_id`.
  std::vector<const RegionRoute*> LedBy(uint64_t store_id) const;
  const RegionRoute* FindRegion(uint64_t id) const;

 private:
  std::vector<RegionRoute> regions_;  // ascending start_key
  std::map<uint64_t, std::string> store_addrs_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_REGION_TABLE_H_
