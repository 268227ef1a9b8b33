#include "subjects/tikv/sim/pd/scale_cluster.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/sim/pd/region_table.h"

namespace ops::sim {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
// A 3.84 TB NVMe drive as TiKV reports it (capacity in bytes).
constexpr uint64_t kCapacity = 3840755982336ull;

bool Contains(const std::vector<uint64_t>& v, uint64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

absl::Time HeartbeatAt(uint64_t id, absl::Time now) {
  // The latest time <= now that is id seconds (mod 10) past a 10 s boundary.
  int64_t phase_s = static_cast<int64_t>(id % 10);
  int64_t t = absl::ToUnixSeconds(now) - phase_s;
  int64_t last = t - ((t % 10) + 10) % 10 + phase_s;
  return absl::FromUnixSeconds(last);
}

}  // namespace

absl::StatusOr<ScaleLayout> BuildScaleCluster(const ScaleOptions& o, absl::Time now,
                                              ClusterState* state) {
  if (o.stores < 8) return absl::InvalidArgumentError("--scale-stores must be at least 8");
  ScaleLayout layout;
  layout.start = now;
  // Silent stores spread over the id range, chosen by the seed: 0.2% Disconnected and 0.2%
  // Down (at least one each), one Offline.
  int silent = std::max(1, o.stores / 500);
  uint64_t n = static_cast<uint64_t>(o.stores);
  uint64_t x = o.seed * 2654435761u + 17;
  auto pick = [&](std::vector<uint64_t>* out) {
    for (;;) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      uint64_t id = 1 + (x >> 33) % n;
      if (!Contains(layout.disconnected, id) && !Contains(layout.down, id) &&
          !Contains(layout.offline, id)) {
        out->push_back(id);
        return;
      }
    }
  };
  for (int i = 0; i < silent; ++i) pick(&layout.disconnected);
  for (int i = 0; i < silent; ++i) pick(&layout.down);
  pick(&layout.offline);

  RegionTable::Options to;
  to.regions = o.regions;
  to.seed = o.seed;
  to.check_fraction = o.check_fraction;
  to.down_stores = layout.down;
  to.offline_stores = layout.offline;
  for (uint64_t id = 1; id <= n; ++id) {
    if (!Contains(layout.down, id) && !Contains(layout.offline, id)) {
      to.placement_stores.push_back(id);
    }
  }
  auto table = RegionTable::Build(to);
  if (!table.ok()) return table.status();
  std::shared_ptr<const RegionTable> shared = std::move(*table);

  for (uint64_t id = 1; id <= n; ++id) {
    ClusterState::StoreCounts c = shared->CountsFor(id);
    StoreRecord s;
    s.id = id;
    s.address = absl::StrCat("127.0.0.1:", 30000 + 2 * id);
    s.peer_address = s.address;
    s.status_address = absl::StrCat("127.0.0.1:", 30001 + 2 * id);
    s.version = "8.5.7";
    s.git_hash = "3f446cfa9eb1d5c653031d261e185911495d0359";
    s.deploy_path = "/tidb-deploy/tikv-20160/bin";
    s.labels = {{"zone", absl::StrCat("z", id % 3)}, {"host", absl::StrCat("tikv-", id)}};
    s.start_timestamp = absl::ToUnixSeconds(now) - 7 * 86400 - static_cast<int64_t>(id * 37);
    s.capacity = kCapacity;
    // Raw region data is compressed by RocksDB (about 0.45 with lz4/zstd) plus 5 GiB of other
    // files (raft log, WAL).
    s.used_size = static_cast<uint64_t>(static_cast<double>(c.region_size * kMiB) * 0.45) +
                  (uint64_t{5} << 30);
    s.available = kCapacity - s.used_size - kCapacity / 20;
    s.region_count = static_cast<uint64_t>(c.region_count);
    s.leader_count = static_cast<uint64_t>(c.leader_count);
    s.slow_score = 1;
    if (Contains(layout.disconnected, id)) {
      s.last_heartbeat = now - absl::Seconds(25);
    } else if (Contains(layout.down, id)) {
      s.last_heartbeat = now - absl::Hours(2);
    } else {
      s.last_heartbeat = HeartbeatAt(id, now);
    }
    if (Contains(layout.offline, id)) {
      s.state = 1;
      s.node_state = 2;
    }
    state->PutStore(std::move(s));
  }
  state->AttachRegionTable(std::move(shared));
  return layout;
}

void RefreshScaleHeartbeats(const ScaleLayout& layout, absl::Time now, ClusterState* state) {
  for (const auto& [id, s] : state->stores()) {
    if (Contains(layout.disconnected, id) || Contains(layout.down, id)) continue;
    state->SetLastHeartbeat(id, HeartbeatAt(id, now));
  }
}

}  // namespace ops::sim
