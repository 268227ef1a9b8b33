// Tests for WebhookReceiver: Handle() directly for every answer, and end to end over
// ops::http::Server and ops::http::Client with the real payloads.
#include "subjects/tikv/alertmanager/webhook_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/http/client.h"
#include "libs/status/status_matchers.h"
#include "nlohmann/json.hpp"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

std::string ReadPayload(const std::string& name) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/prometheus/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char kFiring[] = "alertmanager-webhook-v4-firing.am0.21.0.json";
const char kThree[] = "alertmanager-webhook-v4-firing-3alerts.cloudeon.json";
const char kResolved[] = "alertmanager-webhook-v4-resolved.cloudeon.json";

// Records what the receiver hands over; fails on demand.
struct Sink {
  std::mutex mu;
  std::vector<AlertSignal> signals;
  int calls = 0;
  absl::Status fail_with = absl::OkStatus();

  WebhookReceiver::SignalSink Fn() {
    return [this](std::vector<AlertSignal> batch) {
      std::lock_guard<std::mutex> lock(mu);
      ++calls;
      if (!fail_with.ok()) return fail_with;
      for (AlertSignal& s : batch) signals.push_back(std::move(s));
      return absl::OkStatus();
    };
  }
};

http::Request Post(std::string body) {
  http::Request r;
  r.method = "POST";
  r.path = kDefaultWebhookPath;
  r.body = std::move(body);
  return r;
}

