#include "subjects/tikv/sim/pd/api_render.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "subjects/tikv/sim/pd/go_format.h"
#include "subjects/tikv/sim/pd/region_table.h"

namespace ops::sim {
namespace {

constexpr int64_t kMiB = 1 << 20;

ojson MetaPeerJson(const Peer& p) {
  ojson j;
  j["role_name"] = p.is_learner ? "Learner" : "Voter";
  if (p.is_learner) j["is_learner"] = true;
  if (p.id != 0) j["id"] = p.id;
  if (p.store_id != 0) j["store_id"] = p.store_id;
  if (p.is_learner) j["role"] = 1;
  return j;
}

ApiReply Ok(const ojson& j) { return {200, RenderBody(j)}; }

}  // namespace

std::string RenderBody(const ojson& j) { return j.dump(2) + "\n"; }

ApiReply ErrorReply(int status, absl::string_view message) {
  return {status, RenderBody(ojson(std::string(message)))};
}

ojson StoreInfoJson(const ClusterState& state, const StoreRecord& s, absl::Time now) {
  ojson store;
  store["id"] = s.id;
  if (!s.address.empty()) store["address"] = s.address;
  if (s.state != 0) store["state"] = s.state;
  if (!s.labels.empty()) {
    ojson labels = ojson::array();
    for (const auto& [k, v] : s.labels) labels.push_back({{"key", k}, {"value", v}});
    store["labels"] = labels;
  }
  if (!s.version.empty()) store["version"] = s.version;
  if (!s.peer_address.empty()) store["peer_address"] = s.peer_address;
  if (!s.status_address.empty()) store["status_address"] = s.status_address;
  if (!s.git_hash.empty()) store["git_hash"] = s.git_hash;
  if (s.start_timestamp != 0) store["start_timestamp"] = s.start_timestamp;
  if (!s.deploy_path.empty()) store["deploy_path"] = s.deploy_path;
  store["last_heartbeat"] = absl::ToUnixNanos(s.last_heartbeat);
  if (s.physically_destroyed) store["physically_destroyed"] = true;
  if (s.node_state != 0) store["node_state"] = s.node_state;
  store["state_name"] = state.StateName(s, now);

  ClusterState::StoreCounts c = state.CountsFor(s.id);
  // Scores as PD computes them with leader-schedule-policy "count" and weights 1; the region
  // score uses region size (the v2 formula's space term is left out).
  ojson status;
  status["capacity"] = GoByteSize(static_cast<double>(s.capacity));
  status["available"] = GoByteSize(static_cast<double>(s.available));
  status["used_size"] = GoByteSize(static_cast<double>(s.used_size));
  status["leader_count"] = c.leader_count;
  status["leader_weight"] = GoFloat(1);
  status["leader_score"] = GoFloat(static_cast<double>(c.leader_count));
  status["leader_size"] = c.leader_size;
  status["region_count"] = c.region_count;
  status["region_weight"] = GoFloat(1);
  status["region_score"] = GoFloat(static_cast<double>(c.region_size));
  status["region_size"] = c.region_size;
  if (c.learner_count != 0) status["learner_count"] = c.learner_count;
  if (c.pending_peer_count != 0) status["pending_peer_count"] = c.pending_peer_count;
  if (s.slow_score != 0) status["slow_score"] = s.slow_score;
  status["slow_trend"] = {{"cause_value", GoFloat(0)},
                          {"cause_rate", GoFloat(0)},
                          {"result_value", GoFloat(0)},
                          {"result_rate", GoFloat(0)}};
  if (s.sending_snap_count != 0) status["sending_snap_count"] = s.sending_snap_count;
  if (s.receiving_snap_count != 0) status["receiving_snap_count"] = s.receiving_snap_count;
  if (s.is_busy) status["is_busy"] = true;
  absl::Time start = absl::FromUnixSeconds(s.start_timestamp);
  status["start_ts"] = GoRfc3339Nano(start);
  status["last_heartbeat_ts"] = GoRfc3339Nano(s.last_heartbeat);
  // PD: uptime = last heartbeat - start time.
  if (s.last_heartbeat > start) status["uptime"] = GoDuration(s.last_heartbeat - start);
  return {{"store", store}, {"status", status}};
}

ojson RegionInfoJson(const RegionRecord& r) {
  ojson j;
  j["id"] = r.id;
  j["start_key"] = r.start_key;
  j["end_key"] = r.end_key;
  ojson epoch = ojson::object();
  if (r.conf_ver != 0) epoch["conf_ver"] = r.conf_ver;
  if (r.version != 0) epoch["version"] = r.version;
  j["epoch"] = epoch;
  if (!r.peers.empty()) {
    ojson peers = ojson::array();
    for (const auto& p : r.peers) peers.push_back(MetaPeerJson(p));
    j["peers"] = peers;
  }
  j["leader"] = r.leader.id != 0 ? MetaPeerJson(r.leader) : ojson{{"role_name", ""}};
  if (!r.down_peers.empty()) {
    ojson down = ojson::array();
    for (const auto& d : r.down_peers) {
      ojson e = {{"peer", MetaPeerJson(d.peer)}};
      if (d.down_seconds != 0) e["down_seconds"] = d.down_seconds;
      down.push_back(e);
    }
    j["down_peers"] = down;
  }
  if (!r.pending_peers.empty()) {
    ojson pending = ojson::array();
    for (const auto& p : r.pending_peers) pending.push_back(MetaPeerJson(p));
    j["pending_peers"] = pending;
  }
  j["cpu_usage"] = r.cpu_usage;
  j["written_bytes"] = r.written_bytes;
  j["read_bytes"] = r.read_bytes;
  j["written_keys"] = r.written_keys;
  j["read_keys"] = r.read_keys;
  j["approximate_size"] = r.approximate_size;
  j["approximate_keys"] = r.approximate_keys;
  return j;
}

ApiReply RenderStores(const ClusterState& state, absl::Time now, const std::vector<int>& states) {
  ojson list = ojson::array();
  for (const auto& [id, s] : state.stores()) {
    bool match = states.empty() ? s.state != 2
                                : std::find(states.begin(), states.end(), s.state) != states.end();
    if (match) list.push_back(StoreInfoJson(state, s, now));
  }
  ojson j;
  j["count"] = list.size();
  j["stores"] = list;
  return Ok(j);
}

ApiReply RenderStore(const ClusterState& state, absl::Time now, uint64_t id) {
  auto it = state.stores().find(id);
  if (it == state.stores().end()) {
    return ErrorReply(404, absl::StrCat("[PD:core:ErrStoreNotFound]store ", id, " not found"));
  }
  return Ok(StoreInfoJson(state, it->second, now));
}

namespace {

void AppendPeerJson(const Peer& p, std::string* out) {
  absl::StrAppend(out, "{\"role_name\":\"", p.is_learner ? "Learner" : "Voter", "\"");
  if (p.is_learner) out->append(",\"is_learner\":true");
  if (p.id != 0) absl::StrAppend(out, ",\"id\":", p.id);
  if (p.store_id != 0) absl::StrAppend(out, ",\"store_id\":", p.store_id);
  if (p.is_learner) out->append(",\"role\":1");
  out->push_back('}');
}

void AppendPeerList(const std::vector<Peer>& peers, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < peers.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendPeerJson(peers[i], out);
  }
  out->push_back(']');
}

ApiReply RegionsData(std::string body) {
  return {200, std::move(body), "application/octet-stream"};
}

// MarshalRegionsInfoJSON: {"count":N,"regions":[...]} with no trailing newline.
template <typename Range>
ApiReply RegionsInfo(const Range& regions, size_t count) {
  std::string body = absl::StrCat("{\"count\":", count, ",\"regions\":[");
  bool first = true;
  for (const auto& r : regions) {
    if (!first) body.push_back(',');
    first = false;
    AppendRegionJson(*r, &body);
  }
  body.append("]}");
  return RegionsData(std::move(body));
}

// Go's strconv.Atoi: optional sign, decimal digits, 64-bit range.
absl::StatusOr<int64_t> GoAtoi(absl::string_view s) {
  auto syntax = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("strconv.Atoi: parsing \"", s, "\": invalid syntax"));
  };
  absl::string_view d = s;
  bool neg = false;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    neg = d[0] == '-';
    d.remove_prefix(1);
  }
  if (d.empty()) return syntax();
  uint64_t v = 0;
  bool overflow = false;
  for (char c : d) {
    if (c < '0' || c > '9') return syntax();
    if (v > (uint64_t{1} << 63) / 10) overflow = true;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (overflow || v > (uint64_t{1} << 63) - (neg ? 0 : 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("strconv.Atoi: parsing \"", s, "\": value out of range"));
  }
  return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A query key as the upper-case hex of its raw bytes; with format=hex the key is checked the
// way Go's hex.Decode does (invalid byte first, then odd length).
absl::StatusOr<std::string> KeyToHex(absl::string_view key, bool is_hex) {
  std::string out;
  if (!is_hex) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    for (unsigned char c : key) {
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
    return out;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    if (HexValue(key[i]) < 0) {
      unsigned char c = static_cast<unsigned char>(key[i]);
      char buf[32];
      std::snprintf(buf, sizeof(buf), "U+%04X '%c'", c, c);
      return absl::InvalidArgumentError(absl::StrCat("encoding/hex: invalid byte: ", buf));
    }
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(key[i]))));
  }
  if (key.size() % 2 == 1) return absl::InvalidArgumentError("encoding/hex: odd length hex string");
  return out;
}

}  // namespace

