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
#include "absl/synchronization/notification.h"
#include "libs/config/config.h"
#include "libs/http/client.h"
#include "libs/http/server.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/common/unified_log.h"
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

using nlohmann::json;

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

class PdLink {
 public:
  PdLink(std::vector<std::string> endpoints, const http::Client* client, UnifiedLog* log)
      : endpoints_(std::move(endpoints)), client_(client), log_(log) {}

  // POSTs to the PD leader's peer URL, finding/following the leader. False on failure.
  bool Post(const std::string& path, const std::string& body) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (leader_peer_.empty() && !FindLeader()) return false;
      http::ClientRequest req{"POST", leader_peer_ + path, body, "application/json", Opts()};
      auto r = client_->Do(req);
      if (!r.ok()) {
        Fail(absl::StrCat("request to ", leader_peer_, " failed: ", r.status().message()));
        leader_peer_.clear();
        continue;
      }
      if (r->status == 200) return true;
      std::string next;
      try {
        json j = json::parse(r->body);
        if (j.value("error", "") == "not_leader") next = j.value("leader_peer_url", "");
      } catch (const json::exception&) {
      }
      leader_peer_ = next;
    }
    return false;
  }

  // Resolves a store's address via PD's public API.
  std::string ResolveStore(uint64_t id) {
    for (const std::string& ep : endpoints_) {
      auto r = client_->Do({"GET", absl::StrCat(ep, "/pd/api/v1/store/", id), "", "", Opts()});
      if (!r.ok() || r->status != 200) continue;
      try {
        return json::parse(r->body).at("store").at("address").get<std::string>();
      } catch (const json::exception&) {
      }
    }
    return "";
  }

 private:
  http::RequestOptions Opts() {
    http::RequestOptions o;
    o.timeout = absl::Seconds(2);
    o.connect_timeout = absl::Milliseconds(500);
    http::RetryPolicy p;
    p.max_attempts = 1;
    o.retry = p;
    return o;
  }
  bool FindLeader() {
    for (const std::string& ep : endpoints_) {
      auto r = client_->Do({"GET", ep + "/pd/api/v1/leader", "", "", Opts()});
      if (!r.ok() || r->status != 200) continue;
      try {
        json j = json::parse(r->body);
        leader_peer_ = j.at("peer_urls").at(0).get<std::string>();
        if (!connected_) {
          connected_ = true;
          log_->Write("INFO", "util.rs:639", "connected to PD member",
                      {{"endpoints", leader_peer_}});
        }
        return true;
      } catch (const json::exception&) {
      }
    }
    Fail("no PD endpoint answered /pd/api/v1/leader");
    return false;
  }
  void Fail(const std::string& why) {
    absl::Time now = absl::Now();
    if (now - last_fail_log_ < absl::Seconds(5)) return;
    last_fail_log_ = now;
    log_->Write("WARN", "util.rs:723", "PD client request failed", {{"err", why}});
  }
  std::vector<std::string> endpoints_;
  const http::Client* client_;
  UnifiedLog* log_;
  std::string leader_peer_;
  bool connected_ = false;
  absl::Time last_fail_log_ = absl::InfinitePast();
};

// Peer store addresses: bootstrap hints first, PD (GET /store/{id}) otherwise. An address that
// stops answering is looked up again (at most once per `recheck`), because a hint persisted in
// store_state.json goes stale when the cluster is started again on new ports.
struct PeerAddresses {
  std::map<uint64_t, std::string> addr;
  std::map<uint64_t, absl::Time> checked;
  absl::Duration recheck;

  void OnFailure(uint64_t store, PdLink& pd) {
    const absl::Time now = absl::Now();
    auto it = checked.find(store);
    if (it != checked.end() && now - it->second < recheck) return;
    checked[store] = now;
    std::string fresh = pd.ResolveStore(store);
    if (!fresh.empty()) addr[store] = fresh;
  }
};

