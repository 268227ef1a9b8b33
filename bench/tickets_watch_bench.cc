// WatchTickets fan-out of the tickets service: --subscribers live streams (from_seq = 0, each on
// its own connection unless --shared_channel) on one TicketServer, while a producer calls
// ReportSignal FIRING at a steady --rate for --seconds (open loop: call i is due at i/rate, up to
// --producers calls in flight; fingerprints cycle over --fingerprints stores, so after the first
// round every report is an occurrence: one event per report).
//
// The server runs in a child process (forked before this process touches gRPC) so its CPU is
// measured apart from the 100 client threads: /proc/<pid>/stat over the measurement window, and
// the same for every PostgreSQL process. Its schema bench_<pid>_0 is dropped at exit.
//
// Readiness: the producer sends warm-up reports until every subscriber has received one, so
// all streams are live; only events after the warm-up count. An event is matched to the call
// that made it by (ticket id, occurrence count), which both the event and the call's reply
// carry. Each subscriber records, per event, the receive time. Delivery latency is printed three
// ways, over all (subscriber, event) pairs:
//   after reply  receive - time the producer's ReportSignal returned (the headline number;
//                negative when the stream delivered before the reply arrived)
//   after send   receive - time the producer sent the request (observer's view end to end)
//   after at     receive - the event's `at` (server clock, same machine; taken at the start of
//                the write transaction)
// plus, per event, the time until the first and the last subscriber had it. Also: events received
// per subscriber (all must get all, in order), how each stream ended (RESOURCE_EXHAUSTED means
// a subscriber was dropped as too slow), achieved report rate, CPU. Exits 1 on any loss.
//
//   export OPS_BENCH_PG_DSN="host=/tmp/x/sock port=5432 dbname=operator user=postgres"
//   build-bench/bench/bench_tickets_watch --rate=200 --seconds=10
//   (bench/tickets_bench.sh starts a private PostgreSQL and runs it)
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/proto_time.h"
#include "libs/grpc/channel.h"
#include "libs/log/log.h"
#include "libs/pg/pg_test_util.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "services/tickets/ticket_server.h"
#include "services/tickets/tickets_test_util.h"

ABSL_FLAG(std::string, pg_dsn, "", "PostgreSQL DSN (default: $OPS_BENCH_PG_DSN)");
ABSL_FLAG(int, subscribers, 100, "concurrent WatchTickets streams");
ABSL_FLAG(double, rate, 200, "ReportSignal calls per second from the producer");
ABSL_FLAG(double, seconds, 10, "how long the producer reports");
ABSL_FLAG(int, producers, 4, "producer threads (calls in flight at most), to hold --rate");
ABSL_FLAG(int, fingerprints, 50, "distinct fingerprints the producer cycles over");
ABSL_FLAG(int, pool_size, 8, "server's PostgreSQL pool size");
ABSL_FLAG(int, stream_queue, 1024, "server's per-stream queue (events a client may lag)");
ABSL_FLAG(bool, shared_channel, false, "all subscribers on one channel (one HTTP/2 connection)");
ABSL_FLAG(double, drain_timeout, 30, "seconds to wait for every subscriber to get every event");

