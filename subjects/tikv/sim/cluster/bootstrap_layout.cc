#include "subjects/tikv/sim/cluster/bootstrap_layout.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/sim/workload/key_codec.h"

namespace ops::sim {

std::vector<const RegionLayout*> ClusterLayout::RegionsOnStore(uint64_t store_id) const {
  std::vector<const RegionLayout*> out;
  for (const RegionLayout& r : regions) {
    for (const PeerLayout& p : r.peers) {
      if (p.store_id == store_id) out.push_back(&r);
    }
  }
  return out;
}

nlohmann::json ClusterLayout::BootstrapJson(uint64_t store_id) const {
  nlohmann::json regions_json = nlohmann::json::array();
  for (const RegionLayout* r : RegionsOnStore(store_id)) {
    nlohmann::json peers = nlohmann::json::array();
    for (const PeerLayout& p : r->peers) peers.push_back({{"id", p.id}, {"store_id", p.store_id}});
    regions_json.push_back({{"id", r->id},
                            {"start_key", r->start_key},
                            {"end_key", r->end_key},
                            {"epoch", {{"conf_ver", r->conf_ver}, {"version", r->version}}},
                            {"peers", peers},
                            {"leader_store_id", r->leader_store_id},
                            {"term", r->term}});
  }
  nlohmann::json j = {
      {"store_id", store_id}, {"cluster_id", cluster_id}, {"regions", regions_json}};
  if (!store_addresses.empty()) {
    nlohmann::json stores = nlohmann::json::array();
    for (const auto& [id, address] : store_addresses) {
      stores.push_back({{"id", id}, {"address", address}});
    }
    j["stores"] = stores;
  }
  return j;
}

uint64_t ClusterIdForSeed(uint64_t seed) {
  std::mt19937_64 rng(seed);
  // A 19-digit id like real PD's (7453512345678901234), below 2^63.
  return 7000000000000000000ULL + rng() % 2000000000000000000ULL;
}

absl::StatusOr<ClusterLayout> BuildLayout(int stores, int regions, uint64_t seed) {
  if (stores < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("a cluster needs at least 3 stores for 3 replicas, got ", stores));
  }
  if (regions < 1) {
    return absl::InvalidArgumentError(absl::StrCat("need at least 1 region, got ", regions));
  }
  std::mt19937_64 rng(seed);
  ClusterLayout layout;
  layout.store_count = stores;
  layout.cluster_id = ClusterIdForSeed(seed);
  rng();  // the draw ClusterIdForSeed made, so layouts stay what they were for each seed
  const int offset = static_cast<int>(rng() % stores);
  const std::vector<std::string> splits = EvenSplitKeys(regions);
  // Splitting one region into N bumps versions along a binary tree of depth ~log2(N).
  uint64_t version = 1;
  for (int n = regions; n > 1; n = (n + 1) / 2) ++version;
  uint64_t next_id = static_cast<uint64_t>(stores) + 1;
  for (int i = 0; i < regions; ++i) {
    RegionLayout r;
    r.id = next_id++;
    r.start_key = i == 0 ? "" : splits[i - 1];
    r.end_key = i == regions - 1 ? "" : splits[i];
    r.version = version;
    for (int k = 0; k < 3; ++k) {
      r.peers.push_back({next_id++, static_cast<uint64_t>((i + offset + k) % stores) + 1});
    }
    // Within every run of `stores` consecutive regions each store leads exactly one.
    r.leader_store_id = static_cast<uint64_t>((i + offset + (i / stores) % 3) % stores) + 1;
    layout.regions.push_back(std::move(r));
  }
  return layout;
}

absl::Status WriteBootstrapFiles(const ClusterLayout& layout, const std::string& dir) {
  for (int s = 1; s <= layout.store_count; ++s) {
    const std::filesystem::path store_dir = std::filesystem::path(dir) / absl::StrCat("store-", s);
    std::error_code ec;
    std::filesystem::create_directories(store_dir, ec);
    if (ec) {
      return absl::InternalError(
          absl::StrCat("cannot create ", store_dir.string(), ": ", ec.message()));
    }
    const std::filesystem::path file = store_dir / "bootstrap.json";
    std::ofstream out(file);
    out << layout.BootstrapJson(static_cast<uint64_t>(s)).dump(2) << "\n";
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", file.string()));
  }
  return absl::OkStatus();
}

}  // namespace ops::sim
