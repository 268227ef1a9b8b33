// PdLink against a fake PD leader (a real HTTP server on 127.0.0.1): following the leader,
// the "connect to PD cluster" line, the injected network delay on outgoing requests, and the
// resolve-failure log line.
#include "subjects/tikv/sim/store/store_links.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/server.h"

namespace ops::sim {
namespace {

class FakePd {
 public:
  FakePd() {
    auto s = http::Server::Create({.host = "127.0.0.1", .port = 0});
    EXPECT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    server_->Handle("GET", "/pd/api/v1/leader", [this](const http::Request&) {
      ++leader_asks_;
      return http::Response::Json(absl::StrCat(R"({"name":"pd1","peer_urls":["http://127.0.0.1:)",
                                               server_->port(), R"("]})"));
    });
    server_->Handle("POST", "/sim/v1/store-heartbeat", [this](const http::Request&) {
      ++posts_;
      return http::Response::Json(R"({"ok": true, "commands": []})");
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", server_->port()); }
  int leader_asks() const { return leader_asks_; }
  int posts() const { return posts_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::atomic<int> leader_asks_{0};
  std::atomic<int> posts_{0};
};

std::unique_ptr<http::Client> NewClient() {
  auto c = http::Client::Create({});
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

TEST(PdLinkTest, FindsTheLeaderOnceAndLogsConnectOnce) {
  FakePd pd;
  auto client = NewClient();
  std::vector<LogEvent> logs;
  PdLink::Options o;
  o.endpoints = {pd.url()};
  o.cluster_id = 42;
  o.log_connect = true;
  PdLink link(o, client.get(), [&](const LogEvent& e) { logs.push_back(e); });
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> r = link.Post("/sim/v1/store-heartbeat", "{}");
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(*r, testing::HasSubstr("\"commands\""));
  }
  EXPECT_EQ(pd.leader_asks(), 1);
  EXPECT_EQ(pd.posts(), 3);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].message, "connect to PD cluster");
  EXPECT_EQ(logs[0].source, "common.rs:327");
  EXPECT_EQ(logs[0].fields, (LogFields{{"cluster_id", "42"}}));
}

TEST(PdLinkTest, WaitsTheInjectedDelayBeforeEachRequest) {
  FakePd pd;
  auto client = NewClient();
  PdLink::Options o;
  o.endpoints = {pd.url()};
  PdLink fast(o, client.get(), nullptr);
  ASSERT_TRUE(fast.Post("/sim/v1/store-heartbeat", "{}").ok());
  absl::Time t0 = absl::Now();
  ASSERT_TRUE(fast.Post("/sim/v1/store-heartbeat", "{}").ok());
  const absl::Duration undelayed = absl::Now() - t0;

  o.outgoing_delay = [] { return absl::Milliseconds(60); };
  PdLink slow(o, client.get(), nullptr);
  t0 = absl::Now();
  ASSERT_TRUE(slow.Post("/sim/v1/store-heartbeat", "{}").ok());
  // Two outgoing requests: the leader lookup and the post itself.
  EXPECT_GE(absl::Now() - t0, absl::Milliseconds(120)) << "undelayed " << undelayed;
  t0 = absl::Now();
  ASSERT_TRUE(slow.Post("/sim/v1/store-heartbeat", "{}").ok());
  EXPECT_GE(absl::Now() - t0, absl::Milliseconds(60));
  EXPECT_LT(absl::Now() - t0, absl::Milliseconds(60) + absl::Seconds(1));
}

TEST(PdLinkTest, NoPdMeansUnavailableAndNoConnectLine) {
  auto client = NewClient();
  std::vector<LogEvent> logs;
  PdLink::Options o;
  o.endpoints = {"http://127.0.0.1:1"};
  o.log_connect = true;
  PdLink link(o, client.get(), [&](const LogEvent& e) { logs.push_back(e); });
  absl::StatusOr<std::string> r = link.Post("/sim/v1/store-heartbeat", "{}");
  EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_TRUE(logs.empty());

  PeerAddresses addrs{{}, {}, absl::Seconds(10)};
  PdLink::LogSink sink = [&](const LogEvent& e) { logs.push_back(e); };
  addrs.OnFailure(7, link, sink);
  addrs.OnFailure(7, link, sink);  // within `recheck`: no second lookup, no second line
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].level, "ERROR");
  EXPECT_EQ(logs[0].message, "resolve store address failed");
  EXPECT_EQ(logs[0].fields[0], (std::pair<std::string, std::string>{"store_id", "7"}));
  EXPECT_TRUE(addrs.addr[7].empty());
}

}  // namespace
}  // namespace ops::sim
