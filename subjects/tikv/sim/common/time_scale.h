// One knob that shortens every simulator timing by the same factor (--time-scale). 1.0 is real
// time (store heartbeat 10 s, Disconnected after 20 s, election 10-20 s); 0.05 makes a 10 s
// heartbeat 0.5 s. Thread-compatible value type.
#ifndef OPS_SUBJECTS_TIKV_SIM_COMMON_TIME_SCALE_H_
#define OPS_SUBJECTS_TIKV_SIM_COMMON_TIME_SCALE_H_

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace ops::sim {

class TimeScale {
 public:
  TimeScale() = default;
  // `factor` must be in (0, 1]; values outside give INVALID_ARGUMENT.
  static absl::StatusOr<TimeScale> Create(double factor) {
    if (!(factor > 0.0 && factor <= 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--time-scale must be in (0, 1], got ", factor));
    }
    TimeScale s;
    s.factor_ = factor;
    return s;
  }
  double factor() const { return factor_; }
  // A real-cluster duration shortened by the factor.
  absl::Duration operator()(absl::Duration real) const { return real * factor_; }

 private:
  double factor_ = 1.0;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_COMMON_TIME_SCALE_H_