void AppendRegionJson(const RegionRecord& r, std::string* out) {
  absl::StrAppend(out, "{\"id\":", r.id, ",\"start_key\":\"", r.start_key,
                  "\",\"end_key\":\"", r.end_key, "\",\"epoch\":{");
  if (r.conf_ver != 0) absl::StrAppend(out, "\"conf_ver\":", r.conf_ver);
  if (r.version != 0) {
    absl::StrAppend(out, r.conf_ver != 0 ? "," : "", "\"version\":", r.version);
  }
  out->push_back('}');
  if (!r.peers.empty()) {
    out->append(",\"peers\":");
    AppendPeerList(r.peers, out);
  }
  out->append(",\"leader\":");
  if (r.leader.id != 0) {
    AppendPeerJson(r.leader, out);
  } else {
    out->append("{\"role_name\":\"\"}");
  }
  if (!r.down_peers.empty()) {
    out->append(",\"down_peers\":[");
    for (size_t i = 0; i < r.down_peers.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append("{\"peer\":");
      AppendPeerJson(r.down_peers[i].peer, out);
      if (r.down_peers[i].down_seconds != 0) {
        absl::StrAppend(out, ",\"down_seconds\":", r.down_peers[i].down_seconds);
      }
      out->push_back('}');
    }
    out->push_back(']');
  }
  if (!r.pending_peers.empty()) {
    out->append(",\"pending_peers\":");
    AppendPeerList(r.pending_peers, out);
  }
  absl::StrAppend(out, ",\"cpu_usage\":", r.cpu_usage, ",\"written_bytes\":", r.written_bytes,
                  ",\"read_bytes\":", r.read_bytes, ",\"written_keys\":", r.written_keys);
  absl::StrAppend(out, ",\"read_keys\":", r.read_keys, ",\"approximate_size\":",
                  r.approximate_size, ",\"approximate_keys\":", r.approximate_keys, "}");
}

