#include "subjects/tikv/sim/cluster/fault_engine.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/status/status_macros.h"

namespace ops::sim {
namespace {

// Supervisor kind -> store control kind, for faults the store holds itself.
const std::map<std::string, std::string>& StoreForwarded() {
  static const auto* m = new std::map<std::string, std::string>{{"store_partition", "partition"},
                                                                {"slow_disk", "slow_disk"},
                                                                {"network_delay", "network_delay"},
                                                                {"disk_full", "disk_full"},
                                                                {"write_stall", "write_stall"}};
  return *m;
}

const std::set<std::string>& ProcessKinds() {
  static const auto* s = new std::set<std::string>{"store_kill", "two_store_kill", "pd_leader_kill",
                                                   "flapping_store", "store_hang"};
  return *s;
}

// Default params per forwarded kind (docs/tikv-sim.md).
nlohmann::json DefaultParams(const std::string& kind) {
  if (kind == "slow_disk") return {{"latency_ms", 200}};
  if (kind == "network_delay") return {{"delay_ms", 100}};
  // 0.5 % of the default 300 GiB capacity is 1.5 GiB: below half the 5 GiB reserve, so the
  // store reaches AlreadyFull and rejects writes (docs/tikv-sim.md "disk_full").
  if (kind == "disk_full") return {{"available_ratio", 0.005}};
  if (kind == "write_stall") return {{"l0_files", 40}};
  if (kind == "hot_region") return {{"fraction", 0.9}};
  return nlohmann::json::object();
}

int64_t ParamMs(const nlohmann::json& params, const char* key, int64_t fallback) {
  auto it = params.find(key);
  return it != params.end() && it->is_number() ? it->get<int64_t>() : fallback;
}

uint64_t StoreIdOf(const std::string& name) {
  uint64_t id = 0;
  if (!absl::StartsWith(name, "store-") || !absl::SimpleAtoi(name.substr(6), &id)) return 0;
  return id;
}

}  // namespace

FaultEngine::FaultEngine(ClusterSpec spec, ClusterLayout layout, ClusterActions* actions)
    : spec_(std::move(spec)), layout_(std::move(layout)), actions_(actions) {}

absl::StatusOr<FaultRecord> FaultEngine::Inject(const nlohmann::json& request, absl::Time now) {
  if (!request.is_object()) return absl::InvalidArgumentError("request body must be a JSON object");
  FaultRecord r;
  try {
    if (!request.contains("kind") || !request["kind"].is_string()) {
      return absl::InvalidArgumentError("field \"kind\" (string) is required");
    }
    r.kind = request["kind"].get<std::string>();
    r.target = request.value("target", std::string("cluster"));
    if (!request.contains("ttl_ms") || !request["ttl_ms"].is_number_integer()) {
      return absl::InvalidArgumentError("field \"ttl_ms\" (integer milliseconds) is required");
    }
    const int64_t ttl_ms = request["ttl_ms"].get<int64_t>();
    if (ttl_ms <= 0 || ttl_ms > 24 * 3600 * 1000) {
      return absl::InvalidArgumentError(
          absl::StrCat("ttl_ms must be in 1..86400000, got ", ttl_ms));
    }
    r.ttl = absl::Milliseconds(ttl_ms);
    r.params = DefaultParams(r.kind);
    if (request.contains("params")) {
      if (!request["params"].is_object()) {
        return absl::InvalidArgumentError("field \"params\" must be an object");
      }
      for (auto& [k, v] : request["params"].items()) r.params[k] = v;
    }
    r.dry_run = request.value("dry_run", false);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("malformed fault request: ", e.what()));
  }
  if (!ProcessKinds().count(r.kind) && !StoreForwarded().count(r.kind) && r.kind != "hot_region") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown fault kind \"", r.kind,
        "\"; known: store_kill, two_store_kill, pd_leader_kill, flapping_store, store_hang, "
        "store_partition, slow_disk, network_delay, disk_full, write_stall, hot_region"));
  }
  RETURN_IF_ERROR(ResolveTargets(r));
  r.created = now;
  r.expires = now + r.ttl;
  r.id = absl::StrCat("f-", next_id_++);
  if (r.dry_run) {
    r.state = "dry_run";
  } else {
    for (const std::string& p : r.processes) {
      if (ProcessKinds().count(r.kind) && Busy(p)) {
        return absl::FailedPreconditionError(
            absl::StrCat(p, " already has an active process fault; revert it first"));
      }
    }
    RETURN_IF_ERROR(Apply(r, now));
    r.state = "active";
  }
  faults_.push_back(r);
  return r;
}

