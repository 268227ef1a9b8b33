// Tests for the Alertmanager alert -> core::Signal conversion.
#include "subjects/tikv/alertmanager/alert_signal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Pair;

namespace v1 = ::ops::common::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

WebhookMessage Payload(const std::string& name) {
  absl::StatusOr<WebhookMessage> m =
      ParseWebhook(ReadFile(std::string(OPS_SHARED_DATA_DIR) + "/prometheus/" + name));
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : WebhookMessage{};
}

WebhookAlert Alert(core::Labels labels, std::string status = "firing") {
  WebhookAlert a;
  a.status = std::move(status);
  a.labels = std::move(labels);
  a.starts_at = absl::FromUnixSeconds(1700000000);
  if (a.status == "resolved") a.ends_at = absl::FromUnixSeconds(1700000600);
  return a;
}

TEST(NormalizeAlertName, Examples) {
  EXPECT_EQ(NormalizeAlertName("TiKV_space_used_more_than_80%"), "tikv_space_used_more_than_80");
  EXPECT_EQ(NormalizeAlertName("PD_cluster_down_tikv_nums"), "pd_cluster_down_tikv_nums");
  EXPECT_EQ(NormalizeAlertName("TiKV_GC_can_not_work"), "tikv_gc_can_not_work");
  EXPECT_EQ(NormalizeAlertName("DemoAlert"), "demo_alert");
  EXPECT_EQ(NormalizeAlertName("PDLeaderChange"), "pd_leader_change");
  EXPECT_EQ(NormalizeAlertName("TiKVDown"), "tikv_down");
  EXPECT_EQ(NormalizeAlertName("store-down  (pd)"), "store_down_pd");
  EXPECT_EQ(NormalizeAlertName("主机CPU使用率"), "主机cpu使用率");
  EXPECT_EQ(NormalizeAlertName("__x__"), "x");
  EXPECT_EQ(NormalizeAlertName("%%%"), "");
}

// Every official rule name (v8.5.7 and master) maps to a distinct lower snake case name.
TEST(NormalizeAlertName, OfficialRulesStayDistinct) {
  const std::string dir = std::string(OPS_SHARED_DATA_DIR) + "/alert-rules";
  std::set<std::string> names, normalized;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".yml") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
      absl::ConsumePrefix(&rest, "- ");
      if (absl::ConsumePrefix(&rest, "alert:")) {
        names.insert(std::string(absl::StripAsciiWhitespace(rest)));
      }
    }
  }
  for (const std::string& name : names) {
    const std::string n = NormalizeAlertName(name);
    // Lower snake case: [a-z0-9] words joined by single underscores.
    bool snake =
        !n.empty() && n.front() != '_' && n.back() != '_' && n.find("__") == std::string::npos;
    for (char c : n)
      snake = snake && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_');
    EXPECT_TRUE(snake) << name << " -> " << n;
    normalized.insert(n);
  }
  EXPECT_GE(names.size(), 50u);
  EXPECT_EQ(normalized.size(), names.size());
}

