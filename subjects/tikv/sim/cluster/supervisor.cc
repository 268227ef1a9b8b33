#include "subjects/tikv/sim/cluster/supervisor.h"

#include <signal.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "libs/http/client.h"
#include "libs/log/log.h"
#include "libs/status/status_macros.h"

namespace ops::sim {
namespace {

int HttpCode(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

http::Response ErrorResponse(const absl::Status& s) {
  nlohmann::json j = {{"error", absl::StatusCodeToString(s.code())},
                      {"message", std::string(s.message())}};
  return http::Response::Json(j.dump(), HttpCode(s));
}

}  // namespace

SupervisorActions::SupervisorActions(ProcessTable* table, const ClusterSpec* spec,
                                     std::string self_exe)
    : table_(table), spec_(spec), self_exe_(std::move(self_exe)) {
  http::Client::Options o;
  o.timeout = absl::Seconds(2);
  o.retry.max_attempts = 1;
  client_ = *http::Client::Create(o);
}

SupervisorActions::~SupervisorActions() = default;

absl::Status SupervisorActions::Kill(const std::string& name) {
  return table_->Signal(name, SIGKILL);
}

absl::Status SupervisorActions::Restart(const std::string& name) {
  table_->Reap();  // a just-killed child must be reaped before it can be started again
  for (int i = 0; i < 50 && table_->Running(name); ++i) {
    // SIGKILL delivery is asynchronous: give the kernel a moment to finish the old process.
    absl::SleepFor(absl::Milliseconds(10));
    table_->Reap();
  }
  const bool was_running = table_->Running(name);
  absl::Status s = table_->Start(name);
  if (s.ok() && !was_running) log::Info("restarted", {{"name", name}});
  return s;
}

absl::Status SupervisorActions::Pause(const std::string& name) {
  return table_->Signal(name, SIGSTOP);
}

absl::Status SupervisorActions::Resume(const std::string& name) {
  return table_->Signal(name, SIGCONT);
}

absl::Status SupervisorActions::ArmResumeWatchdog(const std::string& name, absl::Time at) {
  int pid = 0;
  for (const ProcessSpec& p : table_->Snapshot()) {
    if (p.name == name) pid = p.pid;
  }
  if (pid <= 0) return absl::FailedPreconditionError(absl::StrCat(name, " is not running"));
  return SpawnProcess({self_exe_, "watchdog", absl::StrCat("--pid=", pid),
                       absl::StrCat("--at=", absl::ToUnixMillis(at))},
                      spec_->options.dir + "/watchdog.out", /*detach=*/true)
      .status();
}

absl::StatusOr<std::string> SupervisorActions::PdLeader() {
  for (const ProcessSpec& p : spec_->processes) {
    if (p.role != "pd" || !table_->Running(p.name)) continue;
    absl::StatusOr<http::ClientResponse> r =
        client_->Get(absl::StrCat("http://127.0.0.1:", p.ports.at("client"), "/pd/api/v1/leader"));
    if (!r.ok()) continue;
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_object() && j.contains("name") && j["name"].is_string()) {
      return j["name"].get<std::string>();
    }
  }
  return absl::UnavailableError("no PD member reports a leader (GET /pd/api/v1/leader)");
}

absl::StatusOr<std::string> SupervisorActions::ControlUrl(const std::string& name) const {
  const ProcessSpec* p = spec_->Find(name);
  if (p == nullptr || !p->ports.count("control")) {
    return absl::NotFoundError(absl::StrCat(name, " has no control port"));
  }
  return absl::StrCat("http://127.0.0.1:", p->ports.at("control"), "/sim/v1/fault");
}

absl::Status SupervisorActions::PostFault(const std::string& name, const std::string& kind,
                                          const nlohmann::json& params, absl::Duration ttl) {
  ASSIGN_OR_RETURN(std::string url, ControlUrl(name));
  nlohmann::json body = {
      {"kind", kind}, {"params", params}, {"ttl_ms", absl::ToInt64Milliseconds(ttl)}};
  http::ClientRequest req{
      .method = "POST", .url = url, .body = body.dump(), .content_type = "application/json"};
  absl::StatusOr<http::ClientResponse> r = client_->Do(req);
  if (!r.ok()) {
    return absl::UnavailableError(
        absl::StrCat("forwarding ", kind, " to ", name, " (", url, "): ", r.status().message()));
  }
  if (!r->ok()) {
    // The process refused the fault (e.g. bad params): report its reason, not success.
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    const std::string why = j.is_object() ? j.value("message", r->body) : r->body;
    const std::string msg = absl::StrCat(name, " refused ", kind, " (HTTP ", r->status, "): ", why);
    return r->status >= 400 && r->status < 500 ? absl::InvalidArgumentError(msg)
                                               : absl::UnavailableError(msg);
  }
  return absl::OkStatus();
}

absl::Status SupervisorActions::DeleteFault(const std::string& name, const std::string& kind) {
  ASSIGN_OR_RETURN(std::string url, ControlUrl(name));
  http::ClientRequest req;
  req.method = "DELETE";
  req.url = url + "/" + kind;
  absl::StatusOr<http::ClientResponse> r = client_->Do(req);
  if (!r.ok())
    return absl::UnavailableError(
        absl::StrCat("reverting ", kind, " on ", name, ": ", r.status().message()));
  // 404: the process already expired the fault at its own TTL, which is what a revert wants.
  if (!r->ok() && r->status != 404) {
    return absl::UnavailableError(
        absl::StrCat("reverting ", kind, " on ", name, ": HTTP ", r->status, " ", r->body));
  }
  return absl::OkStatus();
}

void RegisterControlRoutes(http::Server& server, std::mutex& mu, FaultEngine& engine,
                           const ClusterSpec& spec, const ProcessTable& table) {
  server.Handle("POST", "/sim/v1/faults", [&](const http::Request& req) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      return ErrorResponse(absl::InvalidArgumentError("request body is not valid JSON"));
    }
    std::lock_guard<std::mutex> lock(mu);
    absl::StatusOr<FaultRecord> r = engine.Inject(body, absl::Now());
    if (!r.ok()) return ErrorResponse(r.status());
    log::Info("fault injected",
              {{"id", r->id}, {"kind", r->kind}, {"target", r->target}, {"dry_run", r->dry_run}});
    return http::Response::Json(FaultEngine::ToJson(*r).dump());
  });
  server.Handle("GET", "/sim/v1/faults", [&](const http::Request&) {
    std::lock_guard<std::mutex> lock(mu);
    nlohmann::json list = nlohmann::json::array();
    for (const FaultRecord& f : engine.List()) list.push_back(FaultEngine::ToJson(f));
    return http::Response::Json(nlohmann::json({{"faults", list}}).dump());
  });
  server.Handle("DELETE", "/sim/v1/faults/([^/]+)", [&](const http::Request& req) {
    std::lock_guard<std::mutex> lock(mu);
    absl::StatusOr<FaultRecord> r = engine.Revert(req.captures.at(0), absl::Now());
    if (!r.ok()) return ErrorResponse(r.status());
    log::Info("fault reverted", {{"id", r->id}, {"state", r->state}});
    return http::Response::Json(FaultEngine::ToJson(*r).dump());
  });
  server.Handle("GET", "/sim/v1/cluster", [&](const http::Request&) {
    ClusterSpec live = spec;
    live.processes = table.Snapshot();
    nlohmann::json j = live.ToJson();
    for (nlohmann::json& p : j["processes"]) p["alive"] = p["pid"].get<int>() > 0;
    return http::Response::Json(j.dump());
  });
}

