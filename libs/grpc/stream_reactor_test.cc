// End-to-end tests of HubWriteReactor through a real server (ServerRunner) and real clients.
#include "libs/grpc/stream_reactor.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/grpc/channel.h"
#include "libs/grpc/server_runner.h"
#include "libs/grpc/testdata/test_echo_service.h"
#include "libs/status/status_matchers.h"
#include "ops/test/v1/echo.grpc.pb.h"

namespace ops::grpcutil {
namespace {

using ::ops::grpcutil::testing::TestEchoService;
using ::ops::test::v1::EchoService;
using ::ops::test::v1::Event;
using ::ops::test::v1::WatchRequest;

constexpr absl::Duration kWait = absl::Seconds(30);  // generous bound; never reached when OK

std::unique_ptr<ServerRunner> StartServer(TestEchoService* service,
                                          absl::Duration deadline = absl::Seconds(5),
                                          std::vector<std::function<void()>> on_shutdown = {}) {
  ServerRunner::Options options;
  options.services = {service};
  options.shutdown_deadline = deadline;
  options.on_shutdown = std::move(on_shutdown);
  auto runner = ServerRunner::Create(std::move(options));
  EXPECT_TRUE(runner.ok()) << runner.status();
  return runner.ok() ? *std::move(runner) : nullptr;
}

// What one Watch client saw.
struct StreamResult {
  std::vector<uint64_t> seqs;
  grpc::Status status;
};

// Reads a Watch stream to its end on the calling thread.
StreamResult ReadWatch(const std::shared_ptr<grpc::Channel>& channel, uint64_t from_seq) {
  auto stub = EchoService::NewStub(channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kWait);
  WatchRequest request;
  request.set_from_seq(from_seq);
  auto reader = stub->Watch(&ctx, request);
  StreamResult result;
  Event event;
  while (reader->Read(&event)) result.seqs.push_back(event.seq());
  result.status = reader->Finish();
  return result;
}

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

TEST(HubWriteReactorTest, ReplayThenLiveHasNoGapsOrDuplicates) {
  TestEchoService service(/*queue_capacity=*/1 << 20);
  auto runner = StartServer(&service);
  ASSERT_NE(runner, nullptr);
  for (int i = 0; i < 100; ++i) service.Emit("before");

  absl::Mutex mu;
  bool stop = false;
  std::thread publisher([&] {
    while (true) {
      {
        absl::MutexLock lock(&mu);
        if (stop) break;
      }
      for (int i = 0; i < 20; ++i) service.Emit("live");
    }
  });

  // Clients join while events keep coming, asking to resume from the start, the middle, the
  // present and the future.
  struct Client {
    uint64_t from_seq;
    StreamResult result;
    std::thread thread;
  };
  std::vector<Client> clients(4);
  for (size_t i = 0; i < clients.size(); ++i) {
    uint64_t now = service.last_seq();
    uint64_t from[] = {0, now / 2, now, now + 50};
    clients[i].from_seq = from[i];
    clients[i].thread = std::thread([&client = clients[i], address = runner->address()] {
      client.result = ReadWatch(MakeChannel(address), client.from_seq);
    });
    ASSERT_TRUE(service.WaitForWatchers(static_cast<int>(i) + 1, kWait));
  }
  for (int i = 0; i < 200; ++i) service.Emit("after everyone joined");
  {
    absl::MutexLock lock(&mu);
    stop = true;
  }
  publisher.join();
  uint64_t total = service.last_seq();
  service.hub().Close();  // streams deliver what they have, then end OK

  for (auto& client : clients) {
    client.thread.join();
    EXPECT_TRUE(client.result.status.ok()) << client.result.status.error_message();
    EXPECT_EQ(client.result.seqs, Range(client.from_seq + 1, total))
        << "client from_seq=" << client.from_seq;
  }
}

TEST(HubWriteReactorTest, SlowConsumerIsCutOffWhileFastConsumerGetsEverything) {
  TestEchoService service(/*queue_capacity=*/8);
  auto runner = StartServer(&service);
  ASSERT_NE(runner, nullptr);

  absl::Mutex mu;
  uint64_t fast_seen = 0;
  StreamResult fast;
  std::thread fast_reader([&] {
    auto stub = EchoService::NewStub(MakeChannel(runner->address()));
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kWait);
    auto reader = stub->Watch(&ctx, WatchRequest());
    Event event;
    while (reader->Read(&event)) {
      fast.seqs.push_back(event.seq());
      absl::MutexLock lock(&mu);
      fast_seen = event.seq();
    }
    fast.status = reader->Finish();
  });
  ASSERT_TRUE(service.WaitForWatchers(1, kWait));

  // The slow client opens its stream on its own connection, with small fixed flow-control
  // windows, and reads nothing until the end.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto slow_stub = EchoService::NewStub(
      grpc::CreateCustomChannel(runner->address(), grpc::InsecureChannelCredentials(), args));
  grpc::ClientContext slow_ctx;
  SetDeadline(&slow_ctx, kWait);
  auto slow_reader = slow_stub->Watch(&slow_ctx, WatchRequest());
  ASSERT_TRUE(service.WaitForWatchers(2, kWait));