absl::Status FaultEngine::ResolveTargets(FaultRecord& r) {
  auto need_store = [&](const std::string& name) -> absl::Status {
    const ProcessSpec* p = spec_.Find(name);
    if (p == nullptr || p->role != "store") {
      return absl::NotFoundError(absl::StrCat("unknown target \"", name, "\" for ", r.kind,
                                              ": expected a store name like store-1"));
    }
    return absl::OkStatus();
  };
  if (r.kind == "pd_leader_kill") {
    if (r.target != "cluster" && !(spec_.Find(r.target) && spec_.Find(r.target)->role == "pd")) {
      return absl::NotFoundError(absl::StrCat("unknown target \"", r.target,
                                              "\" for pd_leader_kill: use cluster or pd-N"));
    }
    ASSIGN_OR_RETURN(std::string leader, actions_->PdLeader());
    r.processes = {leader};
  } else if (r.kind == "two_store_kill") {
    std::vector<std::string> stores;
    if (r.params.contains("stores") && r.params["stores"].is_array()) {
      for (const auto& s : r.params["stores"]) {
        if (s.is_string()) stores.push_back(s.get<std::string>());
      }
    } else if (r.target == "cluster") {
      stores = {"store-1", "store-2"};
    } else {
      RETURN_IF_ERROR(need_store(r.target));
      const int n = static_cast<int>(StoreIdOf(r.target));
      stores = {r.target, absl::StrCat("store-", n % spec_.options.stores + 1)};
    }
    if (stores.size() != 2 || stores[0] == stores[1]) {
      return absl::InvalidArgumentError("two_store_kill needs two distinct stores");
    }
    for (const std::string& s : stores) RETURN_IF_ERROR(need_store(s));
    r.processes = stores;
  } else if (r.kind == "hot_region") {
    if (r.target != "cluster") {
      RETURN_IF_ERROR(need_store(r.target));
      if (!r.params.contains("region_id")) r.params["store_id"] = StoreIdOf(r.target);
    }
    if (!r.params.contains("region_id") && !r.params.contains("store_id")) {
      return absl::InvalidArgumentError(
          "hot_region needs a store target or params.region_id / params.store_id");
    }
    r.processes = {"workload"};
    if (r.params.contains("region_id") && r.params["region_id"].is_number()) {
      r.regions = {r.params["region_id"].get<uint64_t>()};
    } else if (r.params.contains("store_id") && r.params["store_id"].is_number()) {
      for (const RegionLayout& reg : layout_.regions) {
        if (reg.leader_store_id == r.params["store_id"].get<uint64_t>())
          r.regions.push_back(reg.id);
      }
    }
    return absl::OkStatus();
  } else {
    RETURN_IF_ERROR(need_store(r.target));
    r.processes = {r.target};
  }
  // Regions touched, from the bootstrap layout.
  std::map<uint64_t, int> hit;
  for (const std::string& p : r.processes) {
    const uint64_t sid = StoreIdOf(p);
    if (sid == 0) continue;
    for (const RegionLayout* reg : layout_.RegionsOnStore(sid)) ++hit[reg->id];
  }
  for (const auto& [id, n] : hit) {
    r.regions.push_back(id);
    if (n >= 2) r.quorum_lost_regions.push_back(id);
  }
  return absl::OkStatus();
}

