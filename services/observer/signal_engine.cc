#include "services/observer/signal_engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/status/status_macros.h"

namespace ops::observer {

absl::StatusOr<std::unique_ptr<SignalEngine>> SignalEngine::Create(
    std::string subject, std::vector<core::InvariantDefinition> invariants,
    std::string blind_invariant) {
  std::unique_ptr<SignalEngine> engine(new SignalEngine());
  engine->blind_invariant_ = std::move(blind_invariant);
  bool has_blind = false;
  for (core::InvariantDefinition& d : invariants) {
    if (!d.evaluate) {
      return absl::InvalidArgumentError(absl::StrCat("invariant ", d.name, " has no evaluate"));
    }
    has_blind = has_blind || d.name == engine->blind_invariant_;
    ASSIGN_OR_RETURN(auto tracker,
                     core::SignalTracker::Create({subject, d.name, d.severity, d.timing}));
    engine->entries_.push_back({std::move(d), std::move(tracker)});
  }
  if (!has_blind) {
    return absl::InvalidArgumentError(
        absl::StrCat("no invariant named ", engine->blind_invariant_, " reports blindness"));
  }
  return engine;
}

absl::StatusOr<std::vector<core::SignalTransition>> SignalEngine::Evaluate(
    const core::Snapshot& snap) {
  std::vector<core::SignalTransition> out;
  for (Entry& e : entries_) {
    if (snap.visibility.blind && e.definition.name != blind_invariant_) continue;
    ASSIGN_OR_RETURN(std::vector<core::SignalTransition> t,
                     e.tracker->Update(snap.captured_at, e.definition.evaluate(snap)));
    for (core::SignalTransition& one : t) out.push_back(std::move(one));
  }
  return out;
}

std::vector<core::Signal> SignalEngine::ActiveSignals() const {
  std::vector<core::Signal> out;
  for (const Entry& e : entries_) {
    for (core::Signal& s : e.tracker->ActiveSignals()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ops::observer