  // Publish 4 KiB events, letting the fast client keep up, until the slow one overflows.
  const std::string payload(4096, 'p');
  uint64_t emitted = 0;
  while (service.hub().subscriber_count() == 2 && emitted < 20000) {
    for (int i = 0; i < 4; ++i) emitted = service.Emit(payload);
    absl::MutexLock lock(&mu);
    auto caught_up = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return fast_seen == emitted; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&caught_up), kWait));
  }
  ASSERT_EQ(service.hub().subscriber_count(), 1u) << "slow consumer never overflowed";
  for (int i = 0; i < 4; ++i) emitted = service.Emit("after the overflow");  // < capacity
  service.hub().Close();
  fast_reader.join();
  EXPECT_TRUE(fast.status.ok()) << fast.status.error_message();
  EXPECT_EQ(fast.seqs, Range(1, emitted));

  // The slow client gets a gap-free prefix, then RESOURCE_EXHAUSTED telling it where to resume.
  StreamResult slow;
  Event event;
  while (slow_reader->Read(&event)) slow.seqs.push_back(event.seq());
  slow.status = slow_reader->Finish();
  EXPECT_EQ(slow.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_FALSE(slow.seqs.empty());
  EXPECT_LT(slow.seqs.size(), emitted);
  EXPECT_EQ(slow.seqs, Range(1, slow.seqs.back()));
  EXPECT_EQ(slow.status.error_message(),
            absl::StrCat("consumer too slow; resume from seq ", slow.seqs.back()));
}

TEST(HubWriteReactorTest, HubCloseEndsStreamsOkAndRefusesNewOnes) {
  TestEchoService service;
  auto runner = StartServer(&service);
  ASSERT_NE(runner, nullptr);
  StreamResult a, b;
  std::thread ta([&] { a = ReadWatch(MakeChannel(runner->address()), 0); });
  std::thread tb([&] { b = ReadWatch(MakeChannel(runner->address()), 0); });
  ASSERT_TRUE(service.WaitForWatchers(2, kWait));
  for (int i = 0; i < 3; ++i) service.Emit("e");
  service.hub().Close();
  ta.join();
  tb.join();
  EXPECT_TRUE(a.status.ok());
  EXPECT_TRUE(b.status.ok());
  EXPECT_EQ(a.seqs, Range(1, 3));
  EXPECT_EQ(b.seqs, Range(1, 3));
  EXPECT_TRUE(service.WaitForDone(2, kWait));

  StreamResult late = ReadWatch(MakeChannel(runner->address()), 0);
  EXPECT_EQ(late.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(late.seqs.empty());
}

TEST(HubWriteReactorTest, ClientCancelEndsServerStreamAndUnsubscribes) {
  TestEchoService service;
  auto runner = StartServer(&service);
  ASSERT_NE(runner, nullptr);
  auto stub = EchoService::NewStub(MakeChannel(runner->address()));
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kWait);
  auto reader = stub->Watch(&ctx, WatchRequest());
  ASSERT_TRUE(service.WaitForWatchers(1, kWait));
  service.Emit("one");
  Event event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.seq(), 1u);
  ctx.TryCancel();
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(service.WaitForDone(1, kWait));  // OnDone ran on the server
  EXPECT_EQ(service.hub().subscriber_count(), 0u);
  service.Emit("nobody listens");  // must not touch the finished reactor
}

TEST(HubWriteReactorTest, ShutdownClosingTheHubEndsOpenStreamsOk) {
  TestEchoService service;
  auto runner = StartServer(&service, absl::Seconds(10), {[&service] { service.hub().Close(); }});
  ASSERT_NE(runner, nullptr);
  StreamResult result;
  std::thread reader([&] { result = ReadWatch(MakeChannel(runner->address()), 0); });
  ASSERT_TRUE(service.WaitForWatchers(1, kWait));
  service.Emit("x");
  absl::Time start = absl::Now();
  runner->Shutdown();
  // Closing the hub ended the stream, so the server did not wait for the 10 s deadline.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  reader.join();
  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.seqs, Range(1, 1));
}

TEST(HubWriteReactorTest, ShutdownWithHubStillOpenEndsAtTheDeadline) {
  TestEchoService service;
  auto runner = StartServer(&service, absl::Milliseconds(300));
  ASSERT_NE(runner, nullptr);
  StreamResult result;
  std::thread reader([&] { result = ReadWatch(MakeChannel(runner->address()), 0); });
  ASSERT_TRUE(service.WaitForWatchers(1, kWait));
  absl::Time start = absl::Now();
  runner->Shutdown();  // must not hang although the stream never ends by itself
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  reader.join();
  EXPECT_FALSE(result.status.ok());
  EXPECT_THAT(result.status.error_code(),
              ::testing::AnyOf(grpc::StatusCode::CANCELLED, grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(service.WaitForDone(1, kWait));
}

}  // namespace
}  // namespace ops::grpcutil