absl::Status FaultEngine::Apply(FaultRecord& r, absl::Time now) {
  if (r.kind == "store_kill" || r.kind == "two_store_kill" || r.kind == "pd_leader_kill") {
    for (const std::string& p : r.processes) RETURN_IF_ERROR(actions_->Kill(p));
    return absl::OkStatus();
  }
  if (r.kind == "flapping_store") {
    const int64_t period =
        ParamMs(r.params, "period_ms", std::max<int64_t>(1000, 30000 * spec_.options.time_scale));
    if (period <= 0) return absl::InvalidArgumentError("params.period_ms must be > 0");
    r.params["period_ms"] = period;
    const int64_t down = ParamMs(r.params, "down_ms", period / 2);
    if (down <= 0 || down >= period) {
      return absl::InvalidArgumentError("params.down_ms must be in (0, period_ms)");
    }
    r.params["down_ms"] = down;
    RETURN_IF_ERROR(actions_->Kill(r.processes[0]));
    r.flap_down = true;
    r.next_action = now + absl::Milliseconds(down);
    return absl::OkStatus();
  }
  if (r.kind == "store_hang") {
    // The watchdog first: if arming fails the process is never left stopped.
    RETURN_IF_ERROR(actions_->ArmResumeWatchdog(r.processes[0], r.expires));
    return actions_->Pause(r.processes[0]);
  }
  if (r.kind == "hot_region") return actions_->PostFault("workload", r.kind, r.params, r.ttl);
  return actions_->PostFault(r.processes[0], StoreForwarded().at(r.kind), r.params, r.ttl);
}

absl::Status FaultEngine::Undo(FaultRecord& r) {
  absl::Status status;
  if (r.kind == "store_kill" || r.kind == "two_store_kill" || r.kind == "pd_leader_kill" ||
      r.kind == "flapping_store") {
    for (const std::string& p : r.processes) status.Update(actions_->Restart(p));
  } else if (r.kind == "store_hang") {
    status = actions_->Resume(r.processes[0]);
  } else if (r.kind == "hot_region") {
    status = actions_->DeleteFault("workload", r.kind);
  } else {
    status = actions_->DeleteFault(r.processes[0], StoreForwarded().at(r.kind));
  }
  r.next_action = absl::InfiniteFuture();
  return status;
}

bool FaultEngine::Busy(const std::string& process) const {
  for (const FaultRecord& f : faults_) {
    if (f.state != "active" || !ProcessKinds().count(f.kind)) continue;
    if (std::find(f.processes.begin(), f.processes.end(), process) != f.processes.end()) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<FaultRecord> FaultEngine::Revert(const std::string& id, absl::Time now) {
  for (FaultRecord& f : faults_) {
    if (f.id != id) continue;
    if (f.state == "active") {
      absl::Status s = Undo(f);
      f.state = s.ok() ? "reverted" : "failed";
      f.error = s.ok() ? "" : std::string(s.message());
      f.expires = std::min(f.expires, now);
    }
    return f;
  }
  return absl::NotFoundError(absl::StrCat("no fault with id \"", id, "\""));
}

void FaultEngine::Tick(absl::Time now) {
  for (FaultRecord& f : faults_) {
    if (f.state != "active") continue;
    if (now >= f.expires) {
      absl::Status s = Undo(f);
      f.state = s.ok() ? "expired" : "failed";
      f.error = s.ok() ? "" : std::string(s.message());
      continue;
    }
    if (f.kind == "flapping_store" && now >= f.next_action) {
      const absl::Duration period = absl::Milliseconds(f.params["period_ms"].get<int64_t>());
      const absl::Duration down = absl::Milliseconds(f.params["down_ms"].get<int64_t>());
      if (f.flap_down) {
        (void)actions_->Restart(f.processes[0]);
        f.next_action = now + (period - down);
      } else {
        (void)actions_->Kill(f.processes[0]);
        f.next_action = now + down;
      }
      f.flap_down = !f.flap_down;
    }
  }
}

std::vector<FaultRecord> FaultEngine::List() const { return faults_; }

nlohmann::json FaultEngine::ToJson(const FaultRecord& r) {
  nlohmann::json j = {{"id", r.id},
                      {"kind", r.kind},
                      {"target", r.target},
                      {"params", r.params},
                      {"ttl_ms", absl::ToInt64Milliseconds(r.ttl)},
                      {"created_at_unix_ms", absl::ToUnixMillis(r.created)},
                      {"expires_at_unix_ms", absl::ToUnixMillis(r.expires)},
                      {"dry_run", r.dry_run},
                      {"state", r.state},
                      {"blast_radius",
                       {{"processes", r.processes},
                        {"regions", r.regions},
                        {"quorum_lost_regions", r.quorum_lost_regions}}}};
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

}  // namespace ops::sim
