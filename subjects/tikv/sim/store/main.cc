// tikv-sim-store: one simulated TiKV store process. Wires StoreService to its three HTTP
// servers (data, status, control), a raft tick thread that exchanges batches with peer stores
// and a PD thread that sends store/region heartbeats to the PD leader.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/config/config.h"
#include "libs/http/client.h"
#include "libs/http/server.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/store/store_links.h"
#include "subjects/tikv/sim/store/store_service.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:20160",
          "Data port host:port (internal KV API and store-to-store raft messages).");
ABSL_FLAG(std::string, status_addr, "127.0.0.1:20180",
          "Status port host:port: GET /status (200, empty body) and GET /metrics.");
ABSL_FLAG(std::string, pd_endpoints, "http://127.0.0.1:2379",
          "Comma-separated PD client URLs; the PD leader is found via /pd/api/v1/leader.");
ABSL_FLAG(std::string, data_dir, "./store", "Data directory; holds bootstrap.json on first "
          "start and store_state.json afterwards.");
ABSL_FLAG(std::string, log_file, "", "Log file (unified log format); default <data-dir>/tikv.log.");
ABSL_FLAG(uint64_t, capacity, 300ull << 30, "Disk capacity in bytes reported to PD and metrics.");
ABSL_FLAG(std::string, control_addr, "127.0.0.1:0",
          "Fault hook port host:port (POST /sim/v1/fault, DELETE /sim/v1/fault/{kind}, "
          "GET /sim/v1/faults).");
ABSL_FLAG(double, time_scale, 1.0, "Multiplies every timing, in (0, 1].");
ABSL_FLAG(uint64_t, seed, 1, "Random seed (election timeouts, busy answers).");

namespace ops::sim {
namespace {


std::atomic<bool> g_stop{false};

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& flag,
                                                         const std::string& v) {
  std::vector<std::string> parts = absl::StrSplit(v, absl::MaxSplits(':', 1));
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " must be host:port, got \"", v,
                                                   "\""));
  }
  return std::make_pair(parts[0], port);
}

http::Response ToResponse(const HttpResult& r) {
  if (r.delay > absl::ZeroDuration()) absl::SleepFor(r.delay);
  return http::Response::Json(r.body, r.status);
}

absl::StatusOr<std::unique_ptr<http::Server>> Listen(const std::string& flag,
                                                     const std::string& v, int threads) {
  auto hp = SplitHostPort(flag, v);
  if (!hp.ok()) return hp.status();
  http::Server::Options o;
  o.host = hp->first;
  o.port = hp->second;
  o.threads = threads;
  auto s = http::Server::Create(o);
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("--", flag, ": ", s.status().message()));
  }
  return s;
}

