#include "subjects/tikv/pd_client/pd_parse.h"

#include <exception>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "subjects/tikv/pd_client/go_values.h"
#include "subjects/tikv/pd_client/json_reader.h"

namespace ops::tikv {
namespace {

using internal::ObjectReader;
using internal::ReadErrors;
using nlohmann::json;

std::string Index(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

// Runs `fn(json, errors)` on the parsed body and turns any escaping exception into INTERNAL:
// nlohmann's accessors are type-checked by the reader, so this is a last line of defence.
template <typename T, typename Fn>
absl::StatusOr<T> ParseWith(absl::string_view body, absl::string_view what, Fn fn) {
  absl::StatusOr<json> j = internal::ParseJsonBody(body, what);
  if (!j.ok()) return j.status();
  try {
    ReadErrors errors;
    T out = fn(*j, &errors);
    if (!errors.first.ok()) {
      return absl::Status(errors.first.code(), absl::StrCat(what, ": ", errors.first.message()));
    }
    return out;
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(what, ": unexpected ", e.what()));
  }
}

const char* StoreStateName(int state) {
  switch (state) {
    case 0:
      return "Up";
    case 1:
      return "Offline";
    case 2:
      return "Tombstone";
    default:
      return "Unknown";
  }
}

std::optional<absl::Time> UnixTime(uint64_t value, bool nanos) {
  if (value == 0) return std::nullopt;
  return nanos ? absl::FromUnixNanos(static_cast<int64_t>(value))
               : absl::FromUnixSeconds(static_cast<int64_t>(value));
}

PdStore ReadStoreInfo(const json& j, const std::string& path, ReadErrors* errors) {
  PdStore s;
  ObjectReader info(j, path, errors);
  const json* store = info.Object("store");
  if (store == nullptr) {
    info.Fail("store", "required field is missing");
    return s;
  }
  ObjectReader m(*store, info.PathOf("store"), errors);
  s.id = m.Uint("id", /*required=*/true);
  s.address = m.String("address");
  s.state = static_cast<int>(m.Int("state"));
  if (const json* labels = m.Array("labels")) {
    for (size_t i = 0; i < labels->size(); ++i) {
      ObjectReader l((*labels)[i], Index(m.PathOf("labels"), i), errors);
      std::string key = l.String("key", /*required=*/true);
      s.labels.emplace_back(std::move(key), l.String("value"));
    }
  }
  s.version = m.String("version");
  s.peer_address = m.String("peer_address");
  s.status_address = m.String("status_address");
  s.git_hash = m.String("git_hash");
  s.start_timestamp = UnixTime(m.Uint("start_timestamp"), /*nanos=*/false);
  s.deploy_path = m.String("deploy_path");
  s.last_heartbeat = UnixTime(m.Uint("last_heartbeat"), /*nanos=*/true);
  s.physically_destroyed = m.Bool("physically_destroyed");
  s.node_state = static_cast<int>(m.Int("node_state"));
  s.state_name = m.Has("state_name") ? m.String("state_name") : StoreStateName(s.state);

  const json* status = info.Object("status");
  if (status == nullptr) return s;  // PD always sends it; a store without stats reads as zeros
  ObjectReader st(*status, info.PathOf("status"), errors);
  s.capacity_bytes = st.ByteSize("capacity");
  s.available_bytes = st.ByteSize("available");
  s.used_bytes = st.ByteSize("used_size");
  s.leader_count = st.Uint("leader_count");
  s.leader_weight = st.Double("leader_weight");
  s.leader_score = st.Double("leader_score");
  s.leader_size_mib = st.Int("leader_size");
  s.region_count = st.Uint("region_count");
  s.region_weight = st.Double("region_weight");
  s.region_score = st.Double("region_score");
  s.region_size_mib = st.Int("region_size");
  s.learner_count = st.Uint("learner_count");
  s.witness_count = st.Uint("witness_count");
  s.pending_peer_count = st.Uint("pending_peer_count");
  s.slow_score = st.Uint("slow_score");
  s.sending_snap_count = st.Uint("sending_snap_count");
  s.receiving_snap_count = st.Uint("receiving_snap_count");
  s.is_busy = st.Bool("is_busy");
  s.start_ts = st.Time("start_ts");
  s.last_heartbeat_ts = st.Time("last_heartbeat_ts");
  s.uptime = st.Duration("uptime");
  return s;
}

PdMember ReadMember(const json& j, const std::string& path, ReadErrors* errors) {
  PdMember m;
  ObjectReader r(j, path, errors);
  m.name = r.String("name");
  m.member_id = r.Uint("member_id", /*required=*/true);
  m.peer_urls = r.Strings("peer_urls");
  m.client_urls = r.Strings("client_urls");
  m.leader_priority = r.Int("leader_priority");
  m.deploy_path = r.String("deploy_path");
  m.binary_version = r.String("binary_version");
  m.git_hash = r.String("git_hash");
  m.dc_location = r.String("dc_location");
  return m;
}

// A map keyed by store id as a JSON string ("4": ...).
template <typename V, typename Fn>
std::map<uint64_t, V> ReadStoreMap(ObjectReader& parent, const char* key, Fn read_value) {
  std::map<uint64_t, V> out;
  const json* obj = parent.Object(key);
  if (obj == nullptr) return out;
  for (const auto& [k, v] : obj->items()) {
    uint64_t id = 0;
    if (!absl::SimpleAtoi(k, &id) || id == 0) {
      parent.Fail(key, absl::StrCat("key ", internal::QuoteForError(k), " is not a store id"));
      return {};
    }
    out[id] = read_value(v, absl::StrCat(parent.PathOf(key), ".", k));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<PdStore>> ParseStores(absl::string_view body) {
  return ParseWith<std::vector<PdStore>>(body, "/stores body", [](const json& j, ReadErrors* e) {
    std::vector<PdStore> out;
    ObjectReader r(j, "", e);
    bool has_count = r.Has("count");
    uint64_t count = r.Uint("count");
    if (const json* stores = r.Array("stores")) {
      for (size_t i = 0; i < stores->size() && r.ok(); ++i) {
        out.push_back(ReadStoreInfo((*stores)[i], Index("stores", i), e));
      }
    }
    if (r.ok() && has_count && count != out.size()) {
      e->Add(absl::DataLossError(
          absl::StrCat("count says ", count, " stores but the list has ", out.size())));
    }
    return out;
  });
}

absl::StatusOr<PdStore> ParseStore(absl::string_view body) {
  return ParseWith<PdStore>(body, "/store body",
                            [](const json& j, ReadErrors* e) { return ReadStoreInfo(j, "", e); });
}

absl::StatusOr<PdMembers> ParseMembers(absl::string_view body) {
  return ParseWith<PdMembers>(body, "/members body", [](const json& j, ReadErrors* e) {
    PdMembers out;
    ObjectReader r(j, "", e);
    if (const json* header = r.Object("header")) {
      out.cluster_id = ObjectReader(*header, "header", e).Uint("cluster_id");
    }
    if (const json* members = r.Array("members")) {
      for (size_t i = 0; i < members->size(); ++i) {
        out.members.push_back(ReadMember((*members)[i], Index("members", i), e));
      }
    }
    if (const json* leader = r.Object("leader")) out.leader = ReadMember(*leader, "leader", e);
    if (const json* etcd = r.Object("etcd_leader")) {
      out.etcd_leader = ReadMember(*etcd, "etcd_leader", e);
    }
    return out;
  });
}

absl::StatusOr<PdMember> ParseLeader(absl::string_view body) {
  return ParseWith<PdMember>(body, "/leader body",
                             [](const json& j, ReadErrors* e) { return ReadMember(j, "", e); });
}

absl::StatusOr<std::vector<PdMemberHealth>> ParseHealth(absl::string_view body) {
  using Out = std::vector<PdMemberHealth>;
  return ParseWith<Out>(body, "/health body", [](const json& j, ReadErrors* e) {
    Out out;
    if (!j.is_array()) {
      e->Add(absl::InvalidArgumentError(absl::StrCat("expected an array, got ", j.type_name())));
      return out;
    }
    for (size_t i = 0; i < j.size(); ++i) {
      ObjectReader r(j[i], Index("", i), e);
      PdMemberHealth h;
      h.name = r.String("name");
      h.member_id = r.Uint("member_id", /*required=*/true);
      h.client_urls = r.Strings("client_urls");
      h.health = r.Bool("health");
      out.push_back(std::move(h));
    }
    return out;
  });
}

absl::StatusOr<PdClusterStatus> ParseClusterStatus(absl::string_view body) {
  return ParseWith<PdClusterStatus>(body, "/cluster/status body", [](const json& j, ReadErrors* e) {
    PdClusterStatus out;
    ObjectReader r(j, "", e);
    out.raft_bootstrap_time = r.Time("raft_bootstrap_time");
    out.is_initialized = r.Bool("is_initialized");
    out.replication_status = r.String("replication_status");
    return out;
  });
}

absl::StatusOr<PdConfig> ParseConfig(absl::string_view body) {
  return ParseWith<PdConfig>(body, "/config body", [](const json& j, ReadErrors* e) {
    PdConfig c;
    ObjectReader r(j, "", e);
    if (const json* schedule = r.Object("schedule")) {
      ObjectReader s(*schedule, "schedule", e);
      if (auto d = s.Duration("max-store-down-time")) c.max_store_down_time = *d;
      if (auto d = s.Duration("max-store-preparing-time")) c.max_store_preparing_time = *d;
      if (s.Has("low-space-ratio")) c.low_space_ratio = s.Double("low-space-ratio");
      if (s.Has("high-space-ratio")) c.high_space_ratio = s.Double("high-space-ratio");
      if (s.Has("leader-schedule-limit")) c.leader_schedule_limit = s.Uint("leader-schedule-limit");
      if (s.Has("region-schedule-limit")) c.region_schedule_limit = s.Uint("region-schedule-limit");
      if (s.Has("replica-schedule-limit")) {
        c.replica_schedule_limit = s.Uint("replica-schedule-limit");
      }
    }
    if (const json* replication = r.Object("replication")) {
      ObjectReader p(*replication, "replication", e);
      if (p.Has("max-replicas")) c.max_replicas = p.Uint("max-replicas");
      // A comma-separated string in /config; some tools print it as a list.
      if (p.Has("location-labels")) {
        const json* v = &replication->at("location-labels");
        if (v->is_array()) {
          c.location_labels = p.Strings("location-labels");
        } else {
          for (absl::string_view l :
               absl::StrSplit(p.String("location-labels"), ',', absl::SkipWhitespace())) {
            c.location_labels.emplace_back(absl::StripAsciiWhitespace(l));
          }
        }
      }
      if (p.Has("enable-placement-rules")) {
        c.enable_placement_rules = p.Bool("enable-placement-rules");
      }
    }
    c.cluster_version = r.String("cluster-version");
    return c;
  });
}

absl::StatusOr<uint64_t> ParseRegionsCount(absl::string_view body) {
  return ParseWith<uint64_t>(body, "regions body", [](const json& j, ReadErrors* e) {
    ObjectReader r(j, "", e);
    if (!r.Has("count")) {
      r.Fail("count", "required field is missing");
      return uint64_t{0};
    }
    return r.Uint("count");
  });
}

absl::StatusOr<PdRegionStats> ParseRegionStats(absl::string_view body) {
  return ParseWith<PdRegionStats>(body, "/stats/region body", [](const json& j, ReadErrors* e) {
    PdRegionStats out;
    ObjectReader r(j, "", e);
    out.count = r.Uint("count");
    out.empty_count = r.Uint("empty_count");
    out.storage_size_mib = r.Int("storage_size");
    out.storage_keys = r.Int("storage_keys");
    auto read_count = [e](const json& v, const std::string& path) -> uint64_t {
      std::optional<uint64_t> u = internal::AsUint(v);
      if (!u.has_value()) {
        e->Add(absl::InvalidArgumentError(absl::StrCat(path, ": expected a count")));
        return 0;
      }
      return *u;
    };
    out.store_leader_count = ReadStoreMap<uint64_t>(r, "store_leader_count", read_count);
    out.store_peer_count = ReadStoreMap<uint64_t>(r, "store_peer_count", read_count);
    return out;
  });
}

absl::StatusOr<PdHotspots> ParseHotspots(absl::string_view body) {
  return ParseWith<PdHotspots>(body, "hotspot body", [](const json& j, ReadErrors* e) {
    PdHotspots out;
    ObjectReader r(j, "", e);
    auto read_peers = [e](const json& v, const std::string& path) {
      PdHotPeers p;
      ObjectReader h(v, path, e);
      p.total_flow_bytes = h.Double("total_flow_bytes");
      p.total_flow_keys = h.Double("total_flow_keys");
      p.total_flow_query = h.Double("total_flow_query");
      p.store_bytes = h.Double("store_bytes");
      p.store_keys = h.Double("store_keys");
      p.store_query = h.Double("store_query");
      p.regions_count = h.Uint("regions_count");
      return p;
    };
    out.as_peer = ReadStoreMap<PdHotPeers>(r, "as_peer", read_peers);
    out.as_leader = ReadStoreMap<PdHotPeers>(r, "as_leader", read_peers);
    return out;
  });
}

std::string PdErrorText(absl::string_view body) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(body);
  if (trimmed.size() >= 2 && trimmed.front() == '"') {
    json j = json::parse(trimmed.begin(), trimmed.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_string()) {
      std::string s = j.get<std::string>();
      return s.size() > 256 ? absl::StrCat(s.substr(0, 253), "...") : s;
    }
  }
  std::string s(trimmed.substr(0, 256));
  if (trimmed.size() > 256) s.replace(253, 3, "...");
  return s;
}

LeadingCount ReadLeadingCount(absl::string_view prefix, uint64_t* count) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < prefix.size() && absl::ascii_isspace(prefix[i])) ++i;
  };
  // Match `{ "count" : <digits>` then `,` or `}`, each piece possibly split across chunks.
  skip_ws();
  if (i == prefix.size()) return LeadingCount::kNeedMore;
  if (prefix[i++] != '{') return LeadingCount::kNotLeading;
  skip_ws();
  constexpr absl::string_view kKey = "\"count\"";
  for (char c : kKey) {
    if (i == prefix.size()) return LeadingCount::kNeedMore;
    if (prefix[i++] != c) return LeadingCount::kNotLeading;
  }
  skip_ws();
  if (i == prefix.size()) return LeadingCount::kNeedMore;
  if (prefix[i++] != ':') return LeadingCount::kNotLeading;
  skip_ws();
  size_t digits_at = i;
  while (i < prefix.size() && absl::ascii_isdigit(prefix[i])) ++i;
  if (i == prefix.size()) return LeadingCount::kNeedMore;
  if (i == digits_at || i - digits_at > 20) return LeadingCount::kNotLeading;
  absl::string_view digits = prefix.substr(digits_at, i - digits_at);
  skip_ws();
  if (i == prefix.size()) return LeadingCount::kNeedMore;
  if (prefix[i] != ',' && prefix[i] != '}') return LeadingCount::kNotLeading;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(digits, &value)) return LeadingCount::kNotLeading;
  *count = value;
  return LeadingCount::kFound;
}

}  // namespace ops::tikv
