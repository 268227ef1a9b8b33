// PD API latency of tikv-sim-pd in scale mode (1,000 stores, 1,000,000 regions): starts the real
// tikv-sim-pd process on a free 127.0.0.1 port, waits until it serves, and measures whole HTTP
// requests (libcurl client, keep-alive) per endpoint. Counters: p50/p99 per request in ms, body
// size, and the server's RSS (VmRSS) after the run; the server's startup time is printed first.
// Requests send Accept-Encoding: identity, as real PD (Go net/http, no compression middleware)
// never compresses; otherwise cpp-httplib would brotli-compress JSON and text bodies.
//
//   build-scale/bench/bench_sim_pd_api --benchmark_min_time=2
//   SIM_PD_STORES=100 SIM_PD_REGIONS=100000 build-scale/bench/bench_sim_pd_api   (smaller)
//
// The server process is SIGKILLed and reaped when the benchmark exits.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "libs/http/client.h"
#include "libs/http/test_servers.h"

namespace {

pid_t g_pid = -1;
int g_port = 0;
std::unique_ptr<ops::http::Client> g_client;

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

double RssMiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

void KillServer() {
  if (g_pid > 0) {
    kill(g_pid, SIGKILL);
    waitpid(g_pid, nullptr, 0);
    g_pid = -1;
  }
}

void OnSignal(int sig) {
  if (g_pid > 0) kill(g_pid, SIGKILL);
  _exit(128 + sig);
}

bool StartServer() {
  g_port = ops::http::testing::UnusedPort();
  std::vector<std::string> args = {OPS_SIM_PD_BIN,
                                   "--scale-stores",
                                   Env("SIM_PD_STORES", "1000"),
                                   "--scale-regions",
                                   Env("SIM_PD_REGIONS", "1000000"),
                                   "--client-urls",
                                   absl::StrCat("http://127.0.0.1:", g_port)};
  absl::Time begin = absl::Now();
  g_pid = fork();
  if (g_pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::atexit(KillServer);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  ops::http::RequestOptions o;
  o.retry = ops::http::RetryPolicy{.max_attempts = 1};
  o.timeout = absl::Seconds(2);
  std::string url = absl::StrCat("http://127.0.0.1:", g_port, "/pd/api/v1/regions/count");
  for (absl::Time end = begin + absl::Seconds(120); absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(20))) {
    auto r = g_client->Get(url, o);
    if (r.ok()) {
      std::printf("tikv-sim-pd %s stores / %s regions serving after %.0f ms, RSS %.1f MiB\n",
                  args[2].c_str(), args[4].c_str(),
                  absl::ToDoubleMilliseconds(absl::Now() - begin), RssMiB(g_pid));
      return true;
    }
  }
  return false;
}

void BM_PdApi(benchmark::State& state, const char* path) {
  std::string url = absl::StrCat("http://127.0.0.1:", g_port, path);
  ops::http::RequestOptions o;
  o.retry = ops::http::RetryPolicy{.max_attempts = 1};
  o.timeout = absl::Seconds(60);
  o.headers = {{"Accept-Encoding", "identity"}};
  o.max_response_bytes = size_t{4} << 30;
  std::vector<double> ms;
  size_t bytes = 0;
  for (auto _ : state) {
    absl::Time t0 = absl::Now();
    auto r = g_client->Get(url, o);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    bytes = r->body.size();
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.counters["server_rss_MiB"] = RssMiB(g_pid);
}

BENCHMARK_CAPTURE(BM_PdApi, stores, "/pd/api/v1/stores")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, check_miss_peer, "/pd/api/v1/regions/check/miss-peer")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, check_down_peer, "/pd/api/v1/regions/check/down-peer")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, regions_count, "/pd/api/v1/regions/count")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, regions_key_limit16, "/pd/api/v1/regions/key?limit=16")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, stats_region, "/pd/api/v1/stats/region")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, health, "/pd/api/v1/health")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, members, "/pd/api/v1/members")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, config, "/pd/api/v1/config")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PdApi, metrics, "/metrics")->Unit(benchmark::kMillisecond);
// The full list (about 500 MB at a million regions): a few iterations only.
BENCHMARK_CAPTURE(BM_PdApi, regions_all, "/pd/api/v1/regions")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  auto c = ops::http::Client::Create({});
  if (!c.ok()) {
    std::fprintf(stderr, "http client: %s\n", std::string(c.status().message()).c_str());
    return 1;
  }
  g_client = std::move(*c);
  if (!StartServer()) {
    std::fprintf(stderr, "tikv-sim-pd did not start serving within 120 s\n");
    KillServer();
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  KillServer();
  return 0;
}
