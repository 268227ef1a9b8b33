#include "subjects/tikv/sim/cluster/cli.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/http/client.h"
#include "subjects/tikv/sim/cluster/bootstrap_layout.h"
#include "subjects/tikv/sim/cluster/cli_args.h"
#include "subjects/tikv/sim/cluster/cluster_spec.h"
#include "subjects/tikv/sim/cluster/process_table.h"
#include "subjects/tikv/sim/cluster/supervisor.h"

namespace ops::sim {
namespace {

bool Alive(int pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

int Fail(const absl::Status& s) {
  std::cerr << "tikv-sim: " << s.message() << "\n";
  return 1;
}

std::string DirOf(const CliArgs& a) {
  auto it = a.flags.find("dir");
  return std::filesystem::absolute(it == a.flags.end() ? "./tikv-sim-data" : it->second)
      .lexically_normal()
      .string();
}

std::unique_ptr<http::Client> MakeClient() {
  http::Client::Options o;
  o.timeout = absl::Seconds(3);
  o.retry.max_attempts = 1;
  return *http::Client::Create(o);
}

absl::StatusOr<ClusterSpec> RunningCluster(const std::string& dir) {
  absl::StatusOr<ClusterSpec> spec = ReadClusterSpec(dir);
  if (!spec.ok()) return spec.status();
  if (!Alive(spec->supervisor_pid)) {
    return absl::FailedPreconditionError(absl::StrCat("no tikv-sim cluster is running in ", dir,
                                                      " (supervisor not running; see ",
                                                      spec->supervisor_log, ")"));
  }
  return spec;
}

// Polls until PD has a leader and every store is Up; prints progress.
absl::Status WaitUntilUp(const ClusterSpec& spec, absl::Duration timeout) {
  auto client = MakeClient();
  const absl::Time deadline = absl::Now() + timeout;
  std::string last;
  while (absl::Now() < deadline) {
    if (!Alive(spec.supervisor_pid)) {
      return absl::UnavailableError("the supervisor exited; see " + spec.supervisor_log);
    }
    std::string progress = "waiting for a PD leader";
    for (const std::string& pd :
         std::vector<std::string>(absl::StrSplit(spec.PdEndpoints(), ','))) {
      absl::StatusOr<http::ClientResponse> leader = client->Get(pd + "/pd/api/v1/leader");
      if (!leader.ok()) continue;
      progress = "PD has a leader; waiting for stores to be Up";
      absl::StatusOr<http::ClientResponse> stores = client->Get(pd + "/pd/api/v1/stores");
      if (!stores.ok()) break;
      nlohmann::json j = nlohmann::json::parse(stores->body, nullptr, false);
      int up = 0;
      if (j.is_object() && j.contains("stores") && j["stores"].is_array()) {
        for (const auto& s : j["stores"]) {
          if (s.contains("store") && s["store"].value("state_name", "") == "Up") ++up;
        }
      }
      progress = absl::StrCat("PD has a leader; ", up, "/", spec.options.stores, " stores Up");
      if (up >= spec.options.stores) {
        std::cout << progress << "\n";
        return absl::OkStatus();
      }
      break;
    }
    if (progress != last) std::cout << progress << "\n" << std::flush;
    last = progress;
    absl::SleepFor(absl::Milliseconds(250));
  }
  std::vector<std::string> logs = {spec.supervisor_log};
  for (const ProcessSpec& p : spec.processes) logs.push_back(p.log_file);
  return absl::DeadlineExceededError(
      absl::StrCat("cluster not up after ", absl::FormatDuration(timeout), " (last: ", last,
                   "); the cluster keeps running (stop it with `tikv-sim down`); see the logs: ",
                   absl::StrJoin(logs, " ")));
}

int Up(const CliArgs& a, const std::string& self_exe) {
  absl::StatusOr<ClusterOptions> opts = ClusterOptionsFromArgs(a);
  if (!opts.ok()) return Fail(opts.status());
  const std::string dir = std::filesystem::absolute(opts->dir).lexically_normal().string();
  if (absl::StatusOr<ClusterSpec> old = ReadClusterSpec(dir);
      old.ok() && Alive(old->supervisor_pid)) {
    return Fail(absl::AlreadyExistsError(
        absl::StrCat("a cluster is already running in ", dir, " (supervisor pid ",
                     old->supervisor_pid, "); stop it with `tikv-sim down --dir ", dir, "`")));
  }
  const std::string bin_dir = std::filesystem::path(self_exe).parent_path().string();
  for (const char* b : {"tikv-sim-pd", "tikv-sim-store", "tikv-sim-workload"}) {
    if (access((bin_dir + "/" + b).c_str(), X_OK) != 0) {
      return Fail(absl::NotFoundError(
          absl::StrCat("missing binary ", bin_dir, "/", b, " (build it next to tikv-sim)")));
    }
  }
  absl::StatusOr<ClusterSpec> spec = BuildClusterSpec(*opts, bin_dir);
  if (!spec.ok()) return Fail(spec.status());
  absl::StatusOr<ClusterLayout> layout = BuildLayout(opts->stores, opts->regions, opts->seed);
  if (!layout.ok()) return Fail(layout.status());
  // Stores learn each other's data ports from bootstrap.json, so raft works before PD is up.
  for (int s = 1; s <= opts->stores; ++s) {
    if (const ProcessSpec* p = spec->Find(absl::StrCat("store-", s)); p != nullptr) {
      layout->store_addresses[static_cast<uint64_t>(s)] =
          absl::StrCat("127.0.0.1:", p->ports.at("addr"));
    }
  }
  std::filesystem::create_directories(spec->options.dir);
  // Bootstrap files only before a store's first start; later a store has its own state.
  bool fresh = true;
  for (int s = 1; s <= opts->stores; ++s) {
    fresh &= !std::filesystem::exists(absl::StrCat(dir, "/store-", s, "/bootstrap.json"));
  }
  if (fresh) {
    if (absl::Status s = WriteBootstrapFiles(*layout, dir); !s.ok()) return Fail(s);
  }
  if (absl::Status s = WriteClusterSpec(*spec); !s.ok()) return Fail(s);
  absl::StatusOr<int> sup =
      SpawnProcess({self_exe, "supervise", "--dir", dir}, spec->supervisor_log, /*detach=*/true);
  if (!sup.ok()) return Fail(sup.status());
  std::cout << "starting tikv-sim in " << dir << " (" << opts->pd << " PD, " << opts->stores
            << " stores, time scale " << opts->time_scale << ")\n";
  // The supervisor rewrites cluster.json with its pid once its children are spawned.
  absl::StatusOr<ClusterSpec> live;
  for (absl::Time end = absl::Now() + absl::Seconds(10); absl::Now() < end;) {
    live = ReadClusterSpec(dir);
    if (live.ok() && live->supervisor_pid > 0) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  if (!live.ok() || live->supervisor_pid <= 0) {
    return Fail(
        absl::UnavailableError("the supervisor did not start; see " + spec->supervisor_log));
  }
  absl::Duration timeout = absl::Seconds(60);
  if (auto it = a.flags.find("wait-timeout");
      it != a.flags.end() && !absl::ParseDuration(it->second, &timeout)) {
    return Fail(absl::InvalidArgumentError("--wait-timeout must be a duration like 60s"));
  }
  if (absl::Status s = WaitUntilUp(*live, timeout); !s.ok()) return Fail(s);
  std::cout << "cluster up: PD " << live->PdEndpoints()
            << ", control http://127.0.0.1:" << live->control_port << "\n";
  return 0;
}

int Down(const CliArgs& a) {
  const std::string dir = DirOf(a);
  absl::StatusOr<ClusterSpec> spec = RunningCluster(dir);
  if (!spec.ok()) return Fail(spec.status());
  kill(spec->supervisor_pid, SIGTERM);
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  while (Alive(spec->supervisor_pid) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  if (Alive(spec->supervisor_pid)) {
    // The supervisor is stuck: kill it and every child it recorded.
    kill(spec->supervisor_pid, SIGKILL);
    if (absl::StatusOr<ClusterSpec> s = ReadClusterSpec(dir); s.ok()) {
      for (const ProcessSpec& p : s->processes) {
        if (Alive(p.pid)) kill(p.pid, SIGKILL);
      }
    }
    std::cerr << "tikv-sim: supervisor did not stop within 15s; killed it and its children\n";
  }
  std::cout << "cluster in " << dir << " stopped\n";
  return 0;
}

int Status(const CliArgs& a) {
  const std::string dir = DirOf(a);
  absl::StatusOr<ClusterSpec> spec = RunningCluster(dir);
  if (!spec.ok()) return Fail(spec.status());
  auto client = MakeClient();
  absl::StatusOr<http::ClientResponse> r =
      client->Get(absl::StrCat("http://127.0.0.1:", spec->control_port, "/sim/v1/cluster"));
  if (r.ok()) {
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (absl::StatusOr<ClusterSpec> live = ClusterSpec::FromJson(j); live.ok()) spec = live;
  }
  if (a.flags.count("output") && a.flags.at("output") == "json") {
    nlohmann::json j = spec->ToJson();
    for (nlohmann::json& p : j["processes"]) p["alive"] = Alive(p["pid"].get<int>());
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << absl::StrFormat("supervisor pid %d, control http://127.0.0.1:%d, dir %s\n",
                               spec->supervisor_pid, spec->control_port, dir);
  std::cout << absl::StrFormat("%-9s %-9s %-8s %-6s %-40s %s\n", "ROLE", "NAME", "PID", "ALIVE",
                               "PORTS", "DATA DIR");
  for (const ProcessSpec& p : spec->processes) {
    std::vector<std::string> ports;
    for (const auto& [k, v] : p.ports) ports.push_back(absl::StrCat(k, "=", v));
    std::cout << absl::StrFormat("%-9s %-9s %-8d %-6s %-40s %s\n", p.role, p.name, p.pid,
                                 Alive(p.pid) ? "yes" : "no", absl::StrJoin(ports, ","),
                                 p.data_dir);
  }
  return 0;
}

int Fault(const CliArgs& a) {
  const std::string dir = DirOf(a);
  absl::StatusOr<ClusterSpec> spec = RunningCluster(dir);
  if (!spec.ok()) return Fail(spec.status());
  const std::string base = absl::StrCat("http://127.0.0.1:", spec->control_port, "/sim/v1/faults");
  http::ClientRequest req;
  const std::string verb = a.positional.empty() ? "" : a.positional[0];
  if (verb == "inject") {
    absl::StatusOr<nlohmann::json> body = FaultRequestFromArgs(a);
    if (!body.ok()) return Fail(body.status());
    req = {.method = "POST", .url = base, .body = body->dump(), .content_type = "application/json"};
  } else if (verb == "list" && a.positional.size() == 1) {
    req = {.method = "GET", .url = base};
  } else if (verb == "revert" && a.positional.size() == 2) {
    req = {.method = "DELETE", .url = base + "/" + a.positional[1]};
  } else {
    std::cerr << "usage: tikv-sim fault inject KIND --target T --ttl 30s | list | revert ID\n";
    return 2;
  }
  absl::StatusOr<http::ClientResponse> r = MakeClient()->Do(req);
  if (!r.ok()) return Fail(r.status());
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (!r->ok()) {
    std::cerr << "tikv-sim: " << (j.is_object() ? j.value("message", r->body) : r->body) << "\n";
    return 1;
  }
  if (a.flags.count("output") && a.flags.at("output") == "json") {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const nlohmann::json list = j.contains("faults") ? j["faults"] : nlohmann::json::array({j});
  std::cout << absl::StrFormat("%-6s %-16s %-10s %-9s %-15s %s\n", "ID", "KIND", "TARGET", "STATE",
                               "EXPIRES(ms)", "BLAST RADIUS");
  for (const auto& f : list) {
    std::cout << absl::StrFormat(
        "%-6s %-16s %-10s %-9s %-15d %s, %d regions\n", f.value("id", ""), f.value("kind", ""),
        f.value("target", ""), f.value("state", ""), f.value("expires_at_unix_ms", int64_t{0}),
        f["blast_radius"]["processes"].dump(), f["blast_radius"]["regions"].size());
  }
  return 0;
}

int Watchdog(const CliArgs& a) {
  int pid = 0;
  int64_t at_ms = 0;
  if (!a.flags.count("pid") || !absl::SimpleAtoi(a.flags.at("pid"), &pid) || pid <= 0 ||
      !a.flags.count("at") || !absl::SimpleAtoi(a.flags.at("at"), &at_ms)) {
    std::cerr << "usage: tikv-sim watchdog --pid P --at UNIX_MS\n";
    return 2;
  }
  // This process exists only to hold the deadline: waiting is its job.
  const absl::Time at = absl::FromUnixMillis(at_ms);
  while (absl::Now() < at && Alive(pid)) {
    absl::SleepFor(std::min(at - absl::Now(), absl::Milliseconds(200)));
  }
  if (Alive(pid)) kill(pid, SIGCONT);
  return 0;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const std::string& self_exe) {
  absl::StatusOr<CliArgs> a = ParseCliArgs(args);
  if (!a.ok()) {
    std::cerr << "tikv-sim: " << a.status().message() << "\n";
    return 2;
  }
  if (a->help) {
    std::cout << CliUsage();
    return 0;
  }
  if (a->command == "up") return Up(*a, self_exe);
  if (a->command == "down") return Down(*a);
  if (a->command == "status") return Status(*a);
  if (a->command == "fault") return Fault(*a);
  if (a->command == "watchdog") return Watchdog(*a);
  // supervise: SIGTERM/SIGINT are blocked here, before any thread starts, and waited for.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  absl::Status s = RunSupervisor(DirOf(*a), self_exe);
  if (!s.ok()) return Fail(s);
  return 0;
}

}  // namespace ops::sim
