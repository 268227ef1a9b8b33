// The Signal domain type: one invariant's verdict about one entity, with its Prometheus-style
// lifecycle (inactive -> pending -> firing -> resolved). Produced by SignalTracker, carried to
// the tickets service as ops.common.v1.Signal (see proto_conversion.h).
#ifndef OPS_CORE_SIGNAL_H_
#define OPS_CORE_SIGNAL_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "core/fingerprint.h"
#include "core/snapshot.h"
#include "ops/v1/common.pb.h"

namespace ops::core {

using SignalState = ::ops::common::v1::SignalState;

// Label keys every signal carries; Fingerprint() of these (plus the condition's own identifying
// labels) is the signal's fingerprint.
inline constexpr char kLabelSubject[] = "subject";
inline constexpr char kLabelInvariant[] = "invariant";
inline constexpr char kLabelEntityKind[] = "entity_kind";
inline constexpr char kLabelEntityId[] = "entity_id";

// Where a signal came from.
inline constexpr char kSourceInvariant[] = "invariant";
inline constexpr char kSourceAlertmanager[] = "alertmanager";

// One invariant's verdict about one entity. Plain value.
struct Signal {
  std::string fingerprint;  // Required: Fingerprint(labels).
  std::string invariant;    // Required.
  std::string subject;      // Required.
  Entity entity;
  Labels labels;  // Identifying labels.
  Severity severity = ::ops::common::v1::SEVERITY_UNSPECIFIED;
  SignalState state = ::ops::common::v1::SIGNAL_STATE_UNSPECIFIED;
  bool flapping = false;
  std::string summary;
  double value = 0;
  double threshold = 0;
  std::optional<absl::Time> active_since;
  std::optional<absl::Time> fired_at;
  std::optional<absl::Time> resolved_at;
  std::string source = kSourceInvariant;

  friend bool operator==(const Signal&, const Signal&) = default;
};

// Returns the identifying labels of a signal: subject, invariant, entity kind and id, plus
// `extra` (which must not use the four reserved keys; reserved keys win if it does).
Labels SignalLabels(const std::string& subject, const std::string& invariant, const Entity& entity,
                    const Labels& extra = {});

}  // namespace ops::core

#endif  // OPS_CORE_SIGNAL_H_
