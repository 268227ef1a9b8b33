// tikv-sim-workload: the simulator's load generator (go-ycsb's role). Wires flags, the runner,
// the /metrics server and the control port (hot_region fault); see workload_runner.h.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "libs/config/config.h"
#include "libs/http/server.h"
#include "libs/log/log.h"
#include "subjects/tikv/sim/workload/workload_runner.h"

ABSL_FLAG(std::string, pd_endpoints, "http://127.0.0.1:2379",
          "PD client URLs, comma-separated (also --pd-endpoints)");
ABSL_FLAG(double, rate, 2000, "target operations per second (0: no load)");
ABSL_FLAG(double, read_ratio, 0.5, "share of reads, 0..1 (default 0.5 like YCSB workload A)");
ABSL_FLAG(uint64_t, keys, 100000, "keyspace size (YCSB recordcount)");
ABSL_FLAG(std::string, distribution, "zipfian", "key popularity: zipfian (theta 0.99) | uniform");
ABSL_FLAG(std::string, metrics_addr, "127.0.0.1:0", "host:port serving /metrics");
ABSL_FLAG(std::string, control_addr, "127.0.0.1:0", "host:port of the fault control endpoint");
ABSL_FLAG(uint64_t, seed, 1, "random seed");
ABSL_FLAG(double, time_scale, 1.0, "timing factor in (0, 1] (PD refresh period 10 s x factor)");
ABSL_FLAG(int, concurrency, 16,
          "worker threads (each keeps one connection per store; go-ycsb runs 64+ threads)");
ABSL_FLAG(std::string, log_file, "", "append the log here instead of stderr");

namespace {

absl::StatusOr<std::unique_ptr<ops::http::Server>> Listen(const std::string& addr) {
  std::vector<std::string> parts = absl::StrSplit(addr, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) {
    return absl::InvalidArgumentError("address must be host:port, got " + addr);
  }
  return ops::http::Server::Create({.host = parts[0], .port = port, .threads = 2});
}

int Fail(const absl::Status& s) {
  std::cerr << "tikv-sim-workload: " << s.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Accept real-style dashed flags (--pd-endpoints) as well as absl's underscores.
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0) continue;
    for (size_t j = 2; j < args[i].size() && args[i][j] != '='; ++j) {
      if (args[i][j] == '-') args[i][j] = '_';
    }
  }
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  auto parsed = ops::config::Init(static_cast<int>(cargs.size()), cargs.data(),
                                  {.usage = "tikv-sim-workload: sends reads and writes to the "
                                            "tikv-sim stores, routed by region leader",
                                   .env_prefix = "TIKV_SIM_WORKLOAD_"});
  if (!parsed.ok()) return Fail(parsed.status());
  if (!absl::GetFlag(FLAGS_log_file).empty() &&
      std::freopen(absl::GetFlag(FLAGS_log_file).c_str(), "a", stderr) == nullptr) {
    return Fail(
        absl::InvalidArgumentError("cannot open --log-file " + absl::GetFlag(FLAGS_log_file)));
  }
  ops::sim::WorkloadOptions o;
  o.pd_endpoints = absl::StrSplit(absl::GetFlag(FLAGS_pd_endpoints), ',', absl::SkipEmpty());
  o.rate = absl::GetFlag(FLAGS_rate);
  o.read_ratio = absl::GetFlag(FLAGS_read_ratio);
  o.keys = absl::GetFlag(FLAGS_keys);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.time_scale = absl::GetFlag(FLAGS_time_scale);
  const std::string dist = absl::GetFlag(FLAGS_distribution);
  if (dist != "zipfian" && dist != "uniform") {
    return Fail(absl::InvalidArgumentError("--distribution must be zipfian or uniform"));
  }
  o.zipfian = dist == "zipfian";
  if (o.rate < 0 || o.read_ratio < 0 || o.read_ratio > 1 || o.keys < 1 || o.concurrency < 1 ||
      !(o.time_scale > 0 && o.time_scale <= 1) || o.pd_endpoints.empty()) {
    return Fail(absl::InvalidArgumentError(
        "need --rate >= 0, --read-ratio in [0,1], --keys >= 1, --concurrency >= 1, "
        "--time-scale in (0,1] and at least one --pd-endpoints URL"));
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  ops::sim::WorkloadMetrics metrics;
  ops::sim::WorkloadRunner runner(o, &metrics);
  auto metrics_server = Listen(absl::GetFlag(FLAGS_metrics_addr));
  if (!metrics_server.ok()) return Fail(metrics_server.status());
  auto control = Listen(absl::GetFlag(FLAGS_control_addr));
  if (!control.ok()) return Fail(control.status());
  (*metrics_server)->Handle("GET", "/metrics", [&](const ops::http::Request&) {
    ops::http::Response r = ops::http::Response::Text(metrics.Render(absl::Now()));
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  auto error = [](int code, absl::string_view msg) {
    return ops::http::Response::Json(
        nlohmann::json({{"error", "bad_request"}, {"message", std::string(msg)}}).dump(), code);
  };
  (*control)->Handle("POST", "/sim/v1/fault", [&](const ops::http::Request& req) {
    nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
    if (!j.is_object() || j.value("kind", "") != "hot_region" || !j.contains("ttl_ms") ||
        !j["ttl_ms"].is_number_integer()) {
      return error(400, "expected {\"kind\":\"hot_region\",\"params\":{...},\"ttl_ms\":N}");
    }
    auto at = runner.SetHotSpot(j.value("params", nlohmann::json::object()),
                                absl::Milliseconds(j["ttl_ms"].get<int64_t>()), absl::Now());
    if (!at.ok()) return error(400, at.status().message());
    ops::log::Info("hot_region set", {{"params", j.value("params", nlohmann::json()).dump()}});
    return ops::http::Response::Json(
        nlohmann::json({{"kind", "hot_region"}, {"expires_at_unix_ms", absl::ToUnixMillis(*at)}})
            .dump());
  });
  (*control)->Handle("DELETE", "/sim/v1/fault/([^/]+)", [&](const ops::http::Request& req) {
    if (req.captures.at(0) != "hot_region") return error(404, "unknown fault kind");
    runner.ClearHotSpot();
    return ops::http::Response::Json(R"({"ok":true})");
  });
  (*control)->Handle("GET", "/sim/v1/faults", [&](const ops::http::Request&) {
    return ops::http::Response::Json(runner.HotSpotJson(absl::Now()).dump());
  });
  if (absl::Status s = (*metrics_server)->Start(); !s.ok()) return Fail(s);
  if (absl::Status s = (*control)->Start(); !s.ok()) return Fail(s);
  runner.Start();
  ops::log::Info("workload started", {{"rate", o.rate},
                                      {"metrics_port", (*metrics_server)->port()},
                                      {"control_port", (*control)->port()}});
  int sig = 0;
  sigwait(&stop, &sig);
  ops::log::Info("workload stopping", {{"signal", sig}});
  runner.Stop();
  (*control)->Stop();
  (*metrics_server)->Stop();
  return 0;
}