ApiReply RenderRegions(const ClusterState& state) {
  size_t count = state.RegionCount();
  std::string body = absl::StrCat("{\"count\":", count, ",\"regions\":[");
  // About 500 bytes per region; reserving avoids repeated copies of a large body.
  body.reserve(body.size() + count * 520);
  bool first = true;
  state.ForEachRegion([&](const RegionRecord& r) {
    if (!first) body.push_back(',');
    first = false;
    AppendRegionJson(r, &body);
  });
  body.append("]}");
  return RegionsData(std::move(body));
}

ApiReply RenderRegionsByKey(const ClusterState& state, absl::string_view key,
                            absl::string_view end_key, absl::string_view format,
                            absl::string_view limit_text) {
  bool is_hex = format == "hex";
  auto start = KeyToHex(key, is_hex);
  if (!start.ok()) return ErrorReply(400, start.status().message());
  auto end = KeyToHex(end_key, is_hex);
  if (!end.ok()) return ErrorReply(400, end.status().message());
  int64_t limit = 16;  // defaultRegionLimit
  if (!limit_text.empty()) {
    auto parsed = GoAtoi(limit_text);
    if (!parsed.ok()) return ErrorReply(400, parsed.status().message());
    limit = *parsed;
  }
  limit = std::min<int64_t>(limit, 10240);  // maxRegionLimit
  std::vector<RegionRecord> regions =
      state.ScanRegions(*start, *end, limit <= 0 ? 0 : static_cast<int>(limit));
  std::vector<const RegionRecord*> ptrs;
  for (const auto& r : regions) ptrs.push_back(&r);
  return RegionsInfo(ptrs, ptrs.size());
}