absl::Status RunSupervisor(const std::string& dir, const std::string& self_exe) {
  ASSIGN_OR_RETURN(ClusterSpec spec, ReadClusterSpec(dir));
  ASSIGN_OR_RETURN(ClusterLayout layout,
                   BuildLayout(spec.options.stores, spec.options.regions, spec.options.seed));
  ProcessTable table(spec.processes);
  SupervisorActions actions(&table, &spec, self_exe);
  FaultEngine engine(spec, layout, &actions);
  std::mutex mu;
  ASSIGN_OR_RETURN(std::unique_ptr<http::Server> server,
                   http::Server::Create({.host = "127.0.0.1", .port = spec.control_port}));
  RegisterControlRoutes(*server, mu, engine, spec, table);
  RETURN_IF_ERROR(server->Start());
  spec.supervisor_pid = static_cast<int>(getpid());
  log::Info("supervisor started", {{"dir", dir}, {"control_port", spec.control_port}});
  // PD first, then stores, then the workload (the order a real deployment starts them in).
  for (const char* role : {"pd", "store", "workload"}) {
    for (const ProcessSpec& p : spec.processes) {
      if (p.role != role) continue;
      absl::Status s = table.Start(p.name);
      if (s.ok()) {
        log::Info("started", {{"name", p.name}, {"log_file", p.log_file}});
      } else {
        log::Error("cannot start", {{"name", p.name}, {"error", s.ToString()}});
      }
    }
  }
  auto publish = [&] {
    ClusterSpec live = spec;
    live.processes = table.Snapshot();
    absl::Status s = WriteClusterSpec(live);
    if (!s.ok()) log::Error("cannot write cluster.json", {{"error", s.ToString()}});
  };
  publish();
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  std::vector<ProcessSpec> last = table.Snapshot();
  for (;;) {
    timespec tick = {0, 100 * 1000 * 1000};
    const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      log::Info("stopping", {{"signal", sig}});
      break;
    }
    for (const std::string& line : table.Reap()) log::Warn("child died", {{"what", line}});
    {
      std::lock_guard<std::mutex> lock(mu);
      engine.Tick(absl::Now());
    }
    std::vector<ProcessSpec> now = table.Snapshot();
    bool changed = false;
    for (size_t i = 0; i < now.size(); ++i) changed |= now[i].pid != last[i].pid;
    if (changed) publish();
    last = std::move(now);
  }
  server->Stop();
  table.StopAll(absl::Seconds(5));
  spec.supervisor_pid = 0;
  publish();
  log::Info("supervisor stopped", {});
  return absl::OkStatus();
}

}  // namespace ops::sim