TEST(WebhookReceiver, CreateValidates) {
  Sink sink;
  EXPECT_THAT(WebhookReceiver::Create({.path = "api"}, sink.Fn()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("path")));
  EXPECT_THAT(WebhookReceiver::Create({.max_body_bytes = 0}, sink.Fn()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(WebhookReceiver::Create({}, nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(WebhookReceiver, HandleAnswers) {
  Sink sink;
  ASSERT_OK_AND_ASSIGN(auto receiver, WebhookReceiver::Create({.max_body_bytes = 4096}, sink.Fn()));
  http::Response ok = receiver->Handle(Post(ReadPayload(kThree)));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body),
            (nlohmann::json{
                {"status", "success"}, {"accepted", 3}, {"rejected", nlohmann::json::array()}}));
  EXPECT_EQ(sink.signals.size(), 3u);

  http::Response garbage = receiver->Handle(Post("{not json"));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_THAT(garbage.body, HasSubstr("invalid Alertmanager webhook payload: invalid JSON"));

  http::Response missing = receiver->Handle(Post(R"({"version":"4","status":"firing"})"));
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body, HasSubstr("alerts: missing"));

  http::Response big = receiver->Handle(Post(std::string(4097, ' ')));
  EXPECT_EQ(big.status, 413);
  EXPECT_THAT(big.body, HasSubstr("exceeds the limit of 4096 bytes"));

  const std::string partly_bad =
      R"({"version":"4","status":"firing","alerts":[)"
      R"({"status":"firing","labels":{"alertname":"A"},"startsAt":"2024-01-02T03:04:05Z"},)"
      R"({"status":"firing","labels":{"job":"x"},"startsAt":"2024-01-02T03:04:05Z"}]})";
  http::Response partial = receiver->Handle(Post(partly_bad));
  EXPECT_EQ(partial.status, 200);
  EXPECT_EQ(nlohmann::json::parse(partial.body)["accepted"], 1);
  EXPECT_THAT(partial.body, HasSubstr("alerts[1].labels.alertname: missing"));

  const std::string all_bad =
      R"({"version":"4","status":"firing","alerts":[)"
      R"({"status":"firing","labels":{"job":"x"},"startsAt":"2024-01-02T03:04:05Z"}]})";
  EXPECT_EQ(receiver->Handle(Post(all_bad)).status, 400);

  // An empty notification is fine and does not call the sink.
  const int calls = sink.calls;
  EXPECT_EQ(receiver->Handle(Post(R"({"version":"4","status":"resolved","alerts":[]})")).status,
            200);
  EXPECT_EQ(sink.calls, calls);

  const WebhookReceiver::Stats stats = receiver->stats();
  EXPECT_EQ(stats.notifications, 3u);
  EXPECT_EQ(stats.signals, 4u);
  EXPECT_EQ(stats.rejected_alerts, 1u);
  EXPECT_EQ(stats.bad_requests, 4u);
}

TEST(WebhookReceiver, SinkFailuresAreServerErrors) {
  Sink sink;
  ASSERT_OK_AND_ASSIGN(auto receiver, WebhookReceiver::Create({}, sink.Fn()));
  sink.fail_with = absl::UnavailableError("tickets down");
  http::Response retry = receiver->Handle(Post(ReadPayload(kFiring)));
  EXPECT_EQ(retry.status, 503);  // Alertmanager retries
  EXPECT_THAT(retry.body, HasSubstr("tickets down"));
  sink.fail_with = absl::InvalidArgumentError("bad signal");
  EXPECT_EQ(receiver->Handle(Post(ReadPayload(kFiring))).status, 500);
  EXPECT_EQ(receiver->stats().sink_failures, 2u);
}

class WebhookReceiverHttpTest : public ::testing::Test {
 protected:
  void Start(WebhookReceiver::Options options, http::Server::Options server_options = {}) {
    auto receiver = WebhookReceiver::Create(std::move(options), sink_.Fn());
    ASSERT_TRUE(receiver.ok()) << receiver.status();
    receiver_ = *std::move(receiver);
    auto server = http::Server::Create(server_options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    receiver_->Register(*server_);
    ASSERT_TRUE(server_->Start().ok());
    auto client = http::Client::Create({.retry = {.max_attempts = 1}});
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  absl::StatusOr<http::ClientResponse> PostTo(const std::string& path, std::string body) {
    return client_->Do({.method = "POST",
                        .url = absl::StrCat("http://127.0.0.1:", server_->port(), path),
                        .body = std::move(body),
                        .content_type = "application/json"});
  }

  Sink sink_;
  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<http::Client> client_;
};

TEST_F(WebhookReceiverHttpTest, RealPayloadsEndToEnd) {
  const StoreResolver resolver = [](absl::string_view address) -> std::optional<std::string> {
    if (address == "k8s-node2:9101") return "7";
    return std::nullopt;
  };
  Start({.resolver = resolver});
  for (const char* name : {kFiring, kThree, kResolved}) {
    ASSERT_OK_AND_ASSIGN(http::ClientResponse r, PostTo(kDefaultWebhookPath, ReadPayload(name)));
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_THAT(r.Header("Content-Type"), HasSubstr("application/json"));
  }
  ASSERT_EQ(sink_.signals.size(), 5u);
  EXPECT_EQ(sink_.signals[0].signal.invariant, "demo_alert");
  EXPECT_EQ(sink_.signals[2].signal.entity,
            (core::Entity{"store", "7", {{"address", "k8s-node2:9101"}}}));
  EXPECT_EQ(sink_.signals[4].signal.state, ::ops::common::v1::SIGNAL_STATE_RESOLVED);
  for (const AlertSignal& a : sink_.signals) {
    EXPECT_EQ(a.signal.source, "alertmanager");
    EXPECT_EQ(a.signal.fingerprint, core::Fingerprint(a.signal.labels));
  }
}

TEST_F(WebhookReceiverHttpTest, ErrorsOverHttp) {
  Start({.max_body_bytes = 2048});
  ASSERT_OK_AND_ASSIGN(http::ClientResponse garbage,
                       PostTo(kDefaultWebhookPath, "\x01\x02garbage"));
  EXPECT_EQ(garbage.status, 400);
  EXPECT_THAT(garbage.body, HasSubstr("invalid JSON"));
  ASSERT_OK_AND_ASSIGN(http::ClientResponse big,
                       PostTo(kDefaultWebhookPath, std::string(3000, '{')));
  EXPECT_EQ(big.status, 413);
  ASSERT_OK_AND_ASSIGN(http::ClientResponse other, PostTo("/api/v2/alerts", ReadPayload(kFiring)));
  EXPECT_EQ(other.status, 404);
  EXPECT_TRUE(sink_.signals.empty());
}

TEST_F(WebhookReceiverHttpTest, ServerBodyLimitAlsoAnswers413) {
  Start({}, {.max_body_bytes = 512});
  ASSERT_OK_AND_ASSIGN(http::ClientResponse r, PostTo(kDefaultWebhookPath, ReadPayload(kThree)));
  EXPECT_EQ(r.status, 413);
}

TEST_F(WebhookReceiverHttpTest, ConfigurablePathIsLiteral) {
  Start({.path = "/hooks/am.v1"});
  ASSERT_OK_AND_ASSIGN(http::ClientResponse ok, PostTo("/hooks/am.v1", ReadPayload(kFiring)));
  EXPECT_EQ(ok.status, 200);
  ASSERT_OK_AND_ASSIGN(http::ClientResponse dot, PostTo("/hooks/amXv1", ReadPayload(kFiring)));
  EXPECT_EQ(dot.status, 404);  // '.' is not a regex wildcard
  ASSERT_OK_AND_ASSIGN(http::ClientResponse def, PostTo(kDefaultWebhookPath, ReadPayload(kFiring)));
  EXPECT_EQ(def.status, 404);
}

TEST_F(WebhookReceiverHttpTest, ConcurrentNotifications) {
  Start({});
  const std::string body = ReadPayload(kThree);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        absl::StatusOr<http::ClientResponse> r = PostTo(kDefaultWebhookPath, body);
        if (r.ok() && r->status == 200) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(sink_.signals.size(), 120u);
  EXPECT_EQ(receiver_->stats().notifications, 40u);
}

}  // namespace
}  // namespace ops::tikv