ApiReply RenderRegion(const ClusterState& state, uint64_t id) {
  std::optional<RegionRecord> r = state.FindRegion(id);
  // Real PD answers 200 with JSON null for an unknown region id.
  if (!r) return {200, "null\n"};
  std::string body;
  AppendRegionJson(*r, &body);
  return RegionsData(std::move(body));
}

ApiReply RenderRegionsCount(const ClusterState& state) {
  ojson j;
  j["count"] = state.RegionCount();
  j["regions"] = nullptr;
  return Ok(j);
}

ApiReply RenderRegionCheck(const ClusterState& state, absl::string_view check) {
  auto regions = state.CheckRegions(check);
  if (!regions.ok()) return ErrorReply(400, "unknown state");
  return RegionsInfo(*regions, regions->size());
}

ApiReply RenderStatsRegion(const ClusterState& state) {
  // Go sorts map keys as strings ("1", "10", "2").
  using StoreMap = std::map<std::string, int64_t>;
  StoreMap leader_count, peer_count, leader_size, leader_keys, peer_size, peer_keys;
  int64_t count = 0, empty = 0, size = 0, keys = 0;
  if (const RegionTable* t = state.region_table()) {
    const RegionTable::Stats& st = t->stats();
    count = st.count;
    empty = st.empty_count;
    size = st.storage_size;
    keys = st.storage_keys;
    auto merge = [](const std::map<uint64_t, int64_t>& from, StoreMap& to) {
      for (const auto& [store, v] : from) to[absl::StrCat(store)] += v;
    };
    merge(st.leader_count, leader_count);
    merge(st.peer_count, peer_count);
    merge(st.leader_size, leader_size);
    merge(st.leader_keys, leader_keys);
    merge(st.peer_size, peer_size);
    merge(st.peer_keys, peer_keys);
  }
  for (const auto& [id, r] : state.regions()) {
    ++count;
    if (r.approximate_size <= 1) ++empty;
    size += r.approximate_size;
    keys += r.approximate_keys;
    if (r.leader.id != 0) {
      std::string k = absl::StrCat(r.leader.store_id);
      leader_count[k] += 1;
      leader_size[k] += r.approximate_size;
      leader_keys[k] += r.approximate_keys;
    }
    for (const auto& p : r.peers) {
      std::string k = absl::StrCat(p.store_id);
      peer_count[k] += 1;
      peer_size[k] += r.approximate_size;
      peer_keys[k] += r.approximate_keys;
    }
  }
  auto obj = [](const StoreMap& m) {
    ojson o = ojson::object();
    for (const auto& [k, v] : m) o[k] = v;
    return o;
  };
  ojson j;
  j["count"] = count;
  j["empty_count"] = empty;
  j["storage_size"] = size;
  j["user_storage_size"] = size;
  j["storage_keys"] = keys;
  j["store_leader_count"] = obj(leader_count);
  j["store_peer_count"] = obj(peer_count);
  j["store_leader_size"] = obj(leader_size);
  j["store_leader_keys"] = obj(leader_keys);
  j["store_peer_size"] = obj(peer_size);
  j["store_peer_keys"] = obj(peer_keys);
  return Ok(j);
}