TEST(SeverityFromLabels, LevelThenSeverity) {
  EXPECT_EQ(SeverityFromLabels({{"level", "emergency"}}), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(SeverityFromLabels({{"level", "critical"}}), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(SeverityFromLabels({{"level", "Warning"}}), v1::SEVERITY_WARNING);
  EXPECT_EQ(SeverityFromLabels({{"severity", "CRITICAL"}}), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(SeverityFromLabels({{"level", "warning"}, {"severity", "critical"}}),
            v1::SEVERITY_WARNING);
  EXPECT_EQ(SeverityFromLabels({{"level", ""}, {"severity", "critical"}}), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(SeverityFromLabels({{"severity", "exception"}}), v1::SEVERITY_INFO);
  EXPECT_EQ(SeverityFromLabels({}), v1::SEVERITY_INFO);
}

TEST(EntityFromLabels, StoreWhenALabelNamesOne) {
  const StoreResolver resolver = [](absl::string_view address) -> std::optional<std::string> {
    if (address == "tikv-2:20180") return "5";
    return std::nullopt;
  };
  EXPECT_EQ(EntityFromLabels({{"store_id", "4"}, {"instance", "tikv-2:20180"}}, resolver),
            (core::Entity{"store", "4", {}}));
  EXPECT_EQ(EntityFromLabels({{"instance", "tikv-2:20180"}}, resolver),
            (core::Entity{"store", "5", {{"address", "tikv-2:20180"}}}));
  EXPECT_EQ(EntityFromLabels({{"address", "tikv-2:20180"}}, resolver),
            (core::Entity{"store", "5", {{"address", "tikv-2:20180"}}}));
  EXPECT_EQ(EntityFromLabels({{"store", "tikv-2"}, {"instance", "pd-1:2379"}}, resolver),
            (core::Entity{"cluster", "", {{"instance", "pd-1:2379"}}}));
  EXPECT_EQ(EntityFromLabels({{"instance", "tikv-2:20180"}}, nullptr),
            (core::Entity{"cluster", "", {{"instance", "tikv-2:20180"}}}));
  EXPECT_EQ(EntityFromLabels({}, resolver), (core::Entity{"cluster", "", {}}));
}

TEST(AlertToSignal, RealFiringPayload) {
  const WebhookMessage m = Payload("alertmanager-webhook-v4-firing.am0.21.0.json");
  ASSERT_OK_AND_ASSIGN(AlertSignal a, AlertToSignal(m.alerts[0], nullptr));
  const core::Signal& s = a.signal;
  EXPECT_EQ(s.subject, "tikv");
  EXPECT_EQ(s.invariant, "demo_alert");
  EXPECT_EQ(s.entity, (core::Entity{"cluster", "", {}}));
  EXPECT_EQ(s.severity, v1::SEVERITY_CRITICAL);
  EXPECT_EQ(s.state, v1::SIGNAL_STATE_FIRING);
  EXPECT_EQ(s.active_since, m.alerts[0].starts_at);
  EXPECT_EQ(s.fired_at, m.alerts[0].starts_at);
  EXPECT_EQ(s.resolved_at, std::nullopt);
  EXPECT_EQ(s.summary, "This is a demo");
  EXPECT_EQ(s.source, core::kSourceAlertmanager);
  EXPECT_EQ(s.labels, (core::Labels{{"alertname", "DemoAlert"},
                                    {"entity_id", ""},
                                    {"entity_kind", "cluster"},
                                    {"invariant", "demo_alert"},
                                    {"server", "ni3"},
                                    {"severity", "critical"},
                                    {"subject", "tikv"}}));
  EXPECT_EQ(s.fingerprint, core::Fingerprint(s.labels));
  EXPECT_NE(s.fingerprint, "8a07086b74f3ba78");
  // Pinned: the fingerprint keys open tickets, so the mapping must not drift silently.
  EXPECT_EQ(s.fingerprint, "bc3204b2f4b522f9");
  EXPECT_EQ(a.alertmanager_fingerprint, "8a07086b74f3ba78");
  EXPECT_THAT(a.generator_url, HasSubstr("g0.tab=1"));
}

TEST(AlertToSignal, RealResolvedPayload) {
  const WebhookMessage m = Payload("alertmanager-webhook-v4-resolved.cloudeon.json");
  ASSERT_OK_AND_ASSIGN(AlertSignal a, AlertToSignal(m.alerts[0], nullptr));
  EXPECT_EQ(a.signal.state, v1::SIGNAL_STATE_RESOLVED);
  EXPECT_EQ(a.signal.resolved_at, m.alerts[0].ends_at);
  EXPECT_EQ(a.signal.invariant, "grafana进程存活");
  EXPECT_EQ(a.signal.severity, v1::SEVERITY_INFO);  // alertLevel is neither level nor severity
  EXPECT_EQ(a.signal.summary, "Grafana进程存活");   // no summary/description/message
  EXPECT_EQ(a.signal.entity.labels.at("instance"), "k8s-node1:3000");
  EXPECT_EQ(a.annotations.at("alertInfo"), "grafana的k8s-node1:3000实例产生告警");

  // The same alert while it was firing has the same fingerprint.
  WebhookAlert firing = m.alerts[0];
  firing.status = "firing";
  firing.ends_at.reset();
  ASSERT_OK_AND_ASSIGN(AlertSignal f, AlertToSignal(firing, nullptr));
  EXPECT_EQ(f.signal.fingerprint, a.signal.fingerprint);
}

TEST(AlertToSignal, ThreeAlertsThreeFingerprints) {
  const WebhookMessage m = Payload("alertmanager-webhook-v4-firing-3alerts.cloudeon.json");
  const ConversionResult r = ConvertWebhook(m, nullptr);
  ASSERT_EQ(r.signals.size(), 3u);
  EXPECT_TRUE(r.rejected.empty());
  std::set<std::string> fingerprints;
  for (const AlertSignal& a : r.signals) {
    fingerprints.insert(a.signal.fingerprint);
    EXPECT_EQ(a.signal.invariant, "主机cpu使用率");
    EXPECT_EQ(a.signal.summary, "444");
    EXPECT_EQ(a.signal.severity, v1::SEVERITY_INFO);  // "exception"
  }
  EXPECT_EQ(fingerprints.size(), 3u);
  // Deterministic: converting again gives identical signals.
  EXPECT_EQ(ConvertWebhook(m, nullptr).signals, r.signals);
}

TEST(AlertToSignal, ReservedLabelKeysAreRenamed) {
  ASSERT_OK_AND_ASSIGN(
      AlertSignal a,
      AlertToSignal(Alert({{"alertname", "X"}, {"subject", "mysql"}, {"entity_id", "9"}}),
                    nullptr));
  EXPECT_EQ(a.signal.subject, "tikv");
  EXPECT_THAT(a.signal.labels, ::testing::Contains(Pair("alert_subject", "mysql")));
  EXPECT_THAT(a.signal.labels, ::testing::Contains(Pair("alert_entity_id", "9")));
  EXPECT_EQ(a.signal.labels.at("subject"), "tikv");
  EXPECT_EQ(a.signal.labels.at("entity_id"), "");
}

TEST(AlertToSignal, SummaryFallbacks) {
  WebhookAlert alert = Alert({{"alertname", "X"}});
  alert.annotations = {{"message", "m"}, {"description", "d"}};
  EXPECT_EQ(AlertToSignal(alert, nullptr)->signal.summary, "d");
  alert.annotations = {{"message", "m"}, {"summary", ""}};
  EXPECT_EQ(AlertToSignal(alert, nullptr)->signal.summary, "m");
}

TEST(AlertToSignal, RejectsMissingAlertnameAndBadStatus) {
  EXPECT_THAT(AlertToSignal(Alert({{"instance", "a"}}), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("labels.alertname")));
  EXPECT_THAT(AlertToSignal(Alert({{"alertname", "%%"}}), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no letters or digits")));
  EXPECT_THAT(AlertToSignal(Alert({{"alertname", "X"}}, "pending"), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("status")));

  WebhookMessage m;
  m.alerts = {Alert({{"alertname", "A"}}), Alert({{"job", "x"}})};
  const ConversionResult r = ConvertWebhook(m, nullptr);
  EXPECT_EQ(r.signals.size(), 1u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_THAT(r.rejected[0], StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("alerts[1].labels.alertname: missing")));
}

TEST(EntityMemo, PinsTheEntityUntilTheAlertResolves) {
  bool pd_reachable = true;
  const StoreResolver resolver = [&](absl::string_view) -> std::optional<std::string> {
    if (pd_reachable) return "4";
    return std::nullopt;
  };
  const core::Labels labels = {
      {"alertname", "TiKV_low_space"}, {"instance", "tikv-1:20180"}, {"level", "warning"}};
  EntityMemo memo;
  ASSERT_OK_AND_ASSIGN(AlertSignal firing, AlertToSignal(Alert(labels), resolver, &memo));
  EXPECT_EQ(firing.signal.entity.kind, "store");
  EXPECT_EQ(memo.size(), 1u);

  pd_reachable = false;
  // Without the memo the resolved notification would name the cluster: another fingerprint.
  ASSERT_OK_AND_ASSIGN(AlertSignal unpinned, AlertToSignal(Alert(labels, "resolved"), resolver));
  EXPECT_NE(unpinned.signal.fingerprint, firing.signal.fingerprint);
  ASSERT_OK_AND_ASSIGN(AlertSignal resolved,
                       AlertToSignal(Alert(labels, "resolved"), resolver, &memo));
  EXPECT_EQ(resolved.signal.fingerprint, firing.signal.fingerprint);
  EXPECT_EQ(resolved.signal.entity, firing.signal.entity);
  EXPECT_EQ(memo.size(), 0u);  // forgotten once resolved
}

TEST(EntityMemo, BoundedByCapacity) {
  EntityMemo memo(2);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        AlertToSignal(Alert({{"alertname", "A"}, {"i", std::to_string(i)}}), nullptr, &memo).ok());
  }
  EXPECT_EQ(memo.size(), 2u);
}

}  // namespace
}  // namespace ops::tikv
