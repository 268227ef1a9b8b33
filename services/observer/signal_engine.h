// SignalEngine: evaluates a subject's invariants on each snapshot, one core::SignalTracker per
// invariant, and returns the signal transitions. It enforces the blindness rule: while the
// snapshot is blind only the observer-blind invariant is evaluated and every other tracker is
// left untouched, so blindness never fires a store signal ("every store is down") and never
// resolves one.
//
// Thread safety: thread-compatible; the observer calls Evaluate from its one loop thread.
// ActiveSignals is safe to call concurrently with nothing else.
#ifndef OPS_SERVICES_OBSERVER_SIGNAL_ENGINE_H_
#define OPS_SERVICES_OBSERVER_SIGNAL_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/signal_tracker.h"
#include "core/subject_adapter.h"

namespace ops::observer {

class SignalEngine {
 public:
  // `blind_invariant` names the invariant that reports blindness (evaluated always).
  static absl::StatusOr<std::unique_ptr<SignalEngine>> Create(
      std::string subject, std::vector<core::InvariantDefinition> invariants,
      std::string blind_invariant);

  // Evaluates `snap` at snap.captured_at. Transitions are ordered by invariant, then
  // fingerprint. Errors only for a snapshot older than the previous one.
  absl::StatusOr<std::vector<core::SignalTransition>> Evaluate(const core::Snapshot& snap);

  // Pending and firing signals of every invariant.
  std::vector<core::Signal> ActiveSignals() const;

  size_t invariant_count() const { return entries_.size(); }

 private:
  struct Entry {
    core::InvariantDefinition definition;
    std::unique_ptr<core::SignalTracker> tracker;
  };
  SignalEngine() = default;

  std::vector<Entry> entries_;
  std::string blind_invariant_;
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_SIGNAL_ENGINE_H_
