// `operator tickets ...` over a real channel against an in-process TicketService with canned
// data: unary calls and their errors, deadlines, `watch` reconnecting after the server ends the
// stream with RESOURCE_EXHAUSTED, and a port with nothing listening.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <sstream>
#include <streambuf>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "clients/cli/app.h"
#include "clients/cli/service_clients.h"
#include "clients/cli/test_tickets.h"
#include "ops/v1/tickets.grpc.pb.h"

namespace ops::cli {
namespace {

using ::ops::cli::testing::kTestNow;
using ::ops::cli::testing::MakeEvent;
using ::ops::cli::testing::MakeTicket;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace tv1 = ::ops::tickets::v1;

// Writes `events`, then finishes with `end`, or stays open until cancelled when `end` is unset.
class ScriptedWatch : public grpc::ServerWriteReactor<tv1::TicketEvent> {
 public:
  ScriptedWatch(std::vector<tv1::TicketEvent> events, std::optional<grpc::Status> end)
      : events_(std::move(events)), end_(std::move(end)) {
    absl::MutexLock lock(&mu_);
    NextLocked();
  }
  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    if (!ok) return FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
    NextLocked();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  }
  void OnDone() override { delete this; }

 private:
  void NextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (next_ < events_.size()) {
      StartWrite(&events_[next_++]);
    } else if (end_.has_value()) {
      FinishLocked(*end_);
    }
  }
  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(std::move(status));
  }

  absl::Mutex mu_;
  std::vector<tv1::TicketEvent> events_;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<grpc::Status> end_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// A unary reactor that never answers; finishes only when the client gives up.
class NeverAnswers : public grpc::ServerUnaryReactor {
 public:
  void OnCancel() override { Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }
  void OnDone() override { delete this; }
};

// Canned tickets T-1 (open) and T-2 (resolved). The first WatchTickets replays seq 1..3 and
// ends RESOURCE_EXHAUSTED as for a slow reader; later ones send from_seq..5 and stay open.
class FakeTicketService : public tv1::TicketService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListTickets(grpc::CallbackServerContext* ctx,
                                        const tv1::ListTicketsRequest* req,
                                        tv1::ListTicketsResponse* resp) override {
    Record(*req);
    *resp->add_tickets() = MakeTicket("T-1");
    *resp->add_tickets() = Resolved();
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* ctx,
                                      const tv1::GetTicketRequest* req,
                                      tv1::Ticket* resp) override {
    if (req->ticket_id() == "T-1") *resp = MakeTicket("T-1");
    if (req->ticket_id() == "T-2") *resp = Resolved();
    if (resp->id().empty()) {
      return Done(ctx, grpc::Status(grpc::StatusCode::NOT_FOUND, "no such ticket"));
    }
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* HoldTicket(grpc::CallbackServerContext* ctx,
                                       const tv1::HoldTicketRequest* req,
                                       tv1::Ticket* resp) override {
    Record(*req);
    if (req->ticket_id() == "T-2") {
      return Done(ctx, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                    "ticket T-2 is resolved and cannot be held"));
    }
    *resp = MakeTicket(req->ticket_id());
    resp->set_held(true);
    resp->set_hold_actor(req->actor());
    resp->set_hold_reason(req->reason());
    return Done(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ResolveTicket(grpc::CallbackServerContext*,
                                          const tv1::ResolveTicketRequest*, tv1::Ticket*) override {
    return new NeverAnswers();
  }
  grpc::ServerWriteReactor<tv1::TicketEvent>* WatchTickets(
      grpc::CallbackServerContext*, const tv1::WatchTicketsRequest* req) override {
    Record(*req);
    absl::MutexLock lock(&mu_);
    if (watch_calls_++ == 0) {
      return new ScriptedWatch(Events(req->from_seq(), 3),
                               grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                            "consumer too slow; resume from seq 4"));
    }
    return new ScriptedWatch(Events(req->from_seq(), 5), std::nullopt);
  }

  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  static grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, grpc::Status status) {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(std::move(status));
    return reactor;
  }
  static tv1::Ticket Resolved() {
    tv1::Ticket t = MakeTicket("T-2");
    t.set_status(tv1::TICKET_STATUS_RESOLVED);
    return t;
  }
  static std::vector<tv1::TicketEvent> Events(uint64_t from, uint64_t to) {
    std::vector<tv1::TicketEvent> events;
    for (uint64_t seq = std::max<uint64_t>(from, 1); seq <= to; ++seq) {
      events.push_back(MakeEvent(seq, tv1::TICKET_EVENT_TYPE_OCCURRED));
    }
    return events;
  }
  void Record(const google::protobuf::Message& m) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(m.ShortDebugString());
  }

  absl::Mutex mu_;
  int watch_calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
};

// Collects what the CLI writes and lets the test wait for a piece of it (no sleeps).
class WatchedOutput : public std::streambuf {
 public:
  bool WaitFor(absl::string_view needle, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto found = [&] { return absl::StrContains(text_, needle); };
    return mu_.AwaitWithTimeout(absl::Condition(&found), timeout);
  }
  std::string text() {
    absl::MutexLock lock(&mu_);
    return text_;
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    absl::MutexLock lock(&mu_);
    text_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    absl::MutexLock lock(&mu_);
    text_.append(s, n);
    return n;
  }

 private:
  absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
};

class TicketsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    ctx_.out = &out_stream_;
    ctx_.err = &err_stream_;
    ctx_.now = [] { return kTestNow; };
    ctx_.env = [](absl::string_view) { return std::nullopt; };
    ctx_.interrupt = &interrupt_;
    ctx_.wait = [this](absl::Duration d) {
      absl::MutexLock lock(&mu_);
      waits_.push_back(d);
      return true;
    };
    ctx_.clients = RealServiceClients();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  int Run(std::vector<std::string> args) {
    args.push_back(absl::StrCat("--tickets_addr=127.0.0.1:", port_));
    return cli::Run(args, ctx_);
  }

  FakeTicketService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  WatchedOutput out_;
  std::ostream out_stream_{&out_};
  std::ostringstream err_stream_;
  Interrupt interrupt_;
  Context ctx_;
  absl::Mutex mu_;
  std::vector<absl::Duration> waits_ ABSL_GUARDED_BY(mu_);
};

TEST_F(TicketsServerTest, ListSendsFiltersAndPrintsTheTable) {
  EXPECT_EQ(Run({"tickets", "list", "--status", "active", "--severity", "critical"}), kExitOk)
      << err_stream_.str();
  EXPECT_THAT(out_.text(), HasSubstr("T-1  open      critical  store_down"));
  EXPECT_THAT(out_.text(), HasSubstr("T-2  resolved  critical  store_down"));
  EXPECT_THAT(service_.requests(),
              ElementsAre("statuses: TICKET_STATUS_OPEN statuses: TICKET_STATUS_DIAGNOSING "
                          "statuses: TICKET_STATUS_DIAGNOSED min_severity: SEVERITY_CRITICAL "
                          "page_size: 50 summary_only: true"));
}

TEST_F(TicketsServerTest, ShowAndHoldAndTheirErrors) {
  EXPECT_EQ(Run({"tickets", "show", "T-1"}), kExitOk);
  EXPECT_THAT(out_.text(), HasSubstr("Ticket T-1\n"));
  EXPECT_EQ(Run({"tickets", "show", "T-404"}), kExitFailed);
  EXPECT_EQ(err_stream_.str(), "ticket T-404 not found\n");
  err_stream_.str("");
  EXPECT_EQ(Run({"tickets", "hold", "T-2", "--reason", "r", "--actor", "bob"}), kExitFailed);
  EXPECT_EQ(err_stream_.str(), "ticket T-2 is resolved and cannot be held\n");
  EXPECT_EQ(Run({"tickets", "hold", "T-1", "--reason", "disk swap", "--actor", "bob"}), kExitOk);
  EXPECT_THAT(out_.text(), HasSubstr("T-1 held by bob: disk swap\n"));
}

TEST_F(TicketsServerTest, ASilentServerHitsTheDeadline) {
  EXPECT_EQ(Run({"tickets", "resolve", "T-1", "--reason", "r", "--timeout", "300ms"}),
            kExitUnreachable);
  EXPECT_THAT(err_stream_.str(), HasSubstr("did not answer within 300ms"));
}

TEST_F(TicketsServerTest, WatchReconnectsAfterResourceExhaustedAndResumes) {
  int code = -1;
  std::thread watch([&] { code = Run({"tickets", "watch", "--from-seq", "1", "-o", "json"}); });
  // Seq 5 only arrives on the second stream, after the reconnect.
  const bool seen = out_.WaitFor("\"seq\":\"5\"", absl::Seconds(20));
  interrupt_.Trigger();  // Ctrl-C
  watch.join();
  ASSERT_TRUE(seen) << out_.text() << err_stream_.str();
  EXPECT_EQ(code, kExitOk);
  EXPECT_THAT(service_.requests(), ElementsAre("from_seq: 1", "from_seq: 4"));
  EXPECT_THAT(err_stream_.str(),
              HasSubstr("watch: stream ended: RESOURCE_EXHAUSTED: consumer too slow; resume "
                        "from seq 4; reconnecting from seq 4 in"));
  // Each event printed once, in order.
  std::vector<std::string> seqs;
  for (absl::string_view line : absl::StrSplit(out_.text(), '\n', absl::SkipEmpty())) {
    const size_t at = line.find("\"seq\":\"");
    ASSERT_NE(at, absl::string_view::npos) << line;
    seqs.emplace_back(line.substr(at + 7, 1));
  }
  EXPECT_THAT(seqs, ElementsAre("1", "2", "3", "4", "5"));
}

// A local port nobody listens on: bind to port 0, note the port, close.
int UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return 1;  // port 1 on loopback: also nothing there
  }
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(TicketsUnreachableTest, NothingListeningExitsThreeWithAHint) {
  const std::string addr = absl::StrCat("127.0.0.1:", UnusedPort());
  for (std::vector<std::string> args :
       {std::vector<std::string>{"tickets", "list"}, {"tickets", "watch"}}) {
    std::ostringstream out;
    std::ostringstream err;
    Interrupt interrupt;
    Context ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.env = [](absl::string_view) { return std::nullopt; };
    ctx.interrupt = &interrupt;
    ctx.clients = RealServiceClients();
    args.push_back("--tickets_addr=" + addr);
    EXPECT_EQ(cli::Run(args, ctx), kExitUnreachable) << args[1];
    EXPECT_THAT(err.str(), HasSubstr(absl::StrCat(
                               "cannot reach the tickets service at ", addr,
                               " (connection refused); is it running? set --tickets_addr or "
                               "OPS_TICKETS_ADDR\n")));
  }
}

}  // namespace
}  // namespace ops::cli