int Run(int argc, char** argv) {
  // Real TiKV flags use dashes (--status-addr); absl flags use underscores.
  std::vector<std::string> args(argv, argv + argc);
  std::vector<char*> cargs;
  for (std::string& a : args) {
    if (a.rfind("--", 0) == 0) {
      size_t end = a.find('=');
      for (size_t i = 2; i < std::min(end, a.size()); ++i) {
        if (a[i] == '-') a[i] = '_';
      }
    }
    cargs.push_back(a.data());
  }
  config::Options copts;
  copts.usage = "tikv-sim-store: one simulated TiKV store (see docs/tikv-sim.md)";
  copts.env_prefix = "TIKV_SIM_STORE_";
  auto init = config::Init(static_cast<int>(cargs.size()), cargs.data(), copts);
  if (!init.ok()) {
    std::cerr << "tikv-sim-store: " << init.status().message() << "\n";
    return 1;
  }
  auto scale = TimeScale::Create(absl::GetFlag(FLAGS_time_scale));
  if (!scale.ok()) {
    std::cerr << "tikv-sim-store: " << scale.status().message() << "\n";
    return 1;
  }
  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  auto state = LoadStoreState(data_dir);
  if (!state.ok()) {
    std::cerr << "tikv-sim-store: " << state.status().message() << "\n";
    return 1;
  }
  std::string log_path = absl::GetFlag(FLAGS_log_file);
  if (log_path.empty()) log_path = data_dir + "/tikv.log";
  auto log = UnifiedLog::Open(log_path);
  if (!log.ok()) {
    std::cerr << "tikv-sim-store: " << log.status().message() << "\n";
    return 1;
  }
  // Restarted stores come back as followers (real raft does not keep leadership over restart).
  bool restart = access((data_dir + "/store_state.json").c_str(), F_OK) == 0;
  if (restart) {
    for (RegionMeta& r : state->regions) {
      if (r.leader_store_id == state->store_id) r.leader_store_id = 0;
    }
  }
  if (absl::Status s = SaveStoreState(data_dir, *state); !s.ok()) {
    std::cerr << "tikv-sim-store: " << s.message() << "\n";
    return 1;
  }
  UnifiedLog* logp = log->get();
  const std::string thread_id = absl::StrCat(getpid());
  // Every line carries thread_id, as TiKV v7.5+ writes it.
  PdLink::LogSink sink = [logp, thread_id](const LogEvent& e) {
    LogFields f = e.fields;
    f.emplace_back("thread_id", thread_id);
    logp->Write(e.level, e.source, e.message, f);
  };
  sink({"INFO", "lib.rs:89", "Welcome to TiKV", {}});

  // Each keep-alive client connection holds a worker: the workload's workers and the peer
  // stores' raft traffic must never queue behind idle connections.
  auto data = Listen("addr", absl::GetFlag(FLAGS_addr), 48);
  auto status = Listen("status-addr", absl::GetFlag(FLAGS_status_addr), 8);
  auto control = Listen("control-addr", absl::GetFlag(FLAGS_control_addr), 2);
  for (const auto* s : {&data, &status, &control}) {
    if (!s->ok()) {
      std::cerr << "tikv-sim-store: " << s->status().message() << "\n";
      return 1;
    }
  }
  StoreConfig cfg;
  cfg.addr = absl::GetFlag(FLAGS_addr);
  cfg.status_addr = absl::GetFlag(FLAGS_status_addr);
  cfg.data_dir = data_dir;
  char cwd[4096];
  cfg.deploy_path = getcwd(cwd, sizeof(cwd)) ? cwd : "";
  cfg.capacity = absl::GetFlag(FLAGS_capacity);
  cfg.scale = *scale;
  cfg.seed = absl::GetFlag(FLAGS_seed);
  StoreService svc(cfg, *state, sink, absl::Now());

  (*data)->Handle("POST", "/kv/v1/(get|put)", [&](const http::Request& r) {
    return ToResponse(svc.HandleKv(r.captures[0], r.body, absl::Now()));
  });
  (*data)->Handle("POST", "/sim/v1/raft", [&](const http::Request& r) {
    return ToResponse(svc.HandleRaft(r.body, absl::Now()));
  });
  (*status)->Handle("GET", "/status", [](const http::Request&) {
    return http::Response::Text("", 200);
  });
  (*status)->Handle("GET", "/metrics", [&](const http::Request&) {
    http::Response r = http::Response::Text(svc.RenderMetrics(absl::Now()));
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
  (*control)->Handle("POST", "/sim/v1/fault", [&](const http::Request& r) {
    return ToResponse(svc.HandleFaultPost(r.body, absl::Now()));
  });
  (*control)->Handle("DELETE", "/sim/v1/fault/([a-z_]+)", [&](const http::Request& r) {
    return ToResponse(svc.HandleFaultDelete(r.captures[0], absl::Now()));
  });
  (*control)->Handle("GET", "/sim/v1/faults", [&](const http::Request&) {
    return ToResponse(svc.HandleFaultList(absl::Now()));
  });
  for (auto* s : {&data, &status, &control}) {
    if (absl::Status st = (**s)->Start(); !st.ok()) {
      std::cerr << "tikv-sim-store: " << st.message() << "\n";
      return 1;
    }
  }
  std::vector<std::string> endpoints =
      absl::StrSplit(absl::GetFlag(FLAGS_pd_endpoints), ',', absl::SkipEmpty());
  std::cout << "tikv-sim-store " << state->store_id << " listening data=" << (*data)->port()
            << " status=" << (*status)->port() << " control=" << (*control)->port() << std::endl;

  auto client = http::Client::Create({});
  if (!client.ok()) {
    std::cerr << "tikv-sim-store: " << client.status().message() << "\n";
    return 1;
  }
  absl::Duration tick = std::max(absl::Milliseconds(10), cfg.scale(absl::Seconds(1)));
  PdLink::Options pd_opts;
  pd_opts.endpoints = endpoints;
  pd_opts.cluster_id = state->cluster_id;
  pd_opts.outgoing_delay = [&svc] { return svc.NetworkDelay(absl::Now()); };
  std::thread raft_thread([&] {
    PdLink pd(pd_opts, client->get(), sink);
    PeerAddresses addrs{svc.store_addresses(), {}, cfg.scale(absl::Seconds(10))};
    // A raft message waits at most one scaled heartbeat interval (floor 100 ms): delays below
    // that (network_delay under 2 s of cluster time) slow raft without breaking it.
    const absl::Duration raft_timeout =
        std::max(absl::Milliseconds(100), cfg.scale(absl::Seconds(2)));
    while (!g_stop) {
      absl::Time now = absl::Now();
      SendRaftBatches(svc, pd, **client, addrs, sink, svc.Tick(now), raft_timeout);
      StoreState st;
      if (svc.TakeStateIfDirty(&st)) {
        if (absl::Status s = SaveStoreState(data_dir, st); !s.ok()) {
          std::cerr << "tikv-sim-store: cannot persist store state: " << s.message() << "\n";
        }
      }
      absl::SleepFor(tick - (absl::Now() - now));
    }
  });
  std::thread pd_thread([&] {
    PdLink::Options o = pd_opts;
    o.log_connect = true;
    PdLink pd(o, client->get(), sink);
    RunPdLoop(svc, pd, cfg.scale, std::min(tick, absl::Milliseconds(100)), g_stop);
  });

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  g_stop = true;
  raft_thread.join();
  pd_thread.join();
  (*data)->Stop();
  (*status)->Stop();
  (*control)->Stop();
  StoreState st;
  if (svc.TakeStateIfDirty(&st)) (void)SaveStoreState(data_dir, st);
  return 0;
}

}  // namespace
}  // namespace ops::sim

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts so sigwait receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return ops::sim::Run(argc, argv);
}
