// Turns Alertmanager alerts (webhook.h) into the operator's Signal (core/signal.h), so alerts
// from the official TiKV/PD rules (../shared/data/alert-rules/) join the tickets flow next to
// the operator's own invariants.
//
// Mapping, per alert:
//   invariant  NormalizeAlertName(labels.alertname): "TiKV_space_used_more_than_80%" ->
//              "tikv_space_used_more_than_80", "DemoAlert" -> "demo_alert" (rules below)
//   entity     a store when a label names one: `store_id`/`store` holding a number, or
//              `instance`/`address` that the StoreResolver maps to a store id; otherwise the
//              cluster (with the instance kept as an entity label)
//   severity   label `level` (the official rules' key) or else `severity`, case-insensitive:
//              critical/emergency -> CRITICAL, warning -> WARNING, anything else -> INFO
//   state      status firing -> FIRING, resolved -> RESOLVED
//   times      active_since = fired_at = startsAt (Prometheus sends the firing time as
//              startsAt); resolved_at = endsAt for resolved alerts
//   summary    annotation summary, else description, else message, else the alertname
//   labels     SignalLabels("tikv", invariant, entity, <all alert labels>), so the fingerprint
//              covers the alert's whole identity as Alertmanager sees it, plus the entity.
//              An alert label named like a reserved key (subject, invariant, entity_kind,
//              entity_id) is kept as "alert_<key>".
//   source     "alertmanager"
// Alertmanager's own fingerprint is not reused as ours (its algorithm and presence vary by
// release); it is carried beside the signal in AlertSignal for cross-reference.
//
// The fingerprint includes the entity, so it is only as stable as the resolver. EntityMemo pins
// the entity chosen for an alert until that alert resolves, so a firing/resolved pair always
// shares a fingerprint even if the resolver's answer changes in between (PD unreachable).
#ifndef OPS_SUBJECTS_TIKV_ALERTMANAGER_ALERT_SIGNAL_H_
#define OPS_SUBJECTS_TIKV_ALERTMANAGER_ALERT_SIGNAL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "core/signal.h"
#include "subjects/tikv/alertmanager/webhook.h"

namespace ops::tikv {

inline constexpr char kTikvSubject[] = "tikv";

// Maps an `instance` or `address` label value ("10.0.0.5:20180") to a TiKV store id ("4"), for
// example by the stores' status or peer addresses from PD; nullopt when it is no store (a PD
// member, a node exporter). Must be thread-safe when the receiver uses it.
using StoreResolver = std::function<std::optional<std::string>(absl::string_view address)>;

// A converted alert.
struct AlertSignal {
  core::Signal signal;
  std::string alertmanager_fingerprint;  // Alertmanager's own fingerprint, may be empty
  std::string generator_url;
  core::Labels annotations;

  friend bool operator==(const AlertSignal&, const AlertSignal&) = default;
};

// Lower snake case of an alert name: ASCII letters lower-cased; an underscore inserted before
// an upper-case letter that starts a capitalised word ("DemoAlert" -> "demo_alert",
// "PDLeaderChange" -> "pd_leader_change", but "TiKV" stays "tikv"); every run of other ASCII
// bytes (space, '-', '%', '.', '_' ...) becomes one '_', trimmed at both ends; non-ASCII bytes
// (UTF-8) are kept. Empty when nothing is left.
std::string NormalizeAlertName(absl::string_view alertname);

// Severity from the `level` or `severity` label (see the file comment).
core::Severity SeverityFromLabels(const core::Labels& labels);

// The entity an alert is about (see the file comment). `resolver` may be empty.
core::Entity EntityFromLabels(const core::Labels& labels, const StoreResolver& resolver);

// Remembers the entity chosen for each open alert (keyed by its label set), up to `capacity`
// alerts; an entry is dropped when its alert resolves, or the oldest when full. Thread-safe.
class EntityMemo {
 public:
  explicit EntityMemo(size_t capacity = 10000) : capacity_(capacity) {}
  // The remembered entity for `labels`, else `resolve()`'s answer (remembered while firing).
  core::Entity Get(const core::Labels& labels, bool resolved,
                   const std::function<core::Entity()>& resolve);
  size_t size() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  struct Entry {
    core::Entity entity;
    uint64_t inserted;
  };
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// Converts one alert. INVALID_ARGUMENT when it has no usable alertname. `memo` may be null.
// Pure apart from the memo; thread-safe if the resolver is.
absl::StatusOr<AlertSignal> AlertToSignal(const WebhookAlert& alert, const StoreResolver& resolver,
                                          EntityMemo* memo = nullptr);

// Converts every alert of a notification; alerts that fail are reported in `rejected` (their
// status names "alerts[i]") and do not stop the others.
struct ConversionResult {
  std::vector<AlertSignal> signals;
  std::vector<absl::Status> rejected;
};
ConversionResult ConvertWebhook(const WebhookMessage& message, const StoreResolver& resolver,
                                EntityMemo* memo = nullptr);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ALERTMANAGER_ALERT_SIGNAL_H_