namespace {

namespace pb = ::ops::common::v1;
namespace tv1 = ::ops::tickets::v1;

constexpr char kAppName[] = "tickets_bench";

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

double PgCpuSeconds(const std::string& dsn) {
  pqxx::connection conn(dsn);
  pqxx::nontransaction tx(conn);
  double s = 0;
  for (const auto& row : tx.exec("SELECT pid FROM pg_stat_activity")) {
    s += ProcCpuSeconds(row[0].as<int>());
  }
  return s;
}

// The p-quantile of sorted `v`.
double Pct(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return absl::StrFormat("p50 %7.2f  p99 %7.2f  max %7.2f  min %7.2f ms", Pct(v, 0.5), Pct(v, 0.99),
                         v.empty() ? 0 : v.back(), v.empty() ? 0 : v.front());
}

// ---- the server, in a child process ----

struct Child {
  pid_t pid = -1;
  int stop_fd = -1;  // closing it makes the child shut down
  std::string address;
};

// Forks; the child starts a TicketServer on `dsn`, writes its address (or "!error") to the
// parent and serves until the parent closes the stop pipe or dies.
bool StartServerProcess(const std::string& dsn, Child* child) {
  int addr_pipe[2], stop_pipe[2];
  if (pipe(addr_pipe) != 0 || pipe(stop_pipe) != 0) return false;
  child->pid = fork();
  if (child->pid < 0) return false;
  if (child->pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(addr_pipe[0]);
    close(stop_pipe[1]);
    ops::tickets::TicketServer::Options o;
    o.dsn = dsn;
    o.listen_address = "127.0.0.1:0";
    o.pool_size = absl::GetFlag(FLAGS_pool_size);
    o.stream_queue = static_cast<size_t>(absl::GetFlag(FLAGS_stream_queue));
    auto server = ops::tickets::TicketServer::Create(o);
    std::string msg = server.ok() ? (*server)->address() : "!" + server.status().ToString();
    msg += "\n";
    if (write(addr_pipe[1], msg.data(), msg.size()) < 0) _exit(1);
    close(addr_pipe[1]);
    if (!server.ok()) _exit(1);
    char c;
    while (read(stop_pipe[0], &c, 1) > 0) {
    }
    (*server)->Shutdown();
    _exit(0);  // no destructors: the parent owns the schema
  }
  close(addr_pipe[1]);
  close(stop_pipe[0]);
  child->stop_fd = stop_pipe[1];
  std::string line;
  char c;
  while (read(addr_pipe[0], &c, 1) == 1 && c != '\n') line += c;
  close(addr_pipe[0]);
  if (line.empty() || line[0] == '!') {
    std::fprintf(stderr, "tickets server failed to start: %s\n", line.c_str());
    return false;
  }
  child->address = line;
  return true;
}

void StopServerProcess(Child* child) {
  if (child->pid <= 0) return;
  close(child->stop_fd);
  int status = 0;
  for (int i = 0; i < 100 && waitpid(child->pid, &status, WNOHANG) == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  if (waitpid(child->pid, &status, WNOHANG) == 0) {
    kill(child->pid, SIGKILL);
    waitpid(child->pid, &status, 0);
  }
  child->pid = -1;
}

// ---- clients ----

struct Received {
  uint64_t seq;
  absl::Time recv;
  absl::Time at;
  std::string ticket_id;
  int64_t occurrences;
};

struct Subscriber {
  grpc::ClientContext ctx;
  std::vector<Received> got;
  std::atomic<uint64_t> last_seq{0};
  std::atomic<bool> live{false};
  grpc::Status status;
  std::thread thread;

  void Run(tv1::TicketService::Stub* stub) {
    tv1::WatchTicketsRequest req;  // from_seq 0: live only
    auto reader = stub->WatchTickets(&ctx, req);
    tv1::TicketEvent e;
    while (reader->Read(&e)) {
      const absl::Time now = absl::Now();
      absl::Time at = ops::core::TimeFromProto(e.at()).value_or(absl::InfinitePast());
      got.push_back(
          {e.seq(), now, at, e.ticket_id(), static_cast<int64_t>(e.ticket().occurrences())});
      last_seq.store(e.seq());
      live.store(true);
    }
    status = reader->Finish();
  }
};

struct Call {
  absl::Time sent, replied;
  bool ok = false;
  std::string ticket_id;
  int64_t occurrences = 0;
};

std::shared_ptr<grpc::Channel> Channel(const std::string& address, bool own_connection) {
  if (!own_connection) return ops::grpcutil::MakeChannel(address);
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

tv1::ReportSignalRequest Request(const std::string& store_id) {
  tv1::ReportSignalRequest r =
      ops::tickets::testing::Report(store_id, pb::SIGNAL_STATE_FIRING, absl::Now());
  r.mutable_snapshot()->mutable_regions()->set_total(12000);
  r.mutable_snapshot()->mutable_regions()->set_down_peer(4000);
  return r;
}

bool Report(tv1::TicketService::Stub* stub, const tv1::ReportSignalRequest& req, Call* call) {
  grpc::ClientContext ctx;
  ops::grpcutil::SetDeadline(&ctx, absl::Seconds(10));
  tv1::ReportSignalResponse resp;
  call->sent = absl::Now();
  grpc::Status s = stub->ReportSignal(&ctx, req, &resp);
  call->replied = absl::Now();
  call->ok = s.ok();
  if (!s.ok()) {
    std::fprintf(stderr, "ReportSignal: %d %s\n", s.error_code(), s.error_message().c_str());
    return false;
  }
  call->ticket_id = resp.ticket().id();
  call->occurrences = static_cast<int64_t>(resp.ticket().occurrences());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  if (dsn.empty() && std::getenv("OPS_BENCH_PG_DSN")) dsn = std::getenv("OPS_BENCH_PG_DSN");
  if (dsn.empty()) {
    std::fprintf(stderr, "set --pg_dsn or OPS_BENCH_PG_DSN (bench/tickets_bench.sh does)\n");
    return 2;
  }
  const int n_subs = absl::GetFlag(FLAGS_subscribers);
  const double rate = absl::GetFlag(FLAGS_rate);
  const int n_calls = static_cast<int>(rate * absl::GetFlag(FLAGS_seconds));
  const int n_fps = std::max(1, absl::GetFlag(FLAGS_fingerprints));
  ops::log::SetLevel(ops::log::Level::kWarn);

  ops::pg::testing::TestSchema schema(dsn, "bench");
  if (!schema.ok()) {
    std::fprintf(stderr, "cannot create the bench schema: %s\n", schema.error().c_str());
    return 1;
  }
  Child child;
  if (!StartServerProcess(absl::StrCat(schema.dsn(), " application_name=", kAppName), &child)) {
    StopServerProcess(&child);
    return 1;
  }
  std::printf("server pid %d at %s, schema %s; %d subscribers (%s), %d reports at %.0f/s\n",
              child.pid, child.address.c_str(), schema.name().c_str(), n_subs,
              absl::GetFlag(FLAGS_shared_channel) ? "one shared channel" : "one connection each",
              n_calls, rate);

  // Subscribers.
  const bool own = !absl::GetFlag(FLAGS_shared_channel);
  auto shared = Channel(child.address, false);
  std::vector<std::unique_ptr<tv1::TicketService::Stub>> stubs;
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < n_subs; ++i) {
    stubs.push_back(tv1::TicketService::NewStub(own ? Channel(child.address, true) : shared));
    subs.push_back(std::make_unique<Subscriber>());
    subs.back()->got.reserve(static_cast<size_t>(n_calls) + 64);
  }
  for (int i = 0; i < n_subs; ++i) {
    subs[i]->thread = std::thread([s = subs[i].get(), stub = stubs[i].get()] { s->Run(stub); });
  }

  // Warm-up until every stream is live.
  auto producer = tv1::TicketService::NewStub(Channel(child.address, true));
  std::vector<tv1::ReportSignalRequest> reqs;
  for (int i = 0; i < n_fps; ++i) reqs.push_back(Request(absl::StrCat(i + 1)));
  const absl::Time warm_deadline = absl::Now() + absl::Seconds(60);
  int warmups = 0;
  bool all_live = false;
  while (!all_live && absl::Now() < warm_deadline) {
    Call c;
    Report(producer.get(), reqs[warmups++ % n_fps], &c);
    absl::SleepFor(absl::Milliseconds(100));
    all_live = std::all_of(subs.begin(), subs.end(), [](const auto& s) { return s->live.load(); });
  }
  if (!all_live) std::fprintf(stderr, "not every subscriber is live after 60 s\n");
  const uint64_t base = std::stoull("0" + schema.Query("SELECT max(seq) FROM ticket_events"));
  std::printf("warm-up: %d reports until all streams were live; measured events are seq %llu+\n",
              warmups, static_cast<unsigned long long>(base + 1));

  // Measured phase: call i is due at t0 + i/rate (open loop); up to --producers in flight.
  const std::string base_dsn = dsn;
  const double server_cpu0 = ProcCpuSeconds(child.pid), self_cpu0 = SelfCpuSeconds();
  const double pg_cpu0 = PgCpuSeconds(base_dsn);
  std::vector<Call> calls(static_cast<size_t>(n_calls));
  std::atomic<int> next_call{0}, failed_calls{0};
  const absl::Time t0 = absl::Now();
  std::vector<std::thread> producers;
  for (int p = 0; p < std::max(1, absl::GetFlag(FLAGS_producers)); ++p) {
    producers.emplace_back([&] {
      for (int i; (i = next_call.fetch_add(1)) < n_calls;) {
        const absl::Time due = t0 + absl::Seconds(i / rate);
        const absl::Time now = absl::Now();
        if (due > now) absl::SleepFor(due - now);
        if (!Report(producer.get(), reqs[(warmups + i) % n_fps], &calls[i])) ++failed_calls;
      }
    });
  }
  for (auto& t : producers) t.join();
  const int failed = failed_calls.load();
  const absl::Time t_prod_end = absl::Now();
  const uint64_t want_last = base + static_cast<uint64_t>(n_calls - failed);
  const absl::Time drain_deadline = t_prod_end + absl::Seconds(absl::GetFlag(FLAGS_drain_timeout));
  while (absl::Now() < drain_deadline && !std::all_of(subs.begin(), subs.end(), [&](const auto& s) {
           return s->last_seq.load() >= want_last;
         })) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  const absl::Time t_end = absl::Now();
  const double window = absl::ToDoubleSeconds(t_end - t0);
  const double server_cpu = ProcCpuSeconds(child.pid) - server_cpu0;
  const double self_cpu = SelfCpuSeconds() - self_cpu0;
  const double pg_cpu = PgCpuSeconds(base_dsn) - pg_cpu0;
  for (auto& s : subs) s->ctx.TryCancel();
  for (auto& s : subs) s->thread.join();
  StopServerProcess(&child);

  // Analysis.
  std::vector<double> after_reply, after_send, after_at;
  std::vector<double> last_sub_after_reply(static_cast<size_t>(n_calls), -1e9);
  std::vector<double> first_sub_after_reply(static_cast<size_t>(n_calls), 1e9);
  std::map<int64_t, int> received_counts;  // measured events received -> subscribers
  std::map<std::string, int> endings;
  int out_of_order = 0, mismatched = 0;
  // Each event carries its ticket's id and occurrence count, as does the reply of the call that
  // made it: together they name the call.
  std::map<std::pair<std::string, int64_t>, size_t> call_of;
  for (size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].ok) call_of[{calls[i].ticket_id, calls[i].occurrences}] = i;
  }
  for (const auto& s : subs) {
    int64_t n = 0;
    uint64_t expect = base + 1;
    for (const Received& r : s->got) {
      if (r.seq <= base) continue;
      if (r.seq != expect) ++out_of_order;
      expect = r.seq + 1;
      ++n;
      auto it = call_of.find({r.ticket_id, r.occurrences});
      if (it == call_of.end()) {
        ++mismatched;
        continue;
      }
      const size_t i = it->second;
      const Call& c = calls[i];
      const double ms = absl::ToDoubleMilliseconds(r.recv - c.replied);
      after_reply.push_back(ms);
      after_send.push_back(absl::ToDoubleMilliseconds(r.recv - c.sent));
      after_at.push_back(absl::ToDoubleMilliseconds(r.recv - r.at));
      last_sub_after_reply[i] = std::max(last_sub_after_reply[i], ms);
      first_sub_after_reply[i] = std::min(first_sub_after_reply[i], ms);
    }
    ++received_counts[n];
    ++endings[s->status.error_code() == grpc::StatusCode::CANCELLED
                  ? "CANCELLED (by the bench, expected)"
                  : absl::StrCat("code ", static_cast<int>(s->status.error_code()), ": ",
                                 s->status.error_message())];
  }
  std::erase_if(last_sub_after_reply, [](double v) { return v < -1e8; });
  std::erase_if(first_sub_after_reply, [](double v) { return v > 1e8; });
  std::vector<double> call_ms;
  for (const Call& c : calls) {
    if (c.ok) call_ms.push_back(absl::ToDoubleMilliseconds(c.replied - c.sent));
  }

