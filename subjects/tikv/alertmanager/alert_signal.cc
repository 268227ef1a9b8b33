// Alertmanager alert -> core::Signal; see alert_signal.h.
#include "subjects/tikv/alertmanager/alert_signal.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ops::tikv {
namespace {

bool IsAsciiAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }
bool IsAllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

const std::string* FindNonEmpty(const core::Labels& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() || it->second.empty() ? nullptr : &it->second;
}

bool IsReservedKey(const std::string& key) {
  return key == core::kLabelSubject || key == core::kLabelInvariant ||
         key == core::kLabelEntityKind || key == core::kLabelEntityId;
}

}  // namespace

std::string NormalizeAlertName(absl::string_view name) {
  std::string out;
  bool separate = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ascii = static_cast<unsigned char>(c) < 0x80;
    if (ascii && !IsAsciiAlnum(c)) {
      separate = true;
      continue;
    }
    // "DemoAlert", "PDLeader": an upper-case letter followed by a lower-case one after a letter
    // or digit starts a new word.
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && i > 0 && i + 1 < name.size() &&
        absl::ascii_islower(static_cast<unsigned char>(name[i + 1])) && IsAsciiAlnum(name[i - 1])) {
      separate = true;
    }
    if (separate && !out.empty()) out.push_back('_');
    separate = false;
    out.push_back(ascii ? absl::ascii_tolower(static_cast<unsigned char>(c)) : c);
  }
  return out;
}

core::Severity SeverityFromLabels(const core::Labels& labels) {
  const std::string* value = FindNonEmpty(labels, "level");
  if (value == nullptr) value = FindNonEmpty(labels, "severity");
  if (value == nullptr) return ::ops::common::v1::SEVERITY_INFO;
  const std::string v = absl::AsciiStrToLower(*value);
  if (v == "critical" || v == "emergency") return ::ops::common::v1::SEVERITY_CRITICAL;
  if (v == "warning") return ::ops::common::v1::SEVERITY_WARNING;
  return ::ops::common::v1::SEVERITY_INFO;
}

core::Entity EntityFromLabels(const core::Labels& labels, const StoreResolver& resolver) {
  for (const char* key : {"store_id", "store"}) {
    const std::string* id = FindNonEmpty(labels, key);
    if (id != nullptr && IsAllDigits(*id)) return core::Entity{"store", *id, {}};
  }
  const std::string* instance = nullptr;
  for (const char* key : {"instance", "address"}) {
    const std::string* address = FindNonEmpty(labels, key);
    if (address == nullptr) continue;
    if (instance == nullptr) instance = address;
    if (!resolver) continue;
    std::optional<std::string> store = resolver(*address);
    if (store.has_value() && !store->empty()) {
      return core::Entity{"store", *store, {{"address", *address}}};
    }
  }
  core::Entity cluster{"cluster", "", {}};
  if (instance != nullptr) cluster.labels["instance"] = *instance;
  return cluster;
}

core::Entity EntityMemo::Get(const core::Labels& labels, bool resolved,
                             const std::function<core::Entity()>& resolve) {
  const uint64_t key = core::FingerprintHash(labels);
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      core::Entity entity = it->second.entity;
      if (resolved) entries_.erase(it);
      return entity;
    }
  }
  core::Entity entity = resolve();  // outside the lock: a resolver may do I/O
  if (resolved) return entity;
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_ && !entries_.empty()) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.inserted < oldest->second.inserted) oldest = it;
    }
    entries_.erase(oldest);
  }
  entries_.try_emplace(key, Entry{entity, next_++});
  return entries_.at(key).entity;  // a concurrent first notification may have won
}

size_t EntityMemo::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

absl::StatusOr<AlertSignal> AlertToSignal(const WebhookAlert& alert, const StoreResolver& resolver,
                                          EntityMemo* memo) {
  const std::string* alertname = FindNonEmpty(alert.labels, "alertname");
  if (alertname == nullptr) return absl::InvalidArgumentError("labels.alertname: missing");
  const std::string invariant = NormalizeAlertName(*alertname);
  if (invariant.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("labels.alertname: no letters or digits in \"", *alertname, "\""));
  }
  core::Signal s;
  if (alert.status == "firing") {
    s.state = ::ops::common::v1::SIGNAL_STATE_FIRING;
  } else if (alert.status == "resolved") {
    s.state = ::ops::common::v1::SIGNAL_STATE_RESOLVED;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("status: want \"firing\" or \"resolved\", got \"", alert.status, "\""));
  }
  const bool resolved = s.state == ::ops::common::v1::SIGNAL_STATE_RESOLVED;
  auto resolve = [&] { return EntityFromLabels(alert.labels, resolver); };
  s.entity = memo != nullptr ? memo->Get(alert.labels, resolved, resolve) : resolve();

  core::Labels extra;
  for (const auto& [key, value] : alert.labels) {
    extra[IsReservedKey(key) ? absl::StrCat("alert_", key) : key] = value;
  }
  s.subject = kTikvSubject;
  s.invariant = invariant;
  s.labels = core::SignalLabels(s.subject, s.invariant, s.entity, extra);
  s.fingerprint = core::Fingerprint(s.labels);
  s.severity = SeverityFromLabels(alert.labels);
  s.active_since = alert.starts_at;
  s.fired_at = alert.starts_at;
  if (resolved) s.resolved_at = alert.ends_at;
  s.summary = *alertname;
  for (const char* key : {"summary", "description", "message"}) {
    if (const std::string* text = FindNonEmpty(alert.annotations, key)) {
      s.summary = *text;
      break;
    }
  }
  s.source = core::kSourceAlertmanager;
  return AlertSignal{std::move(s), alert.fingerprint, alert.generator_url, alert.annotations};
}

ConversionResult ConvertWebhook(const WebhookMessage& message, const StoreResolver& resolver,
                                EntityMemo* memo) {
  ConversionResult result;
  for (size_t i = 0; i < message.alerts.size(); ++i) {
    absl::StatusOr<AlertSignal> signal = AlertToSignal(message.alerts[i], resolver, memo);
    if (signal.ok()) {
      result.signals.push_back(*std::move(signal));
    } else {
      result.rejected.push_back(absl::Status(
          signal.status().code(), absl::StrCat("alerts[", i, "].", signal.status().message())));
    }
  }
  return result;
}

}  // namespace ops::tikv
