// Store fault hooks with TTLs; see fault_set.h.
#include "subjects/tikv/sim/store/fault_set.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {
using nlohmann::json;
bool KnownKind(absl::string_view k) {
  return k == "partition" || k == "slow_disk" || k == "network_delay" || k == "disk_full" ||
         k == "write_stall";
}
}  // namespace

absl::StatusOr<Fault> FaultSet::Add(absl::string_view body, absl::Time now) {
  Expire(now);
  Fault f;
  try {
    json j = json::parse(body.begin(), body.end());
    f.kind = j.at("kind").get<std::string>();
    if (!KnownKind(f.kind)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown fault kind \"", f.kind,
          "\" (want partition, slow_disk, network_delay, disk_full or write_stall)"));
    }
    if (!j.contains("ttl_ms") || !j["ttl_ms"].is_number() || j["ttl_ms"].get<double>() <= 0) {
      return absl::InvalidArgumentError("ttl_ms must be a positive number");
    }
    f.expires_at = now + absl::Milliseconds(j["ttl_ms"].get<double>());
    if (j.contains("params")) {
      for (auto& [k, v] : j["params"].items()) {
        if (!v.is_number()) {
          return absl::InvalidArgumentError(absl::StrCat("param ", k, " must be a number"));
        }
        f.params[k] = v.get<double>();
      }
    }
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad fault request: ", e.what()));
  }
  faults_[f.kind] = f;
  return f;
}

absl::Status FaultSet::Remove(absl::string_view kind, absl::Time now) {
  Expire(now);
  if (faults_.erase(std::string(kind)) == 0) {
    return absl::NotFoundError(absl::StrCat("no active fault ", kind));
  }
  return absl::OkStatus();
}

const Fault* FaultSet::Active(absl::string_view kind, absl::Time now) {
  Expire(now);
  auto it = faults_.find(std::string(kind));
  return it == faults_.end() ? nullptr : &it->second;
}

double FaultSet::Param(absl::string_view kind, absl::string_view name, double def,
                       absl::Time now) {
  const Fault* f = Active(kind, now);
  if (f == nullptr) return def;
  auto it = f->params.find(std::string(name));
  return it == f->params.end() ? def : it->second;
}

std::string FaultSet::ListJson(absl::Time now) {
  Expire(now);
  json arr = json::array();
  for (const auto& [k, f] : faults_) {
    arr.push_back({{"kind", k},
                   {"params", f.params},
                   {"expires_at_unix_ms", absl::ToUnixMillis(f.expires_at)}});
  }
  return json{{"faults", arr}}.dump();
}

void FaultSet::Expire(absl::Time now) {
  for (auto it = faults_.begin(); it != faults_.end();) {
    it = it->second.expires_at <= now ? faults_.erase(it) : std::next(it);
  }
}

}  // namespace ops::sim