void SendBatches(StoreService& svc, PdLink& pd, const http::Client& client,
                 PeerAddresses& addrs, std::map<uint64_t, std::vector<RaftMsg>> batches,
                 absl::Duration timeout) {
  for (int round = 0; round < 4 && !batches.empty(); ++round) {
    std::map<uint64_t, std::vector<RaftMsg>> next;
    for (auto& [store, msgs] : batches) {
      if (msgs.empty()) continue;
      std::string& addr = addrs.addr[store];
      if (addr.empty()) {
        addrs.OnFailure(store, pd);
        addr = addrs.addr[store];
      }
      if (addr.empty()) {
        svc.OnUnreachable(store, "", true, absl::Now());
        continue;
      }
      http::RequestOptions o;
      o.timeout = timeout;
      o.connect_timeout = timeout;
      http::RetryPolicy p;
      p.max_attempts = 1;
      o.retry = p;
      auto r = client.Do({"POST", absl::StrCat("http://", addr, "/sim/v1/raft"),
                          RaftBatchToJson(svc.store_id(), msgs), "application/json", o});
      if (!r.ok() || r->status != 200) {
        bool connect = !r.ok() && absl::IsDeadlineExceeded(r.status());
        svc.OnUnreachable(store, addr, connect, absl::Now());
        if (!r.ok()) addrs.OnFailure(store, pd);
        continue;
      }
      uint64_t from = 0;
      auto replies = RaftBatchFromJson(r->body, &from);
      if (!replies.ok()) continue;
      svc.OnReachable(store);
      for (auto& [s, m] : svc.OnReplies(store, *replies, absl::Now())) {
        auto& v = next[s];
        v.insert(v.end(), m.begin(), m.end());
      }
    }
    batches = std::move(next);
  }
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
  (*log)->Write("INFO", "lib.rs:89", "Welcome to TiKV");
  (*log)->Write("INFO", "lib.rs:94", "Release Version:   8.5.7");

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
  UnifiedLog* logp = log->get();
  std::string thread_id = absl::StrCat(getpid());
  StoreService svc(cfg, *state, [logp, thread_id](const LogEvent& e) {
    LogFields f = e.fields;
    f.emplace_back("thread_id", thread_id);
    logp->Write(e.level, e.source, e.message, f);
  }, absl::Now());

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
  (*log)->Write("INFO", "common.rs:327", "connect to PD cluster",
                {{"cluster_id", absl::StrCat(state->cluster_id)}});
  (*log)->Write("INFO", "server.rs:1045", "TiKV is ready to serve",
                {{"addr", cfg.addr}, {"status_addr", cfg.status_addr},
                 {"control_port", absl::StrCat((*control)->port())}});
  std::cout << "tikv-sim-store " << state->store_id << " listening data=" << (*data)->port()
            << " status=" << (*status)->port() << " control=" << (*control)->port() << std::endl;

  auto client = http::Client::Create({});
  if (!client.ok()) {
    std::cerr << "tikv-sim-store: " << client.status().message() << "\n";
    return 1;
  }
  absl::Duration tick = std::max(absl::Milliseconds(10), cfg.scale(absl::Seconds(1)));
  std::thread raft_thread([&] {
    PdLink pd(endpoints, client->get(), logp);
    PeerAddresses addrs{svc.store_addresses(), {}, cfg.scale(absl::Seconds(10))};
    while (!g_stop) {
      absl::Time now = absl::Now();
      SendBatches(svc, pd, **client, addrs, svc.Tick(now),
                  std::max(absl::Milliseconds(100), tick));
      StoreState st;
      if (svc.TakeStateIfDirty(&st)) {
        if (absl::Status s = SaveStoreState(data_dir, st); !s.ok()) {
          logp->Write("ERROR", "store.rs:1", "failed to persist store state",
                      {{"err", std::string(s.message())}});
        }
      }
      absl::SleepFor(tick - (absl::Now() - now));
    }
  });
  std::thread pd_thread([&] {
    PdLink pd(endpoints, client->get(), logp);
    absl::Time next_store = absl::InfinitePast(), next_region = absl::InfinitePast();
    while (!g_stop) {
      absl::Time now = absl::Now();
      if (!svc.Partitioned(now)) {
        // A heartbeat that did not reach the PD leader (PD starting, electing, unreachable) is
        // retried on the next pass instead of waiting a whole interval: otherwise a store that
        // starts before PD has a leader would hide its regions for 60 s.
        if (now >= next_store &&
            pd.Post("/sim/v1/store-heartbeat", svc.StoreHeartbeatJson(now))) {
          next_store = now + cfg.scale(absl::Seconds(10));
        }
        bool empty = true;
        bool all = now >= next_region;
        std::string body = svc.RegionHeartbeatJson(!all, now, &empty);
        bool sent = empty || pd.Post("/sim/v1/region-heartbeat", body);
        if (all && sent) next_region = now + cfg.scale(absl::Seconds(60));
      }
      absl::SleepFor(std::min(tick, absl::Milliseconds(100)));
    }
  });

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  (*log)->Write("INFO", "signal_handler.rs:30", "receive signal", {{"signal", strsignal(sig)}});
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
