// SignalTracker: the detection state machine for one invariant, in the shape of Prometheus'
// rules/alerting.go. Each evaluation passes the conditions that are true now; per fingerprint
// the tracker moves
//
//   inactive --true--> pending --true for `for`--> firing --false for clear_window--> resolved
//                         |                          ^   |
//                         +--false--> inactive        +---+ true again inside the window
//
// A pending signal that clears goes back to inactive without ever firing. A signal that fires
// again within flap_window of resolving is flapping; the mark lasts flap_window from that
// re-fire. Time only comes in as an argument: the tracker never reads a clock.
#ifndef OPS_CORE_SIGNAL_TRACKER_H_
#define OPS_CORE_SIGNAL_TRACKER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/signal.h"
#include "core/subject_adapter.h"

namespace ops::core {

// A state change of one signal, reported by SignalTracker::Update.
struct SignalTransition {
  SignalState from = ::ops::common::v1::SIGNAL_STATE_UNSPECIFIED;
  SignalState to = ::ops::common::v1::SIGNAL_STATE_UNSPECIFIED;
  Signal signal;  // The signal after the change (signal.state == to).
};

// What SignalTracker needs to know about its invariant.
struct SignalTrackerOptions {
  std::string subject;                                          // Required.
  std::string invariant;                                        // Required.
  Severity severity = ::ops::common::v1::SEVERITY_UNSPECIFIED;  // Required.
  InvariantTiming timing;
};

// Tracks every signal of one invariant. Thread-compatible: calls must be serialised by the
// caller (the observer evaluates each invariant on one thread).
class SignalTracker {
 public:
  // Fails with INVALID_ARGUMENT when subject or invariant is empty, severity is unset or a
  // duration in `timing` is negative.
  static absl::StatusOr<std::unique_ptr<SignalTracker>> Create(SignalTrackerOptions options);

  // Feeds one evaluation at time `now`: `active` holds one Condition per entity violating the
  // invariant now; entities absent from it are taken as not violating. Returns the transitions
  // it caused, ordered by fingerprint: to PENDING, FIRING, RESOLVED, or INACTIVE (a pending
  // signal that cleared). For a zero `for` a new condition goes straight to FIRING.
  //
  // Fails with INVALID_ARGUMENT (and changes nothing) when `now` is before the previous
  // update's time or two conditions have the same fingerprint.
  absl::StatusOr<std::vector<SignalTransition>> Update(absl::Time now,
                                                       const std::vector<Condition>& active);

  // Returns the pending and firing signals, ordered by fingerprint.
  std::vector<Signal> ActiveSignals() const;

  // Returns the pending or firing signal with `fingerprint`, or nullopt.
  std::optional<Signal> Find(const std::string& fingerprint) const;

  const SignalTrackerOptions& options() const { return options_; }

 private:
  struct Entry {
    Signal signal;
    // First evaluation time at which a firing condition was seen false; unset while true.
    std::optional<absl::Time> false_since;
    // Until when the flapping mark lasts.
    std::optional<absl::Time> flapping_until;
  };

  explicit SignalTracker(SignalTrackerOptions options) : options_(std::move(options)) {}

  Signal NewSignal(const Condition& c, const Labels& labels, const std::string& fp) const;
  void Fire(absl::Time now, Entry& entry);
  void ForgetOldResolutions(absl::Time now);

  SignalTrackerOptions options_;
  std::optional<absl::Time> last_update_;
  std::map<std::string, Entry> active_;              // By fingerprint.
  std::map<std::string, absl::Time> last_resolved_;  // By fingerprint, for flap detection.
};

}  // namespace ops::core

#endif  // OPS_CORE_SIGNAL_TRACKER_H_
