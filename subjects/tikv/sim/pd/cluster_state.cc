#include "subjects/tikv/sim/pd/cluster_state.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/sim/pd/region_table.h"

namespace ops::sim {
namespace {

using json = nlohmann::json;

// Region and peer JSON use the internal protocol's shape (docs/tikv-sim.md); exceptions from
// nlohmann are caught by the callers and mapped to INVALID_ARGUMENT.
Peer PeerFromJson(const json& j) {
  Peer p;
  p.id = j.at("id").get<uint64_t>();
  p.store_id = j.at("store_id").get<uint64_t>();
  p.is_learner = j.value("is_learner", false);
  return p;
}

json PeerToJson(const Peer& p) {
  json j = {{"id", p.id}, {"store_id", p.store_id}};
  if (p.is_learner) j["is_learner"] = true;
  return j;
}

RegionRecord RegionFromJson(const json& j) {
  RegionRecord r;
  r.id = j.at("id").get<uint64_t>();
  r.start_key = j.value("start_key", "");
  r.end_key = j.value("end_key", "");
  r.term = j.value("term", uint64_t{0});
  if (j.contains("epoch")) {
    r.conf_ver = j["epoch"].value("conf_ver", uint64_t{0});
    r.version = j["epoch"].value("version", uint64_t{0});
  }
  for (const auto& p : j.value("peers", json::array())) r.peers.push_back(PeerFromJson(p));
  if (j.contains("leader") && !j["leader"].is_null()) r.leader = PeerFromJson(j["leader"]);
  for (const auto& d : j.value("down_peers", json::array())) {
    r.down_peers.push_back({PeerFromJson(d.at("peer")), d.value("down_seconds", uint64_t{0})});
  }
  for (const auto& p : j.value("pending_peers", json::array())) {
    r.pending_peers.push_back(PeerFromJson(p));
  }
  r.written_bytes = j.value("written_bytes", uint64_t{0});
  r.read_bytes = j.value("read_bytes", uint64_t{0});
  r.written_keys = j.value("written_keys", uint64_t{0});
  r.read_keys = j.value("read_keys", uint64_t{0});
  r.approximate_size = j.value("approximate_size", int64_t{0});
  r.approximate_keys = j.value("approximate_keys", int64_t{0});
  r.cpu_usage = j.value("cpu_usage", uint64_t{0});
  return r;
}

json RegionToJson(const RegionRecord& r) {
  json j = {{"id", r.id},
            {"start_key", r.start_key},
            {"end_key", r.end_key},
            {"term", r.term},
            {"epoch", {{"conf_ver", r.conf_ver}, {"version", r.version}}},
            {"peers", json::array()},
            {"down_peers", json::array()},
            {"pending_peers", json::array()},
            {"written_bytes", r.written_bytes},
            {"read_bytes", r.read_bytes},
            {"written_keys", r.written_keys},
            {"read_keys", r.read_keys},
            {"approximate_size", r.approximate_size},
            {"approximate_keys", r.approximate_keys},
            {"cpu_usage", r.cpu_usage}};
  for (const auto& p : r.peers) j["peers"].push_back(PeerToJson(p));
  if (r.leader.id != 0) j["leader"] = PeerToJson(r.leader);
  for (const auto& d : r.down_peers) {
    j["down_peers"].push_back({{"peer", PeerToJson(d.peer)}, {"down_seconds", d.down_seconds}});
  }
  for (const auto& p : r.pending_peers) j["pending_peers"].push_back(PeerToJson(p));
  return j;
}

void StoreMetaFromJson(const json& m, StoreRecord* s) {
  s->id = m.at("id").get<uint64_t>();
  if (s->id == 0) throw std::invalid_argument("store.id must be > 0");
  s->address = m.at("address").get<std::string>();
  s->status_address = m.value("status_address", "");
  s->peer_address = m.value("peer_address", "");
  s->version = m.value("version", "");
  s->git_hash = m.value("git_hash", "");
  s->deploy_path = m.value("deploy_path", "");
  s->start_timestamp = m.value("start_timestamp", int64_t{0});
  s->labels.clear();
  for (const auto& l : m.value("labels", json::array())) {
    s->labels.emplace_back(l.at("key").get<std::string>(), l.at("value").get<std::string>());
  }
}

void StoreStatsFromJson(const json& st, StoreRecord* s) {
  s->capacity = st.at("capacity").get<uint64_t>();
  s->available = st.at("available").get<uint64_t>();
  s->used_size = st.value("used_size", uint64_t{0});
  s->region_count = st.value("region_count", uint64_t{0});
  s->leader_count = st.value("leader_count", uint64_t{0});
  s->sending_snap_count = st.value("sending_snap_count", uint32_t{0});
  s->receiving_snap_count = st.value("receiving_snap_count", uint32_t{0});
  s->is_busy = st.value("is_busy", false);
  s->slow_score = st.value("slow_score", uint64_t{1});
}

json StoreToJson(const StoreRecord& s) {
  json labels = json::array();
  for (const auto& [k, v] : s.labels) labels.push_back({{"key", k}, {"value", v}});
  return {{"store",
           {{"id", s.id},
            {"address", s.address},
            {"status_address", s.status_address},
            {"peer_address", s.peer_address},
            {"version", s.version},
            {"git_hash", s.git_hash},
            {"deploy_path", s.deploy_path},
            {"start_timestamp", s.start_timestamp},
            {"labels", labels}}},
          {"stats",
           {{"capacity", s.capacity},
            {"available", s.available},
            {"used_size", s.used_size},
            {"region_count", s.region_count},
            {"leader_count", s.leader_count},
            {"sending_snap_count", s.sending_snap_count},
            {"receiving_snap_count", s.receiving_snap_count},
            {"is_busy", s.is_busy},
            {"slow_score", s.slow_score}}},
          {"state", s.state},
          {"node_state", s.node_state},
          {"physically_destroyed", s.physically_destroyed},
          {"last_heartbeat_unix_ns", absl::ToUnixNanos(s.last_heartbeat)}};
}

}  // namespace

absl::StatusOr<bool> ClusterState::ApplyStoreHeartbeat(const json& body, absl::Time now) {
  StoreRecord incoming;
  try {
    StoreMetaFromJson(body.at("store"), &incoming);
    StoreStatsFromJson(body.at("stats"), &incoming);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad store heartbeat: ", e.what()));
  }
  auto it = stores_.find(incoming.id);
  bool is_new = it == stores_.end();
  if (!is_new) {
    if (it->second.state == 2) {
      return absl::FailedPreconditionError(
          absl::StrCat("[PD:core:ErrStoreRemoved]store ", incoming.id, " has been removed"));
    }
    incoming.state = it->second.state;
    incoming.node_state = it->second.node_state;
    incoming.physically_destroyed = it->second.physically_destroyed;
  }
  incoming.last_heartbeat = now;
  stores_[incoming.id] = std::move(incoming);
  return is_new;
}

absl::StatusOr<std::vector<LeaderChange>> ClusterState::ApplyRegionHeartbeat(const json& body) {
  std::vector<RegionRecord> incoming;
  try {
    for (const auto& r : body.at("regions")) incoming.push_back(RegionFromJson(r));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad region heartbeat: ", e.what()));
  }
  std::vector<LeaderChange> changes;
  for (auto& r : incoming) {
    auto it = regions_.find(r.id);
    if (it != regions_.end()) {
      if (r.term < it->second.term) continue;  // stale leader's late report
      if (it->second.leader.store_id != r.leader.store_id) {
        changes.push_back({r.id, it->second.leader.store_id, r.leader.store_id});
      }
    }
    regions_[r.id] = std::move(r);
  }
  return changes;
}

bool ClusterState::IsDisconnected(const StoreRecord& s, absl::Time now) const {
  return now - s.last_heartbeat > options_.disconnect_after;
}

bool ClusterState::IsDown(const StoreRecord& s, absl::Time now) const {
  return now - s.last_heartbeat >= options_.max_store_down_time;
}

bool ClusterState::IsUnhealthy(const StoreRecord& s, absl::Time now) const {
  return now - s.last_heartbeat > options_.unhealthy_after;
}

std::string ClusterState::StateName(const StoreRecord& s, absl::Time now) const {
  if (s.state == 1) return "Offline";
  if (s.state == 2) return "Tombstone";
  if (IsDown(s, now)) return "Down";
  if (IsDisconnected(s, now)) return "Disconnected";
  return "Up";
}

bool ClusterState::IsSlow(const StoreRecord& s) const {
  return s.slow_score >= options_.slow_store_threshold;
}

bool ClusterState::IsLowSpace(const StoreRecord& s) const {
  if (s.capacity == 0) return false;
  constexpr uint64_t kEightGiB = uint64_t{8} << 30;
  if (s.region_count < 100 && s.available > kEightGiB) return false;
  return static_cast<double>(s.available) / static_cast<double>(s.capacity) <
         1.0 - options_.low_space_ratio;
}

bool ClusterState::InCheck(const RegionRecord& r, absl::string_view check) const {
  if (check == "miss-peer") return static_cast<int>(r.peers.size()) < options_.max_replicas;
  if (check == "extra-peer") return static_cast<int>(r.peers.size()) > options_.max_replicas;
  if (check == "down-peer") return !r.down_peers.empty();
  if (check == "pending-peer") return !r.pending_peers.empty();
  if (check == "learner-peer") {
    return std::any_of(r.peers.begin(), r.peers.end(), [](const Peer& p) { return p.is_learner; });
  }
  if (check == "offline-peer") {
    return std::any_of(r.peers.begin(), r.peers.end(), [&](const Peer& p) {
      auto it = stores_.find(p.store_id);
      return it != stores_.end() && it->second.state == 1;
    });
  }
  if (check == "empty-region") return r.approximate_size <= 1;
  return false;
}

absl::StatusOr<std::vector<const RegionRecord*>> ClusterState::CheckRegions(
    absl::string_view check) const {
  bool known = false;
  for (const char* c : kRegionChecks) known = known || check == c;
  if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown region check ", check));
  std::vector<const RegionRecord*> out;
  if (table_) out = table_->Check(check);
  for (const auto& [id, r] : regions_) {
    if (InCheck(r, check)) out.push_back(&r);
  }
  return out;
}

ClusterState::StoreCounts ClusterState::CountsFor(uint64_t store_id) const {
  StoreCounts c = table_ ? table_->CountsFor(store_id) : StoreCounts{};
  for (const auto& [id, r] : regions_) {
    for (const auto& p : r.peers) {
      if (p.store_id != store_id) continue;
      ++c.region_count;
      c.region_size += r.approximate_size;
      if (p.is_learner) ++c.learner_count;
    }
    if (r.leader.id != 0 && r.leader.store_id == store_id) {
      ++c.leader_count;
      c.leader_size += r.approximate_size;
    }
    for (const auto& p : r.pending_peers) {
      if (p.store_id == store_id) ++c.pending_peer_count;
    }
  }
  return c;
}

size_t ClusterState::RegionCount() const {
  return regions_.size() + (table_ ? table_->size() : 0);
}

void ClusterState::ForEachRegion(const std::function<void(const RegionRecord&)>& fn) const {
  for (const auto& [id, r] : regions_) fn(r);
  if (!table_) return;
  for (size_t i = 0; i < table_->size(); ++i) fn(table_->At(i));
}

std::optional<RegionRecord> ClusterState::FindRegion(uint64_t id) const {
  if (auto it = regions_.find(id); it != regions_.end()) return it->second;
  if (table_) {
    if (auto i = table_->IndexOf(id)) return table_->At(*i);
  }
  return std::nullopt;
}

std::vector<RegionRecord> ClusterState::ScanRegions(absl::string_view start_hex,
                                                    absl::string_view end_hex, int limit) const {
  std::vector<RegionRecord> out;
  auto more = [&](const std::string& region_start) {
    if (!end_hex.empty() && region_start >= end_hex) return false;
    return limit <= 0 || static_cast<int>(out.size()) < limit;
  };
  if (table_) {
    for (size_t i = table_->IndexOfKey(start_hex); i < table_->size(); ++i) {
      RegionRecord r = table_->At(i);
      if (!more(r.start_key)) break;
      out.push_back(std::move(r));
    }
    return out;
  }
  std::vector<const RegionRecord*> sorted;
  for (const auto& [id, r] : regions_) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const RegionRecord* a, const RegionRecord* b) {
    return a->start_key < b->start_key;
  });
  // First region with end > start (or unbounded end): it contains start_hex or lies after it.
  auto it = std::find_if(sorted.begin(), sorted.end(), [&](const RegionRecord* r) {
    return r->end_key.empty() || r->end_key > start_hex;
  });
  for (; it != sorted.end() && more((*it)->start_key); ++it) out.push_back(**it);
  return out;
}

