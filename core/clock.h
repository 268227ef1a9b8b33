// Time source for everything in Operator that needs "now". core/ never calls absl::Now();
// logic takes time as an argument or through a Clock, so tests drive time with FakeClock and
// never sleep.
#ifndef OPS_CORE_CLOCK_H_
#define OPS_CORE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ops::core {

// Source of the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // Returns the current time.
  virtual absl::Time Now() const = 0;
};

// The wall clock. The only place in core/ that reads absl::Now(). Thread-safe.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override;

  // A process-wide instance; never destroyed.
  static RealClock* Get();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  // Starts at `start` (default: 2025-01-01T00:00:00Z, so tests have a readable epoch).
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1735689600));

  absl::Time Now() const override;

  // Moves time forward by `d`. A negative `d` moves it back (tests of clock skew only).
  void Advance(absl::Duration d);

  // Sets the current time to `t`.
  void SetTime(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ops::core

#endif  // OPS_CORE_CLOCK_H_
