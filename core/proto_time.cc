#include "core/proto_time.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ops::core {
namespace {

// Range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
// Range of google.protobuf.Duration: about +/-10000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000;
constexpr int32_t kMaxNanos = 999999999;

}  // namespace

google::protobuf::Timestamp TimeToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  const absl::Time min = absl::FromUnixSeconds(kMinTimestampSeconds);
  const absl::Time max = absl::FromUnixSeconds(kMaxTimestampSeconds) + absl::Nanoseconds(kMaxNanos);
  if (t < min) t = min;
  if (t > max) t = max;
  const int64_t seconds = absl::ToUnixSeconds(t);  // Rounds towards negative infinity.
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds ||
      ts.nanos() < 0 || ts.nanos() > kMaxNanos) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp out of range: seconds=", ts.seconds(), " nanos=", ts.nanos()));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Duration DurationToProto(absl::Duration d) {
  google::protobuf::Duration out;
  const absl::Duration max = absl::Seconds(kMaxDurationSeconds) + absl::Nanoseconds(kMaxNanos);
  if (d > max) d = max;
  if (d < -max) d = -max;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);  // Truncates to zero.
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d) {
  const bool sign_mismatch =
      (d.seconds() > 0 && d.nanos() < 0) || (d.seconds() < 0 && d.nanos() > 0);
  if (d.seconds() < -kMaxDurationSeconds || d.seconds() > kMaxDurationSeconds ||
      d.nanos() < -kMaxNanos || d.nanos() > kMaxNanos || sign_mismatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration out of range: seconds=", d.seconds(), " nanos=", d.nanos()));
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace ops::core
