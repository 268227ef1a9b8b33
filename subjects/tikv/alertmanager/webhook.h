// Alertmanager's webhook notification body (`"version": "4"`, prometheus/alertmanager
// notify/webhook), parsed into plain structs. Real bodies are in
// ../shared/data/prometheus/alertmanager-webhook-*.json:
//
//   {"receiver":"web\\.hook","status":"firing","alerts":[{"status":"firing",
//    "labels":{"alertname":"DemoAlert",...},"annotations":{"summary":"..."},
//    "startsAt":"2021-01-07T08:38:00.032813093Z","endsAt":"0001-01-01T00:00:00Z",
//    "generatorURL":"http://n3:9090/graph?...","fingerprint":"8a07086b74f3ba78"}],
//    "groupLabels":{...},"commonLabels":{...},"commonAnnotations":{...},
//    "externalURL":"http://n3:9093","version":"4","groupKey":"{}:{...}","truncatedAlerts":0}
//
// Required: version "4", status, alerts[]; per alert status ("firing"/"resolved"), labels and
// startsAt. Everything else is optional (fingerprint and truncatedAlerts appeared in later
// Alertmanager releases) but must have the right JSON type when present. Unknown keys are
// ignored, as Alertmanager may add some.
#ifndef OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_H_
#define OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/fingerprint.h"

namespace ops::tikv {

// One alert of a notification.
struct WebhookAlert {
  std::string status;  // "firing" or "resolved"
  core::Labels labels;
  core::Labels annotations;
  absl::Time starts_at;
  // Unset for Go's zero time ("0001-01-01T00:00:00Z"), which firing alerts carry.
  std::optional<absl::Time> ends_at;
  std::string generator_url;
  std::string fingerprint;  // Alertmanager's own hash of the labels; absent from old releases

  friend bool operator==(const WebhookAlert&, const WebhookAlert&) = default;
};

// One notification: a group of alerts sent to one receiver.
struct WebhookMessage {
  std::string version;  // always "4"
  std::string receiver;
  std::string status;  // "firing" when any alert fires, else "resolved"
  std::vector<WebhookAlert> alerts;
  core::Labels group_labels;
  core::Labels common_labels;
  core::Labels common_annotations;
  std::string external_url;
  std::string group_key;
  int64_t truncated_alerts = 0;  // alerts left out by the receiver's max_alerts

  friend bool operator==(const WebhookMessage&, const WebhookMessage&) = default;
};

// Parses a webhook body. INVALID_ARGUMENT for anything but a version-4 notification, naming
// the offending path ("alerts[1].startsAt: ...") or the JSON syntax error; nesting deeper than
// 32 levels is refused before parsing. Pure; thread-safe.
absl::StatusOr<WebhookMessage> ParseWebhook(absl::string_view body);

// Parses an RFC 3339 timestamp as Alertmanager writes it (any fraction, "Z" or an offset).
// nullopt for Go's zero time (year 1) — "unset". INVALID_ARGUMENT when malformed.
absl::StatusOr<std::optional<absl::Time>> ParseAlertTime(absl::string_view text);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_H_