absl::Status ClusterState::SetStoreState(uint64_t store_id, int state) {
  auto it = stores_.find(store_id);
  if (it == stores_.end()) {
    return absl::NotFoundError(absl::StrCat("[PD:core:ErrStoreNotFound]store ", store_id,
                                            " not found"));
  }
  it->second.state = state;
  it->second.node_state = state == 0 ? 1 : state == 1 ? 2 : 3;
  return absl::OkStatus();
}

json ClusterState::ToJson() const {
  json j = {{"stores", json::array()}, {"regions", json::array()}};
  for (const auto& [id, s] : stores_) j["stores"].push_back(StoreToJson(s));
  for (const auto& [id, r] : regions_) j["regions"].push_back(RegionToJson(r));
  return j;
}

absl::Status ClusterState::FromJson(const json& j) {
  std::map<uint64_t, StoreRecord> stores;
  std::map<uint64_t, RegionRecord> regions;
  try {
    for (const auto& sj : j.at("stores")) {
      StoreRecord s;
      StoreMetaFromJson(sj.at("store"), &s);
      StoreStatsFromJson(sj.at("stats"), &s);
      s.state = sj.value("state", 0);
      s.node_state = sj.value("node_state", 1);
      s.physically_destroyed = sj.value("physically_destroyed", false);
      s.last_heartbeat = absl::FromUnixNanos(sj.at("last_heartbeat_unix_ns").get<int64_t>());
      stores[s.id] = std::move(s);
    }
    for (const auto& rj : j.at("regions")) {
      RegionRecord r = RegionFromJson(rj);
      regions[r.id] = std::move(r);
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad cluster state: ", e.what()));
  }
  stores_ = std::move(stores);
  regions_ = std::move(regions);
  return absl::OkStatus();
}

}  // namespace ops::sim
