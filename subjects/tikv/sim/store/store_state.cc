// Load/save of the store's persistent state; see store_state.h.
#include "subjects/tikv/sim/store/store_state.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {

using nlohmann::json;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

const PeerMeta* RegionMeta::PeerOnStore(uint64_t store_id) const {
  for (const PeerMeta& p : peers) {
    if (p.store_id == store_id) return &p;
  }
  return nullptr;
}

bool RegionMeta::ContainsKey(absl::string_view key) const {
  if (!start_key.empty() && key < absl::string_view(start_key)) return false;
  if (!end_key.empty() && key >= absl::string_view(end_key)) return false;
  return true;
}

absl::StatusOr<std::string> NormalizeHexKey(absl::string_view key) {
  if (key.size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat("key \"", key, "\" is not hex of whole bytes"));
  }
  std::string out(key);
  for (char& c : out) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat("key \"", key, "\" is not hex"));
    }
    c = absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return out;
}

absl::StatusOr<StoreState> ParseStoreState(absl::string_view json_text) {
  try {
    json j = json::parse(json_text.begin(), json_text.end());
    StoreState s;
    s.store_id = j.at("store_id").get<uint64_t>();
    if (s.store_id == 0) return absl::InvalidArgumentError("store_id must be > 0");
    s.cluster_id = j.value("cluster_id", uint64_t{0});
    for (const json& r : j.at("regions")) {
      RegionMeta m;
      m.id = r.at("id").get<uint64_t>();
      auto start = NormalizeHexKey(r.value("start_key", std::string()));
      if (!start.ok()) return start.status();
      auto end = NormalizeHexKey(r.value("end_key", std::string()));
      if (!end.ok()) return end.status();
      m.start_key = *start;
      m.end_key = *end;
      if (r.contains("epoch")) {
        m.conf_ver = r["epoch"].value("conf_ver", uint64_t{1});
        m.version = r["epoch"].value("version", uint64_t{1});
      }
      for (const json& p : r.at("peers")) {
        m.peers.push_back({p.at("id").get<uint64_t>(), p.at("store_id").get<uint64_t>()});
      }
      m.term = r.value("term", uint64_t{0});
      m.leader_store_id = r.value("leader_store_id", uint64_t{0});
      m.vote = r.value("vote", uint64_t{0});
      if (m.PeerOnStore(s.store_id) == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("region ", m.id, " has no peer on store ", s.store_id));
      }
      s.regions.push_back(std::move(m));
    }
    if (j.contains("stores")) {
      for (const json& st : j["stores"]) {
        s.store_addresses[st.at("id").get<uint64_t>()] = st.at("address").get<std::string>();
      }
    }
    return s;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad store state JSON: ", e.what()));
  }
}

std::string StoreStateToJson(const StoreState& s) {
  json regions = json::array();
  for (const RegionMeta& m : s.regions) {
    json peers = json::array();
    for (const PeerMeta& p : m.peers) peers.push_back({{"id", p.id}, {"store_id", p.store_id}});
    regions.push_back({{"id", m.id},
                       {"start_key", m.start_key},
                       {"end_key", m.end_key},
                       {"epoch", {{"conf_ver", m.conf_ver}, {"version", m.version}}},
                       {"peers", peers},
                       {"term", m.term},
                       {"leader_store_id", m.leader_store_id},
                       {"vote", m.vote}});
  }
  json stores = json::array();
  for (const auto& [id, addr] : s.store_addresses) {
    stores.push_back({{"id", id}, {"address", addr}});
  }
  json j = {{"store_id", s.store_id},
            {"cluster_id", s.cluster_id},
            {"regions", regions},
            {"stores", stores}};
  return j.dump(1);
}

absl::StatusOr<StoreState> LoadStoreState(const std::string& data_dir) {
  std::string text;
  std::string state_path = data_dir + "/store_state.json";
  std::string boot_path = data_dir + "/bootstrap.json";
  std::string path = state_path;
  if (!ReadFile(state_path, &text)) {
    path = boot_path;
    if (!ReadFile(boot_path, &text)) {
      return absl::NotFoundError(
          absl::StrCat("neither ", state_path, " nor ", boot_path, " exists"));
    }
  }
  absl::StatusOr<StoreState> s = ParseStoreState(text);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.status().message()));
  }
  return s;
}

absl::Status SaveStoreState(const std::string& data_dir, const StoreState& state) {
  std::string path = data_dir + "/store_state.json";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
    out << StoreStateToJson(state);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

}  // namespace ops::sim