  const double prod_s = absl::ToDoubleSeconds(t_prod_end - t0);
  std::printf(
      "\nproducer: %d reports in %.2f s = %.1f/s (target %.0f/s), %d failed; "
      "ReportSignal %s\n",
      n_calls, prod_s, n_calls / prod_s, rate, failed, Summary(call_ms).c_str());
  std::printf("delivery latency over %zu (subscriber, event) pairs:\n", after_reply.size());
  std::printf("  after reply  %s\n", Summary(after_reply).c_str());
  std::printf("  after send   %s\n", Summary(after_send).c_str());
  std::printf("  after at     %s\n", Summary(after_at).c_str());
  std::printf("per event, after reply, until the first of %d subscribers had it: %s\n", n_subs,
              Summary(first_sub_after_reply).c_str());
  std::printf("per event, after reply, until the last of %d subscribers had it:  %s\n", n_subs,
              Summary(last_sub_after_reply).c_str());
  std::printf("events received per subscriber (want %d):", n_calls - failed);
  for (const auto& [n, subs_n] : received_counts) {
    std::printf(" %lld x%d", static_cast<long long>(n), subs_n);
  }
  std::printf("\nout-of-order/gaps %d, events matching no call %d\nstream endings:", out_of_order,
              mismatched);
  for (const auto& [k, v] : endings) std::printf(" [%s] x%d", k.c_str(), v);
  std::printf(
      "\nCPU over %.2f s (until all delivered): server %.2f cores, PostgreSQL %.2f cores, "
      "bench clients %.2f cores (of %ld)\n",
      window, server_cpu / window, pg_cpu / window, self_cpu / window,
      sysconf(_SC_NPROCESSORS_ONLN));

  const bool all_got_all =
      received_counts.size() == 1 && received_counts.begin()->first == n_calls - failed;
  const bool ok = all_got_all && failed == 0 && out_of_order == 0 && mismatched == 0 && all_live;
  std::printf("%s\n", ok ? "OK: every subscriber received every event, in order"
                         : "FAIL: events lost, reordered or calls failed");
  return ok ? 0 : 1;
}
