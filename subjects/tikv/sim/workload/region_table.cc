#include "subjects/tikv/sim/workload/region_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

RegionTable::RegionTable(std::vector<RegionRoute> regions,
                         std::map<uint64_t, std::string> store_addrs)
    : regions_(std::move(regions)), store_addrs_(std::move(store_addrs)) {
  std::sort(regions_.begin(), regions_.end(),
            [](const RegionRoute& a, const RegionRoute& b) { return a.start_key < b.start_key; });
}

absl::StatusOr<RegionTable> RegionTable::Parse(absl::string_view regions_json,
                                               absl::string_view stores_json) {
  try {
    std::vector<RegionRoute> regions;
    nlohmann::json r = nlohmann::json::parse(regions_json);
    if (!r.contains("regions"))
      return absl::InvalidArgumentError("regions body has no \"regions\"");
    if (!r["regions"].is_null()) {
      for (const nlohmann::json& reg : r.at("regions")) {
        RegionRoute route;
        route.id = reg.at("id").get<uint64_t>();
        route.start_key = reg.value("start_key", "");
        route.end_key = reg.value("end_key", "");
        if (reg.contains("leader") && reg["leader"].contains("store_id")) {
          route.leader_store_id = reg["leader"]["store_id"].get<uint64_t>();
        }
        regions.push_back(std::move(route));
      }
    }
    std::map<uint64_t, std::string> addrs;
    nlohmann::json s = nlohmann::json::parse(stores_json);
    if (!s.contains("stores")) return absl::InvalidArgumentError("stores body has no \"stores\"");
    if (!s["stores"].is_null()) {
      for (const nlohmann::json& st : s.at("stores")) {
        const nlohmann::json& meta = st.at("store");
        addrs[meta.at("id").get<uint64_t>()] = meta.value("address", "");
      }
    }
    return RegionTable(std::move(regions), std::move(addrs));
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("unexpected PD response: ", e.what()));
  }
}

const RegionRoute* RegionTable::Locate(const std::string& key) const {
  // Last region whose start_key <= key.
  auto it =
      std::upper_bound(regions_.begin(), regions_.end(), key,
                       [](const std::string& k, const RegionRoute& r) { return k < r.start_key; });
  if (it == regions_.begin()) return nullptr;
  --it;
  if (!it->end_key.empty() && key >= it->end_key) return nullptr;
  return &*it;
}

std::string RegionTable::StoreAddress(uint64_t store_id) const {
  auto it = store_addrs_.find(store_id);
  return it == store_addrs_.end() ? "" : it->second;
}

std::vector<const RegionRoute*> RegionTable::LedBy(uint64_t store_id) const {
  std::vector<const RegionRoute*> out;
  for (const RegionRoute& r : regions_) {
    if (r.leader_store_id == store_id) out.push_back(&r);
  }
  return out;
}

const RegionRoute* RegionTable::FindRegion(uint64_t id) const {
  for (const RegionRoute& r : regions_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace ops::sim
