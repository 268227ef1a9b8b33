#include "subjects/tikv/sim/pd/region_table.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"

namespace ops::sim {
namespace {

// splitmix64: a fast, well-mixed hash of (seed, index) so every derived value is reproducible.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, uint64_t i, uint64_t salt) {
  return Mix(Mix(seed * 0x100000001b3ull + salt) ^ i);
}

// Boundary key k (1 <= k < n) as upper-case hex of a TiDB record key: 't' + table id 10 in
// memcomparable form, "_r", then a row handle; fixed width so hex order equals numeric order.
std::string BoundaryKey(size_t k) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "7480000000000000FF0A5F72%016llX",
                static_cast<unsigned long long>(k) * 1000ull);
  return buf;
}

int FollowerSlot(const RegionRecord& r) {
  for (int s = static_cast<int>(r.peers.size()) - 1; s >= 0; --s) {
    if (r.peers[s].id != r.leader.id) return s;
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegionTable>> RegionTable::Build(const Options& o) {
  if (o.regions < 1) return absl::InvalidArgumentError("scale mode needs at least one region");
  if (o.placement_stores.size() < 4) {
    return absl::InvalidArgumentError("scale mode needs at least 4 stores that hold regions");
  }
  if (o.down_stores.empty() || o.offline_stores.empty()) {
    return absl::InvalidArgumentError("scale mode needs a Down and an Offline store");
  }
  uint64_t max_store = 0;
  for (const auto* v : {&o.placement_stores, &o.down_stores, &o.offline_stores}) {
    for (uint64_t s : *v) max_store = std::max(max_store, s);
  }
  if (max_store > std::numeric_limits<uint16_t>::max()) {
    return absl::InvalidArgumentError("scale mode supports store ids up to 65535");
  }
  auto t = std::unique_ptr<RegionTable>(new RegionTable());
  t->seed_ = o.seed;
  t->first_id_ = (max_store / 1000 + 1) * 1000;
  size_t n = static_cast<size_t>(o.regions);
  t->rows_.resize(n);
  const size_t m = o.placement_stores.size();
  for (size_t i = 0; i < n; ++i) {
    Row& row = t->rows_[i];
    uint64_t h = Hash(o.seed, i, 1);
    size_t a = h % m, b = (h >> 20) % m, c = (h >> 40) % m;
    while (b == a) b = (b + 1) % m;
    while (c == a || c == b) c = (c + 1) % m;
    row.store[0] = static_cast<uint16_t>(o.placement_stores[a]);
    row.store[1] = static_cast<uint16_t>(o.placement_stores[b]);
    row.store[2] = static_cast<uint16_t>(o.placement_stores[c]);
    row.leader = static_cast<uint8_t>(i % 3);
    row.exception = 0;
  }

  // Seed the check classes with distinct regions.
  size_t per_class = std::max<size_t>(1, static_cast<size_t>(static_cast<double>(n) *
                                                              o.check_fraction));
  per_class = std::min(per_class, n / 6);
  std::vector<size_t> picked;
  uint64_t draw = 0;
  while (picked.size() < per_class * 6) {
    size_t i = Hash(o.seed, draw++, 2) % n;
    if (t->rows_[i].exception) continue;
    t->rows_[i].exception = 1;
    picked.push_back(i);
  }
  for (size_t k = 0; k < picked.size(); ++k) {
    size_t i = picked[k];
    RegionRecord r = t->Plain(i);
    int slot = FollowerSlot(r);
    switch (k % 6) {
      case 0:  // miss-peer: a replica was removed and not yet replaced
        r.peers.erase(r.peers.begin() + slot);
        ++r.conf_ver;
        break;
      case 1: {  // extra-peer: a new replica was added before the old one left
        uint64_t s = o.placement_stores[Hash(o.seed, i, 3) % m];
        while (std::any_of(r.peers.begin(), r.peers.end(),
                           [&](const Peer& p) { return p.store_id == s; })) {
          s = o.placement_stores[(std::find(o.placement_stores.begin(),
                                            o.placement_stores.end(), s) -
                                  o.placement_stores.begin() + 1) % m];
        }
        r.peers.push_back({r.id + 4, s, false});
        ++r.conf_ver;
        break;
      }
      case 2:  // down-peer: a follower on a Down store
        r.peers[slot].store_id = o.down_stores[k / 6 % o.down_stores.size()];
        r.down_peers.push_back({r.peers[slot], 1800 + Hash(o.seed, i, 4) % 3600});
        break;
      case 3:  // pending-peer: a follower catching up by snapshot
        r.pending_peers.push_back(r.peers[slot]);
        break;
      case 4:  // offline-peer: a follower still on a store being taken offline
        r.peers[slot].store_id = o.offline_stores[k / 6 % o.offline_stores.size()];
        break;
      case 5:  // empty-region: left behind by a drop table
        r.approximate_size = 1;
        r.approximate_keys = 0;
        r.written_bytes = r.read_bytes = r.written_keys = r.read_keys = 0;
        break;
    }
    t->exceptions_[r.id] = std::move(r);
  }

  // Aggregates over every region, and the check index.
  for (size_t i = 0; i < n; ++i) {
    if (t->rows_[i].exception) continue;
    t->Account(t->Plain(i, /*with_keys=*/false));
  }
  for (const auto& [id, r] : t->exceptions_) {
    t->Account(r);
    auto add = [&](const char* check) {
      for (size_t c = 0; c < std::size(kRegionChecks); ++c) {
        if (absl::string_view(kRegionChecks[c]) == check) t->checks_[c].push_back(&r);
      }
    };
    if (r.peers.size() < 3) add("miss-peer");
    if (r.peers.size() > 3) add("extra-peer");
    if (!r.down_peers.empty()) add("down-peer");
    if (!r.pending_peers.empty()) add("pending-peer");
    if (std::any_of(r.peers.begin(), r.peers.end(), [](const Peer& p) { return p.is_learner; })) {
      add("learner-peer");
    }
    if (std::any_of(r.peers.begin(), r.peers.end(), [&](const Peer& p) {
          return std::find(o.offline_stores.begin(), o.offline_stores.end(), p.store_id) !=
                 o.offline_stores.end();
        })) {
      add("offline-peer");
    }
    if (r.approximate_size <= 1) add("empty-region");
  }
  return t;
}

void RegionTable::Account(const RegionRecord& r) {
  ++stats_.count;
  if (r.approximate_size <= 1) ++stats_.empty_count;
  stats_.storage_size += r.approximate_size;
  stats_.storage_keys += r.approximate_keys;
  for (const Peer& p : r.peers) {
    ClusterState::StoreCounts& c = counts_[p.store_id];
    ++c.region_count;
    c.region_size += r.approximate_size;
    if (p.is_learner) ++c.learner_count;
    ++stats_.peer_count[p.store_id];
    stats_.peer_size[p.store_id] += r.approximate_size;
    stats_.peer_keys[p.store_id] += r.approximate_keys;
  }
  if (r.leader.id != 0) {
    ClusterState::StoreCounts& c = counts_[r.leader.store_id];
    ++c.leader_count;
    c.leader_size += r.approximate_size;
    ++stats_.leader_count[r.leader.store_id];
    stats_.leader_size[r.leader.store_id] += r.approximate_size;
    stats_.leader_keys[r.leader.store_id] += r.approximate_keys;
  }
  for (const Peer& p : r.pending_peers) ++counts_[p.store_id].pending_peer_count;
}

std::string RegionTable::StartKey(size_t i) const { return i == 0 ? "" : BoundaryKey(i); }

std::string RegionTable::EndKey(size_t i) const {
  return i + 1 >= rows_.size() ? "" : BoundaryKey(i + 1);
}

RegionRecord RegionTable::Plain(size_t i, bool with_keys) const {
  const Row& row = rows_[i];
  RegionRecord r;
  r.id = first_id_ + 5 * i;
  if (with_keys) {
    r.start_key = StartKey(i);
    r.end_key = EndKey(i);
  }
  uint64_t h = Hash(seed_, i, 5);
  r.term = 6 + h % 4;
  r.conf_ver = 5 + (h >> 8) % 4;
  r.version = 2 + (h >> 16) % 300;
  r.peers.reserve(4);
  for (int s = 0; s < 3; ++s) r.peers.push_back({r.id + 1 + s, row.store[s], false});
  r.leader = r.peers[row.leader];
  // Region sizes between 20 and 100 MiB (split at 96 MiB) at ~10,000 keys per MiB.
  r.approximate_size = 20 + static_cast<int64_t>((h >> 24) % 81);
  r.approximate_keys = r.approximate_size * 10000 + static_cast<int64_t>((h >> 32) % 10000);
  // Most regions are idle; about 2% carry traffic in the last heartbeat interval.
  if ((h >> 44) % 50 == 0) {
    r.written_bytes = 4096 + (h >> 48) % (4 << 20);
    r.written_keys = r.written_bytes / 128;
    r.read_bytes = 8192 + (h >> 40) % (8 << 20);
    r.read_keys = r.read_bytes / 128;
  }
  return r;
}

RegionRecord RegionTable::At(size_t i) const {
  if (rows_[i].exception) return exceptions_.at(first_id_ + 5 * i);
  return Plain(i);
}

std::optional<size_t> RegionTable::IndexOf(uint64_t id) const {
  if (id < first_id_ || (id - first_id_) % 5 != 0) return std::nullopt;
  size_t i = (id - first_id_) / 5;
  if (i >= rows_.size()) return std::nullopt;
  return i;
}

size_t RegionTable::IndexOfKey(absl::string_view hex_key) const {
  // The last region whose start key is <= hex_key; region 0 starts at "".
  size_t lo = 0, hi = rows_.size();  // answer in [lo, hi)
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (absl::string_view(BoundaryKey(mid)) <= hex_key) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const std::vector<const RegionRecord*>& RegionTable::Check(absl::string_view check) const {
  static const std::vector<const RegionRecord*> kNone;
  for (size_t c = 0; c < std::size(kRegionChecks); ++c) {
    if (check == kRegionChecks[c]) return checks_[c];
  }
  return kNone;
}

ClusterState::StoreCounts RegionTable::CountsFor(uint64_t store_id) const {
  auto it = counts_.find(store_id);
  return it == counts_.end() ? ClusterState::StoreCounts{} : it->second;
}

}  // namespace ops::sim
