// The tickets service over gRPC against the real test PostgreSQL: stream replay and follow,
// two replicas on one database, slow consumers, paged replays, and bad requests.
#include "services/tickets/ticket_server.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/grpc/channel.h"
#include "libs/pg/pg_test_util.h"
#include "libs/status/status_matchers.h"
#include "services/tickets/tickets_test_util.h"

namespace ops::tickets {
namespace {

namespace pb = ::ops::common::v1;
using ::ops::testing::IsOk;
using ::testing::HasSubstr;
using testing::Report;

struct Read {
  std::vector<tv1::TicketEvent> events;
  grpc::Status status;
};

// Reads WatchTickets(from_seq) until `want` events arrived (then cancels) or the stream ends.
Read Watch(tv1::TicketService::StubInterface& stub, uint64_t from_seq, size_t want,
           absl::Duration timeout = absl::Seconds(20)) {
  grpc::ClientContext ctx;
  grpcutil::SetDeadline(&ctx, timeout);
  tv1::WatchTicketsRequest req;
  req.set_from_seq(from_seq);
  auto reader = stub.WatchTickets(&ctx, req);
  Read out;
  tv1::TicketEvent e;
  while (out.events.size() < want && reader->Read(&e)) out.events.push_back(e);
  if (out.events.size() >= want) ctx.TryCancel();
  out.status = reader->Finish();
  return out;
}

class TicketServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> dsn = pg::testing::TestDsn();
    if (!dsn) GTEST_SKIP() << "OPS_TEST_PG_DSN is not set; run through scripts/test";
    schema_ = std::make_unique<pg::testing::TestSchema>(*dsn, "ticketsrv");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
  }

  std::unique_ptr<TicketServer> Start(TicketServer::Options o = {}) {
    o.dsn = schema_->dsn();
    o.listen_address = "127.0.0.1:0";
    o.sweep_interval = absl::ZeroDuration();
    o.pool_size = 4;
    o.feed.poll_interval = absl::Milliseconds(500);
    auto server = TicketServer::Create(o);
    EXPECT_THAT(server.status(), IsOk());
    return server.ok() ? *std::move(server) : nullptr;
  }

  static std::unique_ptr<tv1::TicketService::Stub> Stub(const TicketServer& s) {
    return tv1::TicketService::NewStub(grpcutil::MakeChannel(s.address()));
  }

  static void Fire(tv1::TicketService::StubInterface& stub, const std::string& store) {
    grpc::ClientContext ctx;
    grpcutil::SetDeadline(&ctx, absl::Seconds(10));
    tv1::ReportSignalResponse resp;
    grpc::Status s = stub.ReportSignal(
        &ctx, Report(store, pb::SIGNAL_STATE_FIRING, absl::Now()), &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::unique_ptr<pg::testing::TestSchema> schema_;
};

TEST_F(TicketServerTest, WatchReplaysFromSeqThenFollowsLive) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  auto stub = Stub(*server);
  for (int i = 1; i <= 3; ++i) Fire(*stub, std::to_string(i));

  std::thread late([&] {
    // Waits until the watcher below has its replay (3 events), then adds a live one.
    while (server->store()->LastSeq().value_or(0) < 3) absl::SleepFor(absl::Milliseconds(5));
    Fire(*stub, "4");
  });
  Read r = Watch(*stub, 2, 3);
  late.join();
  ASSERT_EQ(r.events.size(), 3u) << r.status.error_message();
  EXPECT_EQ(r.events[0].seq(), 2u);
  EXPECT_EQ(r.events[1].seq(), 3u);
  EXPECT_EQ(r.events[2].seq(), 4u);
  EXPECT_EQ(r.events[2].type(), tv1::TICKET_EVENT_TYPE_OPENED);
  EXPECT_EQ(r.events[2].ticket().entity().id(), "4");
}

TEST_F(TicketServerTest, TwoReplicasOnOneDatabaseStreamTheSameSequence) {
  auto a = Start();
  auto b = Start();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto stub_a = Stub(*a);
  auto stub_b = Stub(*b);
  constexpr int kReports = 60;
  Read from_a, from_b;
  std::thread wa([&] { from_a = Watch(*stub_a, 1, kReports); });
  std::thread wb([&] { from_b = Watch(*stub_b, 1, kReports); });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kReports; i += 4) {
        Fire(i % 2 ? *stub_a : *stub_b, std::to_string(i % 7));
      }
    });
  }
  for (auto& t : writers) t.join();
  wa.join();
  wb.join();
  ASSERT_EQ(from_a.events.size(), static_cast<size_t>(kReports)) << from_a.status.error_message();
  ASSERT_EQ(from_b.events.size(), static_cast<size_t>(kReports)) << from_b.status.error_message();
  for (int i = 0; i < kReports; ++i) {
    EXPECT_EQ(from_a.events[i].seq(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(from_a.events[i].SerializeAsString(), from_b.events[i].SerializeAsString())
        << "seq " << i + 1;
  }
}

TEST_F(TicketServerTest, SlowConsumerIsDroppedAndResumesWithoutGaps) {
  TicketServer::Options o;
  o.stream_queue = 256;
  auto server = Start(o);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(*server);
  Fire(*stub, "0");
  constexpr size_t kEvents = 800;

  // A client that stops reading: its queue overflows while a fast client keeps up.
  grpc::ClientContext slow_ctx;
  grpcutil::SetDeadline(&slow_ctx, absl::Seconds(60));
  tv1::WatchTicketsRequest req;
  req.set_from_seq(1);
  // A tiny HTTP/2 window (no BDP growth), so the unread events pile up in the server's queue.
  grpc::ChannelArguments args;
  args.SetInt("grpc.http2.lookahead_bytes", 1024);
  args.SetInt("grpc.http2.bdp_probe", 0);
  auto slow_stub = tv1::TicketService::NewStub(
      grpc::CreateCustomChannel(server->address(), grpc::InsecureChannelCredentials(), args));
  auto slow = slow_stub->WatchTickets(&slow_ctx, req);
  tv1::TicketEvent first;
  ASSERT_TRUE(slow->Read(&first));  // the stream is live
  Read fast;
  std::thread fast_reader([&] { fast = Watch(*stub, 1, kEvents); });
  for (size_t i = 1; i < kEvents; ++i) Fire(*stub, std::to_string(i % 50));
  fast_reader.join();
  EXPECT_EQ(fast.events.size(), kEvents) << fast.status.error_message();
  EXPECT_EQ(fast.status.error_code(), grpc::StatusCode::CANCELLED);

  std::vector<tv1::TicketEvent> got = {first};
  tv1::TicketEvent e;
  while (slow->Read(&e)) got.push_back(e);
  grpc::Status status = slow->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  const uint64_t next = got.back().seq() + 1;
  EXPECT_THAT(status.error_message(), HasSubstr("resume from seq " + std::to_string(next)));
  Read rest = Watch(*stub, next, kEvents - got.size());
  for (const auto& ev : rest.events) got.push_back(ev);
  ASSERT_EQ(got.size(), kEvents);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].seq(), i + 1);
}

