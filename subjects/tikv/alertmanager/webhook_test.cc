// Tests for the Alertmanager webhook parser against the real payloads in
// ../shared/data/prometheus/ and against malformed bodies.
#include "subjects/tikv/alertmanager/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kDataDir = std::string(OPS_SHARED_DATA_DIR) + "/prometheus";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

TEST(ParseWebhook, EveryRealPayloadParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDataDir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("alertmanager-webhook-", 0) != 0) continue;
    absl::StatusOr<WebhookMessage> m = ParseWebhook(ReadFile(entry.path().string()));
    ASSERT_THAT(m, IsOk()) << name;
    EXPECT_EQ(m->version, "4");
    EXPECT_FALSE(m->alerts.empty()) << name;
    for (const WebhookAlert& a : m->alerts) {
      EXPECT_FALSE(a.labels.at("alertname").empty());
      EXPECT_EQ(a.fingerprint.size(), 16u);
      EXPECT_EQ(a.ends_at.has_value(), a.status == "resolved") << name;
    }
    ++files;
  }
  EXPECT_EQ(files, 3);
}

TEST(ParseWebhook, FiringAlertmanager0210) {
  ASSERT_OK_AND_ASSIGN(
      WebhookMessage m,
      ParseWebhook(ReadFile(kDataDir + "/alertmanager-webhook-v4-firing.am0.21.0.json")));
  EXPECT_EQ(m.receiver, "web\\.hook");  // a literal backslash, as captured
  EXPECT_EQ(m.status, "firing");
  EXPECT_EQ(m.external_url, "http://n3:9093");
  EXPECT_EQ(m.group_key, "{}:{alertname=\"DemoAlert\"}");
  EXPECT_EQ(m.truncated_alerts, 0);
  EXPECT_EQ(m.group_labels, (core::Labels{{"alertname", "DemoAlert"}}));
  EXPECT_EQ(m.common_annotations, (core::Labels{{"summary", "This is a demo"}}));
  ASSERT_EQ(m.alerts.size(), 1u);
  const WebhookAlert& a = m.alerts[0];
  EXPECT_EQ(a.status, "firing");
  EXPECT_EQ(
      a.labels,
      (core::Labels{{"alertname", "DemoAlert"}, {"server", "ni3"}, {"severity", "critical"}}));
  EXPECT_EQ(a.annotations, (core::Labels{{"summary", "This is a demo"}}));
  EXPECT_EQ(a.starts_at, Utc(2021, 1, 7, 8, 38, 0) + absl::Nanoseconds(32813093));
  EXPECT_EQ(a.ends_at, std::nullopt);
  EXPECT_EQ(a.generator_url,
            "http://n3:9090/graph?g0.expr=sum%28prometheus_build_info%29+%3C+3&g0.tab=1");
  EXPECT_EQ(a.fingerprint, "8a07086b74f3ba78");
}

TEST(ParseWebhook, ThreeAlertsWithZoneOffsetsAndUtf8) {
  ASSERT_OK_AND_ASSIGN(
      WebhookMessage m,
      ParseWebhook(ReadFile(kDataDir + "/alertmanager-webhook-v4-firing-3alerts.cloudeon.json")));
  ASSERT_EQ(m.alerts.size(), 3u);
  EXPECT_EQ(m.alerts[0].labels.at("alertname"), "主机CPU使用率");
  EXPECT_EQ(m.alerts[1].labels.at("instance"), "k8s-node2:9101");
  // 14:41:21.68943305+08:00
  EXPECT_EQ(m.alerts[1].starts_at, Utc(2023, 3, 25, 6, 41, 21) + absl::Nanoseconds(689433050));
  EXPECT_EQ(m.common_labels.at("severity"), "exception");
}

TEST(ParseWebhook, Resolved) {
  ASSERT_OK_AND_ASSIGN(
      WebhookMessage m,
      ParseWebhook(ReadFile(kDataDir + "/alertmanager-webhook-v4-resolved.cloudeon.json")));
  EXPECT_EQ(m.status, "resolved");
  ASSERT_EQ(m.alerts.size(), 1u);
  EXPECT_EQ(m.alerts[0].status, "resolved");
  EXPECT_EQ(m.alerts[0].ends_at, Utc(2023, 3, 25, 7, 27, 51) + absl::Nanoseconds(39625135));
  EXPECT_EQ(m.alerts[0].annotations.at("alertAdvice"), "Grafana宕机，请重新启动");
}

