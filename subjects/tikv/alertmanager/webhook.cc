// Alertmanager webhook body parser; see webhook.h. nlohmann exceptions stop here.
#include "subjects/tikv/alertmanager/webhook.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace ops::tikv {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 32;

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// Refuses absurd nesting before nlohmann builds (and later destroys) the tree recursively.
absl::Status CheckDepth(absl::string_view body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid JSON: nesting deeper than ", kMaxDepth, " at byte ", i));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredString(const Json& obj, const char* key,
                                           absl::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end()) return Invalid(absl::StrCat(path, key), "missing");
  if (!it->is_string()) return Invalid(absl::StrCat(path, key), "want a string");
  return it->get<std::string>();
}

absl::StatusOr<std::string> OptionalString(const Json& obj, const char* key,
                                           absl::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Invalid(absl::StrCat(path, key), "want a string");
  return it->get<std::string>();
}

// A JSON object of string values; missing or null is empty unless `required`.
absl::StatusOr<core::Labels> StringMap(const Json& obj, const char* key, absl::string_view path,
                                       bool required) {
  const std::string here = absl::StrCat(path, key);
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return Invalid(here, "missing");
    return core::Labels();
  }
  if (!it->is_object()) return Invalid(here, "want an object of strings");
  core::Labels out;
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Invalid(absl::StrCat(here, ".", k), "want a string");
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

absl::Status CheckStatus(const std::string& status, absl::string_view path) {
  if (status == "firing" || status == "resolved") return absl::OkStatus();
  return Invalid(path, absl::StrCat("want \"firing\" or \"resolved\", got \"", status, "\""));
}

absl::StatusOr<WebhookAlert> ParseAlert(const Json& j, absl::string_view path) {
  if (!j.is_object()) return Invalid(path, "want an object");
  const std::string p = absl::StrCat(path, ".");
  WebhookAlert alert;
  ASSIGN_OR_RETURN(alert.status, RequiredString(j, "status", p));
  RETURN_IF_ERROR(CheckStatus(alert.status, absl::StrCat(p, "status")));
  ASSIGN_OR_RETURN(alert.labels, StringMap(j, "labels", p, /*required=*/true));
  ASSIGN_OR_RETURN(alert.annotations, StringMap(j, "annotations", p, /*required=*/false));
  ASSIGN_OR_RETURN(std::string starts, RequiredString(j, "startsAt", p));
  absl::StatusOr<std::optional<absl::Time>> starts_at = ParseAlertTime(starts);
  if (!starts_at.ok()) return Invalid(absl::StrCat(p, "startsAt"), starts_at.status().message());
  if (!starts_at->has_value()) return Invalid(absl::StrCat(p, "startsAt"), "zero time");
  alert.starts_at = **starts_at;
  ASSIGN_OR_RETURN(std::string ends, OptionalString(j, "endsAt", p));
  if (!ends.empty()) {
    absl::StatusOr<std::optional<absl::Time>> ends_at = ParseAlertTime(ends);
    if (!ends_at.ok()) return Invalid(absl::StrCat(p, "endsAt"), ends_at.status().message());
    alert.ends_at = *ends_at;
  }
  ASSIGN_OR_RETURN(alert.generator_url, OptionalString(j, "generatorURL", p));
  ASSIGN_OR_RETURN(alert.fingerprint, OptionalString(j, "fingerprint", p));
  return alert;
}

absl::StatusOr<WebhookMessage> ParseMessage(const Json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("payload is not a JSON object");
  WebhookMessage m;
  ASSIGN_OR_RETURN(m.version, RequiredString(j, "version", ""));
  if (m.version != "4") {
    return Invalid("version",
                   absl::StrCat("want \"4\" (Alertmanager webhook), got \"", m.version, "\""));
  }
  ASSIGN_OR_RETURN(m.status, RequiredString(j, "status", ""));
  RETURN_IF_ERROR(CheckStatus(m.status, "status"));
  ASSIGN_OR_RETURN(m.receiver, OptionalString(j, "receiver", ""));
  auto alerts = j.find("alerts");
  if (alerts == j.end()) return Invalid("alerts", "missing");
  if (!alerts->is_array()) return Invalid("alerts", "want an array");
  for (size_t i = 0; i < alerts->size(); ++i) {
    ASSIGN_OR_RETURN(WebhookAlert alert, ParseAlert((*alerts)[i], absl::StrCat("alerts[", i, "]")));
    m.alerts.push_back(std::move(alert));
  }
  ASSIGN_OR_RETURN(m.group_labels, StringMap(j, "groupLabels", "", false));
  ASSIGN_OR_RETURN(m.common_labels, StringMap(j, "commonLabels", "", false));
  ASSIGN_OR_RETURN(m.common_annotations, StringMap(j, "commonAnnotations", "", false));
  ASSIGN_OR_RETURN(m.external_url, OptionalString(j, "externalURL", ""));
  ASSIGN_OR_RETURN(m.group_key, OptionalString(j, "groupKey", ""));
  auto truncated = j.find("truncatedAlerts");
  if (truncated != j.end() && !truncated->is_null()) {
    if (!truncated->is_number_integer() || truncated->get<int64_t>() < 0) {
      return Invalid("truncatedAlerts", "want a non-negative integer");
    }
    m.truncated_alerts = truncated->get<int64_t>();
  }
  return m;
}

}  // namespace

absl::StatusOr<std::optional<absl::Time>> ParseAlertTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("want an RFC 3339 time, got \"", text, "\" (", err, ")"));
  }
  // Go's time.Time{} marshals as 0001-01-01T00:00:00Z and means "not set".
  static const absl::Time kGoZeroEnd =
      absl::FromCivil(absl::CivilSecond(2, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (t < kGoZeroEnd) return std::optional<absl::Time>();
  return std::optional<absl::Time>(t);
}

absl::StatusOr<WebhookMessage> ParseWebhook(absl::string_view body) {
  RETURN_IF_ERROR(CheckDepth(body));
  Json j;
  try {
    j = Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", e.what()));
  }
  try {
    return ParseMessage(j);
  } catch (const Json::exception& e) {  // not expected: every access is type-checked first
    return absl::InvalidArgumentError(absl::StrCat("invalid payload: ", e.what()));
  }
}

}  // namespace ops::tikv
