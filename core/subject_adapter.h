// The interface a subject (TiKV today; Kafka or etcd tomorrow) implements so that core/ and the
// services never change when a subject is added: how to take a snapshot, which invariants to
// evaluate on it, how to score diagnosis hypotheses, and which entities faults may target.
//
// Everything except CollectSnapshot() is pure: invariants and rule packs read only their
// arguments, so the observer and diagnoser test them with recorded snapshots.
#ifndef OPS_CORE_SUBJECT_ADAPTER_H_
#define OPS_CORE_SUBJECT_ADAPTER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/diagnosis.h"
#include "core/evidence.h"
#include "core/fingerprint.h"
#include "core/snapshot.h"

namespace ops::core {

// One entity violating an invariant at evaluation time.
struct Condition {
  Entity entity;
  // Extra identifying labels beyond subject/invariant/entity (usually empty). Two conditions
  // of one invariant with the same entity and labels are the same problem.
  Labels labels;
  double value = 0;      // What was observed.
  double threshold = 0;  // What it was compared with.
  std::string summary;   // One line for people ("store 4 is Disconnected for 25s").
};

// Timing of an invariant, in the sense of a Prometheus alerting rule.
struct InvariantTiming {
  // How long a condition must hold before the signal fires (`for`). Zero fires at once.
  absl::Duration for_duration = absl::ZeroDuration();
  // How long a firing condition must stay false before the signal resolves (hysteresis;
  // Prometheus `keep_firing_for`). Zero resolves at the first false evaluation.
  absl::Duration clear_window = absl::ZeroDuration();
  // A signal that fires again within this long after resolving is marked flapping, and the
  // mark stays for this long after the re-fire. Zero disables flap detection.
  absl::Duration flap_window = absl::ZeroDuration();
};

// One invariant: a named, pure check over a snapshot.
struct InvariantDefinition {
  std::string name;  // Unique within the subject, snake_case ("store_down").
  std::string description;
  Severity severity = ::ops::common::v1::SEVERITY_UNSPECIFIED;
  InvariantTiming timing;
  // Returns one Condition per entity for which the invariant is violated right now. Must be
  // pure and thread-safe. Entities it cannot judge (missing data) are simply not returned;
  // blindness is reported through Snapshot::visibility, not through conditions.
  std::function<std::vector<Condition>(const Snapshot&)> evaluate;
};

// Scores root-cause hypotheses for a subject. Implementations are immutable and thread-safe.
class DiagnosisRulePack {
 public:
  virtual ~DiagnosisRulePack() = default;

  // Name of the pack, reported as Provenance::model for the rules engine ("tikv-rules-v1").
  virtual std::string name() const = 0;

  // Returns every hypothesis of the pack judged against `pack`: verdict, confidence in [0, 1],
  // and the ids of the evidence items (all from `pack`) that support or refute it. A rule may
  // add nothing to the pack; evidence it needs must already be there.
  virtual std::vector<Hypothesis> Score(const EvidencePack& pack) const = 0;
};

// Something a chaos fault can be aimed at.
struct FaultTarget {
  std::string kind;  // "store", "pd_member".
  std::string id;
  std::string address;

  friend bool operator==(const FaultTarget&, const FaultTarget&) = default;
};

// One observed subject. CollectSnapshot() may block on I/O and is called from one thread at a
// time; every other method is const and thread-safe.
class SubjectAdapter {
 public:
  virtual ~SubjectAdapter() = default;

  // Subject name, lower case ("tikv"); goes into every signal and fingerprint.
  virtual std::string name() const = 0;

  // Polls the subject and returns a snapshot captured no later than `deadline`. When the
  // control plane is unreachable it still returns a snapshot with visibility.blind set (and
  // whatever else it could see); an error means the adapter itself is broken (bad config).
  virtual absl::StatusOr<Snapshot> CollectSnapshot(absl::Time deadline) = 0;

  // The invariants to evaluate on every snapshot.
  virtual const std::vector<InvariantDefinition>& Invariants() const = 0;

  // The diagnosis rule pack.
  virtual const DiagnosisRulePack& RulePack() const = 0;

  // Entities of `snapshot` that faults may target (before chaos configuration filters them).
  virtual std::vector<FaultTarget> FaultTargets(const Snapshot& snapshot) const = 0;

  // Asks the adapter to call `fn` (from any thread) when something it watches changes in a way
  // worth evaluating at once (a probe starts failing), so detection does not wait for the next
  // cycle. Adapters that poll only inside CollectSnapshot may ignore it.
  virtual void SetChangeCallback(std::function<void()> fn) { (void)fn; }
};

}  // namespace ops::core

#endif  // OPS_CORE_SUBJECT_ADAPTER_H_
