// ReportSignal throughput of the tickets service: one TicketServer in this process (pool of
// --pool_size PostgreSQL connections, its own schema bench_<pid>_0 dropped at exit) and --threads
// (8) gRPC client threads, each calling ReportSignal FIRING in a loop. Fingerprints: a hot set of
// --fingerprints stores (occurrences on open tickets) plus a --new_ratio share of new ones, each
// new fingerprint reported by ~3 calls in a row from different threads (so first reports race on
// the unique index). Every request carries a small ClusterSnapshot (3 stores, region counts).
//
// Two client set-ups: one channel shared by all threads (one HTTP/2 connection, as one observer
// process would have) and one channel per thread (separate connections: a local subchannel pool,
// otherwise gRPC would share one connection between equal channels anyway).
//
// Counters: items_per_second (all threads), per-thread p50/p99 latency averaged over threads,
// tickets opened. After the runs it prints, per set-up, the exact p50/p90/p99/max over all calls
// of the last run, process and PostgreSQL CPU, where the server's connections spent their time
// (pg_stat_activity sampled every 10 ms) and, when pg_stat_statements is loaded, the statements
// per ReportSignal. Then the checks: no fingerprint with two unresolved tickets, a gap-free
// event log (count = max(seq)), no failed call. Exits 1 when a check fails.
//
//   export OPS_BENCH_PG_DSN="host=/tmp/x/sock port=5432 dbname=operator user=postgres"
//   build-bench/bench/bench_tickets_report --seconds=5
//   (or --pg_dsn=...; bench/tickets_bench.sh starts a private PostgreSQL and runs it)
//
// Flags besides Google Benchmark's: --pg_dsn, --pool_size=8 (server's PostgreSQL pool),
// --threads=8 (client threads), --seconds=5 (minimum time per run), --fingerprints=200,
// --new_ratio=0.05. Select one set-up with --benchmark_filter=shared or =per_thread.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "libs/grpc/channel.h"
#include "libs/log/log.h"
#include "libs/pg/pg_test_util.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "services/tickets/ticket_server.h"
#include "services/tickets/tickets_test_util.h"

