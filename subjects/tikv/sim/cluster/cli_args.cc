#include "subjects/tikv/sim/cluster/cli_args.h"

#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ops::sim {
namespace {

const std::map<std::string, std::set<std::string>>& KnownFlags() {
  static const auto* m = new std::map<std::string, std::set<std::string>>{
      {"up",
       {"dir", "pd", "stores", "regions", "time-scale", "seed", "rate", "config", "base-port",
        "wait-timeout", "max-store-down-time"}},
      {"down", {"dir"}},
      {"status", {"dir", "output"}},
      {"fault", {"dir", "target", "ttl", "param", "dry-run", "output"}},
      {"supervise", {"dir"}},
      {"watchdog", {"pid", "at"}},
  };
  return *m;
}

absl::Status ParseInt(const std::map<std::string, std::string>& flags, const char* name, int& out) {
  auto it = flags.find(name);
  if (it == flags.end()) return absl::OkStatus();
  if (!absl::SimpleAtoi(it->second, &out)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be an integer, got \"", it->second, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& args) {
  CliArgs out;
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    out.help = true;
    return out;
  }
  out.command = args[0];
  auto known = KnownFlags().find(out.command);
  if (known == KnownFlags().end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command \"", out.command, "\"; commands: up, down, status, fault (see --help)"));
  }
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    if (!absl::StartsWith(a, "--")) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::replace(name.begin(), name.end(), '_', '-');
    if (!known->second.count(name)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " for `tikv-sim ",
                                                     out.command, "`; its flags: --",
                                                     absl::StrJoin(known->second, ", --")));
    }
    if (name == "dry-run") {
      out.flags[name] = has_value ? value : "true";
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError("--" + name + " needs a value");
      value = args[++i];
    }
    if (name == "param") {
      const size_t kv = value.find('=');
      if (kv == std::string::npos || kv == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--param must be key=value, got \"", value, "\""));
      }
      out.params.emplace_back(value.substr(0, kv), value.substr(kv + 1));
      continue;
    }
    out.flags[name] = value;
  }
  return out;
}

absl::StatusOr<ClusterOptions> ClusterOptionsFromArgs(const CliArgs& args) {
  ClusterOptions o;
  std::map<std::string, std::string> flags;
  if (auto it = args.flags.find("config"); it != args.flags.end()) {
    std::ifstream in(it->second);
    if (!in) return absl::NotFoundError("cannot read config file " + it->second);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_object()) return absl::InvalidArgumentError(it->second + " is not a JSON object");
    static const std::set<std::string> keys = {"dir",     "pd",         "stores",
                                               "regions", "time_scale", "seed",
                                               "rate",    "base_port",  "max_store_down_time"};
    for (auto& [k, v] : j.items()) {
      if (!keys.count(k)) {
        return absl::InvalidArgumentError(absl::StrCat("unknown key \"", k, "\" in ", it->second));
      }
      std::string name = k;
      std::replace(name.begin(), name.end(), '_', '-');
      flags[name] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  for (const auto& [k, v] : args.flags) flags[k] = v;
  if (flags.count("dir")) o.dir = flags["dir"];
  for (auto [name, field] :
       std::vector<std::pair<const char*, int*>>{{"pd", &o.pd},
                                                 {"stores", &o.stores},
                                                 {"regions", &o.regions},
                                                 {"rate", &o.rate},
                                                 {"base-port", &o.base_port}}) {
    absl::Status s = ParseInt(flags, name, *field);
    if (!s.ok()) return s;
  }
  if (flags.count("time-scale") && !absl::SimpleAtod(flags["time-scale"], &o.time_scale)) {
    return absl::InvalidArgumentError("--time-scale must be a number in (0, 1]");
  }
  if (flags.count("seed") && !absl::SimpleAtoi(flags["seed"], &o.seed)) {
    return absl::InvalidArgumentError("--seed must be a non-negative integer");
  }
  if (auto it = flags.find("max-store-down-time"); it != flags.end()) {
    absl::Duration d;
    if (!absl::ParseDuration(it->second, &d) || d <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--max-store-down-time must be a positive duration like 30m or 2m, got \"",
                       it->second, "\""));
    }
    o.max_store_down_time = it->second;
  }
  if (o.regions < 1 || o.regions > 10000) {
    return absl::InvalidArgumentError(absl::StrCat("--regions must be 1..10000, got ", o.regions));
  }
  if (o.base_port < 0 || o.base_port > 65000) {
    return absl::InvalidArgumentError("--base-port must be 1..65000 (or 0 for free ports)");
  }
  return o;
}

absl::StatusOr<nlohmann::json> FaultRequestFromArgs(const CliArgs& args) {
  if (args.positional.size() != 2 || args.positional[0] != "inject") {
    return absl::InvalidArgumentError("usage: tikv-sim fault inject KIND --target T --ttl 30s");
  }
  nlohmann::json req = {
      {"kind", args.positional[1]},
      {"target", args.flags.count("target") ? args.flags.at("target") : std::string("cluster")}};
  auto ttl_it = args.flags.find("ttl");
  if (ttl_it == args.flags.end()) return absl::InvalidArgumentError("--ttl is required (e.g. 30s)");
  absl::Duration ttl;
  if (!absl::ParseDuration(ttl_it->second, &ttl) || ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--ttl must be a positive duration like 30s or 2m, got \"", ttl_it->second, "\""));
  }
  req["ttl_ms"] = absl::ToInt64Milliseconds(ttl);
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : args.params) {
    nlohmann::json parsed = nlohmann::json::parse(v, nullptr, false);
    params[k] = parsed.is_discarded() || parsed.is_object() ? nlohmann::json(v) : parsed;
  }
  req["params"] = params;
  auto dry = args.flags.find("dry-run");
  req["dry_run"] = dry != args.flags.end() && dry->second != "false";
  return req;
}

std::string CliUsage() {
  return R"(tikv-sim: a local TiKV/PD cluster of real processes (docs/tikv-sim.md)

Commands:
  up       start a cluster in the background and wait until PD has a leader and all stores are Up
           --dir D           state directory (default ./tikv-sim-data)
           --pd N            PD members (default 3, 1..7)
           --stores N        TiKV stores (default 3, 3..64)
           --regions N       initial regions (default 64)
           --time-scale F    multiply every timing by F, 0 < F <= 1 (default 1 = real timing)
           --seed N          seed for layout, elections and workload (default 1)
           --rate N          workload ops/s (default 2000; 0 = no load)
           --base-port P     use ports P, P+1, ... (default: free ports chosen by the kernel)
           --wait-timeout D  how long to wait for the cluster to come up (default 60s)
           --max-store-down-time D
                             PD's max-store-down-time, a real duration scaled like every timing
                             (default 30m: a dead store shows Down after 30m x time scale)
           --config FILE     JSON file with keys dir, pd, stores, regions, time_scale, seed, rate,
                             base_port, max_store_down_time; command-line flags win
  down     stop the cluster in --dir and every process it started
  status   list the processes of the cluster in --dir; --output json for JSON
  fault inject KIND --target T --ttl 30s [--param k=v]... [--dry-run]
           KIND: store_kill two_store_kill pd_leader_kill flapping_store store_hang
                 store_partition slow_disk network_delay disk_full write_stall hot_region
           T: store-N, pd-N or cluster (default)
  fault list                  list faults (--output json for JSON)
  fault revert ID             revert fault ID now

Exit codes: 0 ok, 1 failure (message on stderr), 2 bad usage.
)";
}

}  // namespace ops::sim