ApiReply RenderHotspot(const ClusterState& state, bool write) {
  // Per-store leader flow from the last region heartbeats (bytes per heartbeat interval).
  struct Agg {
    double bytes = 0, keys = 0;
    ojson stats = ojson::array();
  };
  std::map<std::string, Agg> as_leader;
  state.ForEachRegion([&](const RegionRecord& r) {
    if (r.leader.id == 0) return;
    double bytes = static_cast<double>(write ? r.written_bytes : r.read_bytes);
    double keys = static_cast<double>(write ? r.written_keys : r.read_keys);
    if (bytes == 0 && keys == 0) return;
    Agg& a = as_leader[absl::StrCat(r.leader.store_id)];
    a.bytes += bytes;
    a.keys += keys;
    ojson stores = ojson::array();
    for (const auto& p : r.peers) stores.push_back(p.store_id);
    ojson st;
    st["store_id"] = r.leader.store_id;
    st["stores"] = stores;
    st["is_leader"] = true;
    st["is_learner"] = false;
    st["region_id"] = r.id;
    st["hot_degree"] = 1;
    st["flow_bytes"] = GoFloat(bytes);
    st["flow_keys"] = GoFloat(keys);
    st["flow_query"] = GoFloat(0);
    st["anti_count"] = 0;
    st["last_update_time"] = GoRfc3339Nano(absl::UnixEpoch());
    a.stats.push_back(st);
  });
  ojson leaders = ojson::object();
  for (auto& [sid, a] : as_leader) {
    ojson h;
    h["store_bytes"] = GoFloat(a.bytes);
    h["store_keys"] = GoFloat(a.keys);
    h["store_query"] = GoFloat(0);
    h["total_flow_bytes"] = GoFloat(a.bytes);
    h["total_flow_keys"] = GoFloat(a.keys);
    h["total_flow_query"] = GoFloat(0);
    h["regions_count"] = a.stats.size();
    h["statistics"] = a.stats;
    leaders[sid] = h;
  }
  ojson j;
  j["as_peer"] = leaders;
  j["as_leader"] = leaders;
  return Ok(j);
}

ojson MemberJson(const MemberInfo& m) {
  ojson j;
  j["name"] = m.name;
  j["member_id"] = m.member_id;
  j["peer_urls"] = m.peer_urls;
  j["client_urls"] = m.client_urls;
  j["deploy_path"] = m.deploy_path;
  j["binary_version"] = m.binary_version;
  j["git_hash"] = m.git_hash;
  return j;
}

ApiReply RenderMembers(const PdView& view) {
  ojson members = ojson::array();
  for (const auto& m : view.members) members.push_back(MemberJson(m));
  ojson j;
  j["header"] = {{"cluster_id", view.cluster_id}};
  j["members"] = members;
  if (view.leader_index >= 0) {
    j["leader"] = MemberJson(view.members[view.leader_index]);
    j["etcd_leader"] = MemberJson(view.members[view.leader_index]);
  }
  return Ok(j);
}

ApiReply RenderLeader(const PdView& view) {
  if (view.leader_index < 0) return ErrorReply(500, "[PD:server:ErrServerNotStarted]server not started");
  const MemberInfo& m = view.members[view.leader_index];
  ojson j;
  j["name"] = m.name;
  j["member_id"] = m.member_id;
  j["peer_urls"] = m.peer_urls;
  j["client_urls"] = m.client_urls;
  return Ok(j);
}

ApiReply RenderHealth(const PdView& view, const std::vector<bool>& healthy) {
  ojson list = ojson::array();
  for (size_t i = 0; i < view.members.size(); ++i) {
    const MemberInfo& m = view.members[i];
    ojson j;
    j["name"] = m.name;
    j["member_id"] = m.member_id;
    j["client_urls"] = m.client_urls;
    j["health"] = i < healthy.size() && healthy[i];
    list.push_back(j);
  }
  return Ok(list);
}

ApiReply RenderCluster(const PdView& view) {
  ojson j;
  j["id"] = view.cluster_id;
  j["max_peer_count"] = 3;
  return Ok(j);
}

ApiReply RenderClusterStatus(const PdView& view) {
  ojson j;
  j["raft_bootstrap_time"] = GoRfc3339Nano(view.bootstrap_time);
  j["is_initialized"] = true;
  j["replication_status"] = "";
  return Ok(j);
}