namespace {

namespace pb = ::ops::common::v1;
namespace tv1 = ::ops::tickets::v1;

constexpr char kAppName[] = "tickets_bench";

struct Flags {
  std::string pg_dsn;
  int pool_size = 8;
  int fingerprints = 200;
  double new_ratio = 0.05;
  int threads = 8;
  double seconds = 5;  // minimum time of each run (MinTime)
} g_flags;

std::unique_ptr<ops::pg::testing::TestSchema> g_schema;
std::unique_ptr<ops::tickets::TicketServer> g_server;
std::shared_ptr<grpc::Channel> g_shared_channel;
std::atomic<uint64_t> g_new_reports{0};
std::atomic<uint64_t> g_failed{0};
bool g_pgss = false;  // pg_stat_statements is queryable

// ---- measurements of one run (Setup to Teardown) ----

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// utime + stime of a process, in seconds; 0 when it is gone.
double ProcCpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::vector<std::string> f;
  std::string cur;
  for (char c : text.substr(paren + 2)) {
    if (c == ' ') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (f.size() < 13) return 0;
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Samples pg_stat_activity for the server's connections every 10 ms and counts what they do.
class WaitSampler {
 public:
  explicit WaitSampler(const std::string& dsn) : conn_(dsn) {}
  ~WaitSampler() { Stop(); }

  void Start() {
    counts_.clear();
    holder_.clear();
    samples_ = 0;
    stop_ = false;
    pg_cpu0_ = PgCpuSeconds();
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // CPU of every process of this PostgreSQL server (backends and background processes).
  double PgCpuSeconds() {
    pqxx::nontransaction tx(conn_);
    double s = 0;
    for (const auto& row : tx.exec("SELECT pid FROM pg_stat_activity")) {
      s += ProcCpuSeconds(row[0].as<int>());
    }
    return s;
  }
  double pg_cpu_since_start() { return PgCpuSeconds() - pg_cpu0_; }
  // "state / wait" of the server's connections -> share of (connection, sample) pairs.
  std::map<std::string, double> Shares() const { return Percent(counts_); }
  // "state [last statement]" of the append lock's holder -> share of samples.
  std::map<std::string, double> HolderShares() const { return Percent(holder_); }
  int64_t samples() const { return samples_; }

 private:
  void Run() {
    const std::string sql = absl::StrCat(
        "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, '') "
        "FROM pg_stat_activity WHERE application_name = '",
        kAppName, "'");
    const std::string holder_sql = absl::StrCat(
        "SELECT a.state, coalesce(a.wait_event_type, ''), coalesce(a.wait_event, ''), "
        "regexp_replace(left(a.query, 50), '\\s+', ' ', 'g') FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND a.application_name = '",
        kAppName, "' LIMIT 1");
    while (!stop_.load()) {
      pqxx::nontransaction tx(conn_);
      for (const auto& row : tx.exec(sql)) {
        std::string state = row[0].is_null() ? "?" : row[0].c_str();
        std::string wait = row[1].as<std::string>();
        if (!wait.empty()) absl::StrAppend(&wait, ":", row[2].as<std::string>());
        ++counts_[wait.empty() ? state : absl::StrCat(state, " / ", wait)];
      }
      // What the holder of the event append lock is doing (it is granted to one at a time).
      auto holder = tx.exec(holder_sql);
      if (holder.empty()) {
        ++holder_[" (lock free)"];
      } else {
        const auto& h = holder[0];
        std::string what = h[0].is_null() ? "?" : h[0].c_str();
        if (what == "active" && !h[1].as<std::string>().empty()) {
          absl::StrAppend(&what, " / ", h[1].as<std::string>(), ":", h[2].as<std::string>());
        }
        absl::StrAppend(&what, "  [", h[3].as<std::string>(), "]");
        ++holder_[what];
      }
      tx.commit();
      ++samples_;
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  static std::map<std::string, double> Percent(const std::map<std::string, int64_t>& counts) {
    std::map<std::string, double> out;
    int64_t total = 0;
    for (const auto& [k, n] : counts) total += n;
    for (const auto& [k, n] : counts) out[k] = total ? 100.0 * static_cast<double>(n) / total : 0;
    return out;
  }

  pqxx::connection conn_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::map<std::string, int64_t> counts_;
  std::map<std::string, int64_t> holder_;
  int64_t samples_ = 0;
  double pg_cpu0_ = 0;
};

std::unique_ptr<WaitSampler> g_sampler;

struct RunStats {
  std::vector<double> latency_ms;  // every call of the run
  double wall_s = 0, self_cpu_s = 0, pg_cpu_s = 0;
  uint64_t events_before = 0;
  std::map<std::string, double> waits, holder;
  std::vector<std::string> statements;
};
std::mutex g_mu;
RunStats g_run;                              // the run in progress
std::map<std::string, RunStats> g_last_run;  // per set-up, its last (reported) run
absl::Time g_run_start;
double g_cpu_start = 0;

uint64_t LastSeq() {
  return std::stoull("0" + g_schema->Query("SELECT max(seq) FROM ticket_events"));
}

void SetupRun(const benchmark::State&) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_run = RunStats();
  g_run.events_before = LastSeq();
  if (g_pgss) g_schema->Query("SELECT public.pg_stat_statements_reset()");
  g_sampler->Start();
  g_cpu_start = SelfCpuSeconds();
  g_run_start = absl::Now();
}

std::vector<std::string> StatementsPerReport(uint64_t reports) {
  std::vector<std::string> out;
  pqxx::connection conn(g_schema->dsn());
  pqxx::nontransaction tx(conn);
  auto r = tx.exec(
      "SELECT calls, total_exec_time, regexp_replace(left(query, 90), '\\s+', ' ', 'g') "
      "FROM public.pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
      "WHERE d.datname = current_database() AND query NOT LIKE '%pg_stat%' "
      "ORDER BY calls DESC, total_exec_time DESC LIMIT 14");
  int64_t calls = 0;
  for (const auto& row : r) calls += row[0].as<int64_t>();
  for (const auto& row : r) {
    out.push_back(absl::StrFormat(
        "%6.2f/report %7.3f ms avg  %s", row[0].as<double>() / static_cast<double>(reports),
        row[1].as<double>() / row[0].as<double>(), row[2].as<std::string>()));
  }
  out.push_back(absl::StrFormat("%6.2f statements per ReportSignal (top %d shapes)",
                                static_cast<double>(calls) / static_cast<double>(reports),
                                static_cast<int>(r.size())));
  return out;
}

template <int kMode>
void TeardownRun(const benchmark::State&) {
  static const char* const kNames[] = {"shared_channel", "channel_per_thread"};
  std::lock_guard<std::mutex> lock(g_mu);
  g_run.wall_s = absl::ToDoubleSeconds(absl::Now() - g_run_start);
  g_run.self_cpu_s = SelfCpuSeconds() - g_cpu_start;
  g_sampler->Stop();
  g_run.pg_cpu_s = g_sampler->pg_cpu_since_start();
  g_run.waits = g_sampler->Shares();
  g_run.holder = g_sampler->HolderShares();
  if (g_pgss && !g_run.latency_ms.empty()) {
    g_run.statements = StatementsPerReport(g_run.latency_ms.size());
  }
  g_last_run[kNames[kMode]] = std::move(g_run);
}

// ---- the benchmark ----

tv1::ReportSignalRequest Request(const std::string& store_id) {
  tv1::ReportSignalRequest r =
      ops::tickets::testing::Report(store_id, pb::SIGNAL_STATE_FIRING, absl::Now());
  r.mutable_signal()->set_fingerprint(absl::StrCat("fp-store_down-", store_id));
  pb::ClusterSnapshot* snap = r.mutable_snapshot();
  snap->set_cluster("bench");
  for (const char* id : {"101", "102"}) {
    pb::StoreStatus* s = snap->add_stores();
    s->set_id(id);
    s->set_address(absl::StrCat("tikv-", id, ":20160"));
    s->set_state_name("Up");
    s->set_capacity_bytes(uint64_t{500} << 30);
    s->set_available_bytes(uint64_t{320} << 30);
  }
  snap->mutable_regions()->set_total(12000);
  snap->mutable_regions()->set_down_peer(4000);
  snap->mutable_regions()->set_miss_peer(4000);
  return r;
}

std::shared_ptr<grpc::Channel> OwnChannel() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
  return grpc::CreateCustomChannel(g_server->address(), grpc::InsecureChannelCredentials(), args);
}

enum Mode { kShared = 0, kPerThread = 1 };

void BM_ReportSignal(benchmark::State& state, Mode mode) {
  auto channel = mode == kShared ? g_shared_channel : OwnChannel();
  if (!channel->WaitForConnected(ops::grpcutil::Deadline(absl::Seconds(10)))) {
    state.SkipWithError("cannot connect to the tickets server");
    return;
  }
  auto stub = tv1::TicketService::NewStub(channel);
  std::vector<tv1::ReportSignalRequest> hot;
  for (int i = 1; i <= g_flags.fingerprints; ++i) hot.push_back(Request(std::to_string(i)));
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> pick(0, g_flags.fingerprints - 1);
  std::bernoulli_distribution fresh(g_flags.new_ratio);
  std::vector<double> ms;
  ms.reserve(1 << 16);
  int64_t opened = 0;
  for (auto _ : state) {
    tv1::ReportSignalRequest fresh_req;
    const tv1::ReportSignalRequest* req = &hot[pick(rng)];
    if (fresh(rng)) {
      // ~3 consecutive new reports (any thread) share a fingerprint: they race to open it.
      fresh_req = Request(absl::StrCat("new-", g_new_reports.fetch_add(1) / 3));
      req = &fresh_req;
    }
    grpc::ClientContext ctx;
    ops::grpcutil::SetDeadline(&ctx, absl::Seconds(30));
    tv1::ReportSignalResponse resp;
    const absl::Time t0 = absl::Now();
    grpc::Status s = stub->ReportSignal(&ctx, *req, &resp);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    if (!s.ok()) {
      if (g_failed.fetch_add(1) < 5) {
        std::fprintf(stderr, "ReportSignal failed: %d %s\n", s.error_code(),
                     s.error_message().c_str());
      }
    } else if (resp.created()) {
      ++opened;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["opened"] = static_cast<double>(opened);
  std::vector<double> mine = ms;
  state.counters["p50_ms"] =
      benchmark::Counter(Percentile(mine, 0.50), benchmark::Counter::kAvgThreads);
  state.counters["p99_ms"] =
      benchmark::Counter(Percentile(mine, 0.99), benchmark::Counter::kAvgThreads);
  std::lock_guard<std::mutex> lock(g_mu);
  g_run.latency_ms.insert(g_run.latency_ms.end(), ms.begin(), ms.end());
}

void RegisterBenchmarks() {
  benchmark::RegisterBenchmark("BM_ReportSignal/shared_channel", BM_ReportSignal, kShared)
      ->Threads(g_flags.threads)
      ->UseRealTime()
      ->MinTime(g_flags.seconds)
      ->Unit(benchmark::kMicrosecond)
      ->Setup(SetupRun)
      ->Teardown(TeardownRun<kShared>);
  benchmark::RegisterBenchmark("BM_ReportSignal/channel_per_thread", BM_ReportSignal, kPerThread)
      ->Threads(g_flags.threads)
      ->UseRealTime()
      ->MinTime(g_flags.seconds)
      ->Unit(benchmark::kMicrosecond)
      ->Setup(SetupRun)
      ->Teardown(TeardownRun<kPerThread>);
}

// ---- main: flags, server, checks ----

bool TakeFlag(const std::string& arg, const char* name, std::string* value) {
  const std::string prefix = absl::StrCat("--", name, "=");
  if (!absl::StartsWith(arg, prefix)) return false;
  *value = arg.substr(prefix.size());
  return true;
}

void ParseFlags(int* argc, char** argv) {
  if (const char* env = std::getenv("OPS_BENCH_PG_DSN")) g_flags.pg_dsn = env;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    std::string arg = argv[i], v;
    if (TakeFlag(arg, "pg_dsn", &v)) {
      g_flags.pg_dsn = v;
    } else if (TakeFlag(arg, "pool_size", &v)) {
      g_flags.pool_size = std::stoi(v);
    } else if (TakeFlag(arg, "fingerprints", &v)) {
      g_flags.fingerprints = std::max(1, std::stoi(v));
    } else if (TakeFlag(arg, "new_ratio", &v)) {
      g_flags.new_ratio = std::stod(v);
    } else if (TakeFlag(arg, "threads", &v)) {
      g_flags.threads = std::max(1, std::stoi(v));
    } else if (TakeFlag(arg, "seconds", &v)) {
      g_flags.seconds = std::stod(v);
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
}

void PrintShares(const std::map<std::string, double>& shares) {
  std::vector<std::pair<double, std::string>> sorted;
  for (const auto& [k, v] : shares) sorted.push_back({v, k});
  std::sort(sorted.rbegin(), sorted.rend());
  for (const auto& [v, k] : sorted) {
    if (v >= 0.1) std::printf("     %5.1f%%  %s\n", v, k.c_str());
  }
}

void PrintRun(const std::string& name, RunStats& r) {
  const size_t n = r.latency_ms.size();
  const double rate = static_cast<double>(n) / r.wall_s;
  std::printf("\n== %s: last run, %zu ReportSignal calls in %.2f s = %.0f/s (target 2000/s: %s)\n",
              name.c_str(), n, r.wall_s, rate, rate >= 2000 ? "met" : "NOT met");
  const double p50 = Percentile(r.latency_ms, 0.50), p90 = Percentile(r.latency_ms, 0.90);
  const double p99 = Percentile(r.latency_ms, 0.99), max = Percentile(r.latency_ms, 1.0);
  std::printf("   latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", p50, p90, p99, max);
  std::printf(
      "   CPU: this process (server + clients) %.2f cores, PostgreSQL %.2f cores "
      "(of %ld)\n",
      r.self_cpu_s / r.wall_s, r.pg_cpu_s / r.wall_s, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("   server's PostgreSQL connections, state / wait (%% of samples every 10 ms):\n");
  PrintShares(r.waits);
  std::printf("   event append lock (pg_advisory_xact_lock): holder's state [its statement]:\n");
  PrintShares(r.holder);
  if (!r.statements.empty()) std::printf("   statements (pg_stat_statements):\n");
  for (const auto& s : r.statements) std::printf("     %s\n", s.c_str());
}

int Check(const char* what, const std::string& got, const std::string& want) {
  const bool ok = got == want;
  std::printf("   %-48s %-10s %s\n", what, got.c_str(), ok ? "OK" : ("FAIL, want " + want).c_str());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ParseFlags(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  if (g_flags.pg_dsn.empty()) {
    std::fprintf(stderr, "set --pg_dsn or OPS_BENCH_PG_DSN (bench/tickets_bench.sh does)\n");
    return 2;
  }
  ops::log::SetLevel(ops::log::Level::kWarn);
  g_schema = std::make_unique<ops::pg::testing::TestSchema>(g_flags.pg_dsn, "bench");
  if (!g_schema->ok()) {
    std::fprintf(stderr, "cannot create the bench schema: %s\n", g_schema->error().c_str());
    return 1;
  }
  if (absl::StrContains(g_schema->Query("SHOW shared_preload_libraries"), "pg_stat_statements")) {
    try {
      g_schema->Query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public");
      g_schema->Query("SELECT count(*) FROM public.pg_stat_statements");
      g_pgss = true;
    } catch (const std::exception& e) {
      std::printf("(pg_stat_statements unusable: %s)\n", e.what());
    }
  } else {
    std::printf("(pg_stat_statements not in shared_preload_libraries: no statement breakdown)\n");
  }
  ops::tickets::TicketServer::Options o;
  o.dsn = absl::StrCat(g_schema->dsn(), " application_name=", kAppName);
  o.listen_address = "127.0.0.1:0";
  o.pool_size = g_flags.pool_size;
  auto server = ops::tickets::TicketServer::Create(o);
  if (!server.ok()) {
    std::fprintf(stderr, "TicketServer::Create: %s\n", server.status().ToString().c_str());
    return 1;
  }
  g_server = *std::move(server);
  g_shared_channel = ops::grpcutil::MakeChannel(g_server->address());
  g_sampler = std::make_unique<WaitSampler>(g_flags.pg_dsn);
  std::printf("schema %s, pool %d, %d hot fingerprints, %.0f%% new\n", g_schema->name().c_str(),
              g_flags.pool_size, g_flags.fingerprints, 100 * g_flags.new_ratio);

  RegisterBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (auto& [name, run] : g_last_run) PrintRun(name, run);

  g_server->Shutdown();
  std::printf("\n== checks over the whole process run\n");
  int failed = 0;
  failed += Check("fingerprints with >1 unresolved ticket",
                  g_schema->Query("SELECT count(*) FROM (SELECT fingerprint FROM tickets "
                                  "WHERE status <> 4 GROUP BY fingerprint HAVING count(*) > 1) d"),
                  "0");
  const std::string max_seq = g_schema->Query("SELECT coalesce(max(seq), 0) FROM ticket_events");
  failed += Check("ticket_events count(*) vs max(seq)",
                  g_schema->Query("SELECT count(*) FROM ticket_events"), max_seq);
  failed += Check("failed ReportSignal calls", std::to_string(g_failed.load()), "0");
  std::printf("   (tickets %s, events %s, snapshots kept %s)\n",
              g_schema->Query("SELECT count(*) FROM tickets").c_str(), max_seq.c_str(),
              g_schema->Query("SELECT count(*) FROM ticket_snapshots").c_str());
  g_shared_channel.reset();
  g_server.reset();
  g_sampler.reset();
  g_schema.reset();
  return failed ? 1 : 0;
}
