#include "subjects/tikv/pd_client/snapshot_fill.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ops::tikv {
namespace {

using ::ops::common::v1::STORE_STATE_DISCONNECTED;
using ::ops::common::v1::STORE_STATE_DOWN;
using ::ops::common::v1::STORE_STATE_OFFLINE;
using ::ops::common::v1::STORE_STATE_TOMBSTONE;
using ::ops::common::v1::STORE_STATE_UNSPECIFIED;
using ::ops::common::v1::STORE_STATE_UP;

// URLs compare without a trailing slash.
std::string Norm(absl::string_view url) {
  while (absl::ConsumeSuffix(&url, "/")) {
  }
  return std::string(url);
}

bool AnyUrlIn(const std::vector<std::string>& urls, const std::vector<std::string>& answered) {
  for (const std::string& u : urls) {
    for (const std::string& a : answered) {
      if (Norm(u) == Norm(a)) return true;
    }
  }
  return false;
}

void FillMembers(const PdView& view, core::Snapshot* snapshot) {
  std::map<uint64_t, bool> health;
  if (view.health.has_value()) {
    for (const PdMemberHealth& h : *view.health) health[h.member_id] = h.health;
  }
  auto healthy = [&](uint64_t id, const std::vector<std::string>& urls) {
    if (view.health.has_value()) {
      auto it = health.find(id);
      return it != health.end() && it->second;
    }
    return AnyUrlIn(urls, view.answered_endpoints);
  };
  std::vector<core::ControlPlaneMember> members;
  if (view.members.has_value()) {
    uint64_t leader_id = view.members->leader.has_value() ? view.members->leader->member_id : 0;
    for (const PdMember& m : view.members->members) {
      core::ControlPlaneMember c;
      c.name = m.name.empty() ? absl::StrCat(m.member_id) : m.name;
      c.id = absl::StrCat(m.member_id);
      c.client_urls = m.client_urls;
      c.is_leader = leader_id != 0 && m.member_id == leader_id;
      c.healthy = healthy(m.member_id, m.client_urls);
      members.push_back(std::move(c));
    }
  } else if (view.health.has_value()) {
    for (const PdMemberHealth& h : *view.health) {
      core::ControlPlaneMember c;
      c.name = h.name.empty() ? absl::StrCat(h.member_id) : h.name;
      c.id = absl::StrCat(h.member_id);
      c.client_urls = h.client_urls;
      c.healthy = h.health;
      members.push_back(std::move(c));
    }
  } else {
    return;
  }
  snapshot->members = std::move(members);
}

void FillRegions(const PdView& view, core::RegionHealth* regions) {
  if (view.region_count.has_value()) regions->total = *view.region_count;
  const PdRegionChecks& c = view.region_checks;
  if (c.miss_peer) regions->miss_peer = *c.miss_peer;
  if (c.down_peer) regions->down_peer = *c.down_peer;
  if (c.pending_peer) regions->pending_peer = *c.pending_peer;
  if (c.offline_peer) regions->offline_peer = *c.offline_peer;
  if (c.extra_peer) regions->extra_peer = *c.extra_peer;
  if (c.empty_region) regions->empty = *c.empty_region;
}

}  // namespace

core::StoreState StoreStateFromName(absl::string_view state_name) {
  if (state_name == "Up") return STORE_STATE_UP;
  if (state_name == "Disconnected") return STORE_STATE_DISCONNECTED;
  if (state_name == "Down") return STORE_STATE_DOWN;
  if (state_name == "Offline") return STORE_STATE_OFFLINE;
  if (state_name == "Tombstone") return STORE_STATE_TOMBSTONE;
  return STORE_STATE_UNSPECIFIED;
}

core::StoreStatus ToStoreStatus(const PdStore& store) {
  core::StoreStatus s;
  s.id = absl::StrCat(store.id);
  s.address = store.address;
  s.status_address = store.status_address;
  s.state = StoreStateFromName(store.state_name);
  s.state_name = store.state_name;
  s.version = store.version;
  s.start_time = store.start_ts.has_value() ? store.start_ts : store.start_timestamp;
  s.last_heartbeat =
      store.last_heartbeat_ts.has_value() ? store.last_heartbeat_ts : store.last_heartbeat;
  s.capacity_bytes = store.capacity_bytes;
  s.available_bytes = store.available_bytes;
  s.used_bytes = store.used_bytes;
  s.leader_count = store.leader_count;
  s.region_count = store.region_count;
  s.slow_score = static_cast<double>(store.slow_score);
  for (const auto& [key, value] : store.labels) s.labels[key] = value;
  return s;
}

void FillSnapshot(const PdView& view, core::Snapshot* snapshot) {
  if (view.stores.has_value()) {
    std::vector<core::StoreStatus> stores;
    stores.reserve(view.stores->size());
    for (const PdStore& pd : *view.stores) {
      core::StoreStatus s = ToStoreStatus(pd);
      if (const core::StoreStatus* old = snapshot->FindStore(s.id)) {
        s.probe = old->probe;
        s.workload = old->workload;
      }
      stores.push_back(std::move(s));
    }
    snapshot->stores = std::move(stores);
  }
  FillMembers(view, snapshot);
  FillRegions(view, &snapshot->regions);
  if (snapshot->cluster.empty() && view.members.has_value() && view.members->cluster_id != 0) {
    snapshot->cluster = absl::StrCat(view.members->cluster_id);
  }
  for (const PdSourceError& e : view.errors) {
    snapshot->visibility.unavailable_sources.push_back(absl::StrCat("pd:", e.source));
  }
  if (!view.stores.has_value()) snapshot->visibility.blind = true;
}

}  // namespace ops::tikv
