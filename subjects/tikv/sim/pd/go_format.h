// Value formatting the way PD's Go code writes it into JSON, so tikv-sim-pd's API is byte-for-byte
// what a real PD returns (../../../../../shared/reference/tikv.md section 1.1):
//   typeutil.ByteSize -> docker units.BytesSize: binary units, "%.4g" ("311.7GiB", "1B", "0B");
//   typeutil.Duration -> Go time.Duration.String() ("36m20.480549971s", "30m0s", "10ms", "0s");
//   time.Time         -> RFC3339Nano, trailing zeros trimmed, "Z" for UTC;
//   float64           -> encoding/json: integral values without a decimal point ("1", not "1.0").
// Pure functions, thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_GO_FORMAT_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_GO_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

// docker/go-units BytesSize: divides by 1024 while >= 1024, then "%.4g" + unit.
std::string GoByteSize(double bytes);

// Go time.Duration.String() for a duration truncated to nanoseconds.
std::string GoDuration(absl::Duration d);

// Go time.Time.Format(time.RFC3339Nano) in UTC.
std::string GoRfc3339Nano(absl::Time t);

// Go time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" in `tz`, plus Go's
// monotonic reading " m=+12.345678901" (seconds since `monotonic_base`) that time.Now() values
// carry; no reading when `monotonic_base` is InfinitePast(). InfinitePast() as `t` is Go's
// zero time, "0001-01-01 00:00:00 +0000 UTC".
std::string GoTimeString(absl::Time t, absl::TimeZone tz, absl::Time monotonic_base);

// A float64 as encoding/json writes it: integral values in int64 range become JSON integers
// (so nlohmann prints "1", like Go), others stay doubles (shortest round-trip form).
nlohmann::ordered_json GoFloat(double v);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_GO_FORMAT_H_
