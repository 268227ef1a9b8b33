// Paces operations to a target rate: Reserve(now) hands out evenly spaced start times
// (1/rate apart) and never lets a stalled period turn into a burst. Time comes in as an
// argument. Thread-compatible (the runner holds a mutex around it).
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_RATE_LIMITER_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_RATE_LIMITER_H_

#include <algorithm>

#include "absl/time/time.h"

namespace ops::sim {

class RateLimiter {
 public:
  // `ops_per_second` > 0.
  explicit RateLimiter(double ops_per_second)
      : interval_(absl::Seconds(1) / std::max(ops_per_second, 1e-9)) {}
  // The time at which the caller may start its next operation (>= now).
  absl::Time Reserve(absl::Time now) {
    const absl::Time slot = std::max(next_, now);
    next_ = slot + interval_;
    return slot;
  }
  absl::Duration interval() const { return interval_; }

 private:
  absl::Duration interval_;
  absl::Time next_ = absl::InfinitePast();
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_RATE_LIMITER_H_