TEST_F(TicketServerTest, LongReplaysArePagedWithAResumePoint) {
  TicketServer::Options o;
  o.service.max_replay = 10;
  auto server = Start(o);
  ASSERT_NE(server, nullptr);
  auto stub = Stub(*server);
  for (int i = 0; i < 25; ++i) Fire(*stub, std::to_string(i % 3));
  Read first = Watch(*stub, 1, 1000);
  ASSERT_EQ(first.events.size(), 10u);
  EXPECT_EQ(first.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(first.status.error_message(), HasSubstr("resume from seq 11"));
  Read second = Watch(*stub, 11, 1000);
  ASSERT_EQ(second.events.size(), 10u);
  EXPECT_EQ(second.events.front().seq(), 11u);
  EXPECT_THAT(second.status.error_message(), HasSubstr("resume from seq 21"));
  // The last page is shorter, so the stream goes on following live events.
  Read last = Watch(*stub, 21, 5);
  ASSERT_EQ(last.events.size(), 5u);
  EXPECT_EQ(last.events.back().seq(), 25u);
  EXPECT_EQ(last.status.error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(TicketServerTest, BadRequestsGetClearErrors) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  auto stub = Stub(*server);
  {
    grpc::ClientContext ctx;
    tv1::GetTicketRequest req;
    req.set_ticket_id("T-000042");
    tv1::Ticket t;
    grpc::Status s = stub->GetTicket(&ctx, req, &t);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(s.error_message(), HasSubstr("T-000042 not found"));
  }
  {
    grpc::ClientContext ctx;
    tv1::ReportSignalRequest req;
    tv1::ReportSignalResponse resp;
    grpc::Status s = stub->ReportSignal(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext ctx;
    tv1::HoldTicketRequest req;
    req.set_ticket_id("nonsense");
    tv1::Ticket t;
    grpc::Status s = stub->HoldTicket(&ctx, req, &t);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("bad ticket id"));
  }
}

TEST(TicketServerStartTest, UnreachableDatabaseIsReportedWithTheRedactedDsn) {
  TicketServer::Options o;
  o.dsn = "host=127.0.0.1 port=" + std::to_string(pg::testing::UnusedPort()) +
          " dbname=operator user=postgres password=hunter2";
  o.listen_address = "127.0.0.1:0";
  o.connect_deadline = absl::Milliseconds(300);
  auto server = TicketServer::Create(o);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(server.status().message()), ::testing::Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace ops::tickets