TEST(ParseWebhook, OnlyRequiredFields) {
  ASSERT_OK_AND_ASSIGN(
      WebhookMessage m,
      ParseWebhook(R"({"version":"4","status":"firing","alerts":[{"status":"firing",)"
                   R"("labels":{"alertname":"X"},"annotations":null,)"
                   R"("startsAt":"2024-01-02T03:04:05Z","extra":[1,2]}],"unknown":{}})"));
  ASSERT_EQ(m.alerts.size(), 1u);
  EXPECT_TRUE(m.alerts[0].annotations.empty());
  EXPECT_EQ(m.alerts[0].fingerprint, "");
  EXPECT_EQ(m.alerts[0].ends_at, std::nullopt);
  EXPECT_EQ(m.receiver, "");
  EXPECT_EQ(m.alerts[0].starts_at, Utc(2024, 1, 2, 3, 4, 5));
}

struct Bad {
  std::string body;
  std::string what;
};

class MalformedWebhookTest : public ::testing::TestWithParam<Bad> {};

TEST_P(MalformedWebhookTest, InvalidArgumentNamingTheProblem) {
  EXPECT_THAT(ParseWebhook(GetParam().body),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().what)))
      << GetParam().body;
}

const char kAlertHead[] = R"({"version":"4","status":"firing","alerts":[)";

INSTANTIATE_TEST_SUITE_P(
    ParseWebhook, MalformedWebhookTest,
    ::testing::Values(
        Bad{"", "invalid JSON"}, Bad{"not json", "invalid JSON"},
        Bad{R"({"version":"4")", "invalid JSON"}, Bad{"[]", "not a JSON object"},
        Bad{"{\"version\":\"4\",\"status\":\"\xff\"}", "invalid JSON"},
        Bad{R"({"status":"firing","alerts":[]})", "version: missing"},
        Bad{R"({"version":"1","status":"firing","alerts":[]})", "version: want \"4\""},
        Bad{R"({"version":4,"status":"firing","alerts":[]})", "version: want a string"},
        Bad{R"({"version":"4","alerts":[]})", "status: missing"},
        Bad{R"({"version":"4","status":"pending","alerts":[]})", "status: want \"firing\""},
        Bad{R"({"version":"4","status":"firing"})", "alerts: missing"},
        Bad{R"({"version":"4","status":"firing","alerts":{}})", "alerts: want an array"},
        Bad{std::string(kAlertHead) + "1]}", "alerts[0]: want an object"},
        Bad{std::string(kAlertHead) +
                R"({"labels":{"alertname":"X"},"startsAt":"2024-01-02T03:04:05Z"}]})",
            "alerts[0].status: missing"},
        Bad{std::string(kAlertHead) + R"({"status":"firing","startsAt":"2024-01-02T03:04:05Z"}]})",
            "alerts[0].labels: missing"},
        Bad{std::string(kAlertHead) + R"({"status":"firing","labels":{"alertname":"X","n":1},)"
                                      R"("startsAt":"2024-01-02T03:04:05Z"}]})",
            "alerts[0].labels.n: want a string"},
        Bad{std::string(kAlertHead) + R"({"status":"firing","labels":{},"annotations":"x",)"
                                      R"("startsAt":"2024-01-02T03:04:05Z"}]})",
            "alerts[0].annotations: want an object"},
        Bad{std::string(kAlertHead) + R"({"status":"firing","labels":{}}]})",
            "alerts[0].startsAt: missing"},
        Bad{std::string(kAlertHead) + R"({"status":"firing","labels":{},"startsAt":"yesterday"}]})",
            "alerts[0].startsAt: want an RFC 3339 time"},
        Bad{std::string(kAlertHead) +
                R"({"status":"firing","labels":{},"startsAt":"0001-01-01T00:00:00Z"}]})",
            "alerts[0].startsAt: zero time"},
        Bad{std::string(kAlertHead) +
                R"({"status":"resolved","labels":{},"startsAt":"2024-01-02T03:04:05Z",)"
                R"("endsAt":"2024-01-02 03:04:05"}]})",
            "alerts[0].endsAt: want an RFC 3339 time"},
        Bad{R"({"version":"4","status":"firing","alerts":[],"truncatedAlerts":-1})",
            "truncatedAlerts: want a non-negative integer"},
        Bad{R"({"version":"4","status":"firing","alerts":[],"commonLabels":[]})",
            "commonLabels: want an object"},
        Bad{std::string(100000, '['), "nesting deeper than 32"}));

TEST(ParseAlertTime, GoZeroTimeIsUnset) {
  ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> zero, ParseAlertTime("0001-01-01T00:00:00Z"));
  EXPECT_EQ(zero, std::nullopt);
  ASSERT_OK_AND_ASSIGN(std::optional<absl::Time> t,
                       ParseAlertTime("2023-03-25T15:27:51.039625135+08:00"));
  EXPECT_EQ(t, Utc(2023, 3, 25, 7, 27, 51) + absl::Nanoseconds(39625135));
  EXPECT_THAT(ParseAlertTime(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::tikv
