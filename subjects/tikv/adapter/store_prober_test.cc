#include "subjects/tikv/adapter/store_prober.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/server.h"
#include "libs/http/test_servers.h"

namespace ops::tikv {
namespace {

class StoreProberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client = http::Client::Create({});
    ASSERT_TRUE(client.ok());
    client_ = *std::move(client);
  }
  // Waits (bounded) until `pred` holds for the results of store "1".
  bool WaitFor(StoreProber& p, const std::function<bool(const core::ProbeResult&)>& pred) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      auto r = p.Results();
      if (auto it = r.find("1"); it != r.end() && pred(it->second)) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }
  std::unique_ptr<http::Client> client_;
};

TEST_F(StoreProberTest, RefusedConnectionIsSeenWithinAnIntervalAndWakesTheObserver) {
  auto server = http::Server::Create({.port = 0});
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Handle("GET", "/status", [](const http::Request&) { return http::Response::Text(""); });
  ASSERT_TRUE((*server)->Start().ok());
  std::atomic<int> changes{0};
  StoreProber prober(client_.get(), {absl::Milliseconds(20), absl::Milliseconds(200)},
                     [&] { ++changes; });
  prober.SetTargets({{"1", "127.0.0.1:" + std::to_string((*server)->port())}});
  ASSERT_TRUE(WaitFor(prober, [](const core::ProbeResult& r) { return r.reachable; }));
  const int before = changes.load();
  (*server)->Stop();
  ASSERT_TRUE(WaitFor(prober, [](const core::ProbeResult& r) { return !r.reachable; }));
  auto r = prober.Results().at("1");
  EXPECT_TRUE(r.refused) << r.error;
  EXPECT_GE(r.consecutive_failures, 1u);
  EXPECT_GT(changes.load(), before);
}

TEST_F(StoreProberTest, HungStoreTimesOutWithoutBeingRefused) {
  // A listening socket nobody accepts from: the kernel completes the handshake, no answer
  // ever comes (like a SIGSTOPped store).
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  StoreProber prober(client_.get(), {absl::Milliseconds(20), absl::Milliseconds(100)}, nullptr);
  prober.SetTargets({{"1", "127.0.0.1:" + std::to_string(ntohs(addr.sin_port))}});
  ASSERT_TRUE(WaitFor(prober, [](const core::ProbeResult& r) {
    return r.consecutive_failures >= 2;
  }));
  EXPECT_FALSE(prober.Results().at("1").refused);
  prober.SetTargets({});
  close(fd);
}

TEST_F(StoreProberTest, RemovedTargetsStopBeingProbed) {
  StoreProber prober(client_.get(), {absl::Milliseconds(20), absl::Milliseconds(100)}, nullptr);
  prober.SetTargets({{"1", "127.0.0.1:" + std::to_string(http::testing::UnusedPort())}});
  ASSERT_TRUE(WaitFor(prober, [](const core::ProbeResult& r) { return r.refused; }));
  prober.SetTargets({});
  EXPECT_TRUE(prober.Results().empty());
}

}  // namespace
}  // namespace ops::tikv