ojson ScheduleConfigJson(const ClusterState& state) {
  ojson s;
  s["max-snapshot-count"] = 64;
  s["max-pending-peer-count"] = 64;
  s["max-merge-region-size"] = 54;
  s["max-merge-region-keys"] = 540000;
  s["split-merge-interval"] = "1h0m0s";
  s["swap-region-split-size"] = 0;
  s["enable-one-way-merge"] = "false";
  s["enable-cross-table-merge"] = "true";
  s["patrol-region-interval"] = "10ms";
  s["max-store-down-time"] = GoDuration(state.options().max_store_down_time);
  s["max-store-preparing-time"] = "48h0m0s";
  s["leader-schedule-limit"] = 4;
  s["leader-schedule-policy"] = "count";
  s["region-schedule-limit"] = 2048;
  s["witness-schedule-limit"] = 4;
  s["replica-schedule-limit"] = 64;
  s["merge-schedule-limit"] = 8;
  s["hot-region-schedule-limit"] = 4;
  s["hot-region-cache-hits-threshold"] = 3;
  s["store-limit"] = ojson::object();
  s["tolerant-size-ratio"] = 0;
  s["low-space-ratio"] = GoFloat(state.options().low_space_ratio);
  s["high-space-ratio"] = GoFloat(0.7);
  s["region-score-formula-version"] = "v2";
  s["scheduler-max-waiting-operator"] = 5;
  s["enable-remove-down-replica"] = "true";
  s["enable-replace-offline-replica"] = "true";
  s["enable-make-up-replica"] = "true";
  s["enable-remove-extra-replica"] = "true";
  s["enable-location-replacement"] = "true";
  s["enable-debug-metrics"] = "false";
  s["enable-joint-consensus"] = "true";
  s["enable-tikv-split-region"] = "true";
  s["schedulers-v2"] = ojson::array();
  s["store-limit-version"] = "v1";
  s["enable-witness"] = "false";
  return s;
}

ApiReply RenderConfig(const ClusterState& state, const PdView& view, int self_index) {
  const MemberInfo& me = view.members.at(static_cast<size_t>(self_index));
  ojson j;
  j["client-urls"] = absl::StrJoin(me.client_urls, ",");
  j["peer-urls"] = absl::StrJoin(me.peer_urls, ",");
  j["advertise-client-urls"] = absl::StrJoin(me.client_urls, ",");
  j["advertise-peer-urls"] = absl::StrJoin(me.peer_urls, ",");
  j["name"] = me.name;
  j["data-dir"] = view.data_dir;
  j["force-new-cluster"] = false;
  j["enable-grpc-gateway"] = true;
  j["initial-cluster"] = view.initial_cluster;
  j["initial-cluster-state"] = "new";
  j["initial-cluster-token"] = "pd-cluster";
  j["join"] = "";
  j["lease"] = absl::ToInt64Seconds(view.lease);
  j["log"] = {{"level", "info"}};
  j["tso-save-interval"] = "3s";
  j["schedule"] = ScheduleConfigJson(state);
  j["replication"] = {{"max-replicas", 3},
                      {"location-labels", ""},
                      {"strictly-match-label", "false"},
                      {"enable-placement-rules", "true"},
                      {"enable-placement-rules-cache", "false"},
                      {"isolation-level", ""}};
  j["cluster-version"] = "8.5.7";
  j["quota-backend-bytes"] = "8GiB";
  j["tick-interval"] = "500ms";
  j["election-interval"] = "3s";
  j["enable-prevote"] = true;
  return Ok(j);
}

ApiReply RenderScheduleConfig(const ClusterState& state) { return Ok(ScheduleConfigJson(state)); }

ApiReply RenderSchedulers() {
  return Ok(ojson::array({"balance-leader-scheduler", "balance-hot-region-scheduler",
                          "evict-slow-store-scheduler", "balance-region-scheduler",
                          "evict-stopping-store-scheduler"}));
}

ApiReply RenderOperators(const std::vector<std::string>& operators) {
  ojson arr = ojson::array();
  for (const std::string& op : operators) arr.push_back(op);
  return Ok(arr);
}

}  // namespace ops::sim
