// Restarts the shared test PostgreSQL (OPS_TEST_PG_CTL / OPS_TEST_PG_DIR) under a running
// tickets service with an open WatchTickets stream: requests fail with UNAVAILABLE while it is
// down, then succeed, and the stream delivers every event exactly once, in order. ctest runs it
// alone (RUN_SERIAL).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/grpc/channel.h"
#include "libs/pg/pg_test_util.h"
#include "libs/status/status_matchers.h"
#include "services/tickets/ticket_server.h"
#include "services/tickets/tickets_test_util.h"

namespace ops::tickets {
namespace {

namespace pb = ::ops::common::v1;
using testing::Report;

grpc::Status Fire(tv1::TicketService::StubInterface& stub, const std::string& store) {
  grpc::ClientContext ctx;
  grpcutil::SetDeadline(&ctx, absl::Seconds(10));
  tv1::ReportSignalResponse resp;
  return stub.ReportSignal(&ctx, Report(store, pb::SIGNAL_STATE_FIRING, absl::Now()), &resp);
}

TEST(TicketsRestartTest, DatabaseRestartLosesAndDuplicatesNothing) {
  std::optional<std::string> dsn = pg::testing::TestDsn();
  std::optional<pg::testing::ServerControl> pg_server = pg::testing::TestServerControl();
  if (!dsn || !pg_server) {
    GTEST_SKIP() << "OPS_TEST_PG_DSN/OPS_TEST_PG_CTL/OPS_TEST_PG_DIR are not set; run through "
                    "scripts/test";
  }
  const std::string& stop = pg_server->stop;
  const std::string& start = pg_server->start;
  pg::testing::TestSchema schema(*dsn, "ticketrestart");
  ASSERT_TRUE(schema.ok()) << schema.error();

  TicketServer::Options o;
  o.dsn = schema.dsn();
  o.listen_address = "127.0.0.1:0";
  o.sweep_interval = absl::ZeroDuration();
  o.feed.poll_interval = absl::Milliseconds(200);
  ASSERT_OK_AND_ASSIGN(auto server, TicketServer::Create(o));
  auto stub = tv1::TicketService::NewStub(grpcutil::MakeChannel(server->address()));

  // The watcher keeps one stream open; it reconnects from last seq + 1 only if the stream ends.
  absl::Mutex mu;
  std::vector<tv1::TicketEvent> seen;  // guarded by mu
  std::atomic<uint64_t> want{0};
  std::atomic<int> reconnects{0};
  grpc::ClientContext* current = nullptr;  // guarded by mu
  std::thread watcher([&] {
    uint64_t next = 1;
    for (;;) {
      grpc::ClientContext ctx;
      {
        absl::MutexLock lock(&mu);
        current = &ctx;
      }
      tv1::WatchTicketsRequest req;
      req.set_from_seq(next);
      auto reader = stub->WatchTickets(&ctx, req);
      tv1::TicketEvent e;
      while (reader->Read(&e)) {
        absl::MutexLock lock(&mu);
        seen.push_back(e);
        next = e.seq() + 1;
      }
      grpc::Status s = reader->Finish();
      {
        absl::MutexLock lock(&mu);
        current = nullptr;
      }
      if (want.load() != 0 && next > want.load()) return;
      ++reconnects;
      absl::SleepFor(absl::Milliseconds(100));
    }
  });

  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Fire(*stub, std::to_string(i % 4)).ok());

  ASSERT_EQ(std::system(stop.c_str()), 0);
  grpc::Status down = Fire(*stub, "9");
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  ASSERT_EQ(std::system(start.c_str()), 0);

  // Clients retry UNAVAILABLE; at most the first call after the restart fails.
  int failed = 0;
  for (int i = 0; i < 10; ++i) {
    grpc::Status s = Fire(*stub, std::to_string(i % 6));
    if (!s.ok()) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
      ++failed;
      --i;
      ASSERT_LT(failed, 5) << "service did not recover: " << s.error_message();
    }
  }
  ASSERT_OK_AND_ASSIGN(uint64_t last, server->store()->LastSeq());
  want = last;
  {
    // Wait for the watcher to have everything, then end its stream.
    absl::MutexLock lock(&mu);
    auto done = [&] { return seen.size() >= last; };
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(20)))
        << "watcher has " << seen.size() << " of " << last << " events";
    if (current != nullptr) current->TryCancel();
  }
  watcher.join();
  ASSERT_EQ(seen.size(), last);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].seq(), i + 1) << "position " << i;
  EXPECT_EQ(reconnects.load(), 0) << "the stream should survive the database restart";
  EXPECT_TRUE(server->feed().connected());
}

}  // namespace
}  // namespace ops::tickets
