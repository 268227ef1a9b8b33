// Conversions between absl::Time/absl::Duration and google.protobuf.Timestamp/Duration, with
// the range checks the well-known types require. Used by every ToProto/FromProto in core/ and
// by services that fill stream messages.
#ifndef OPS_CORE_PROTO_TIME_H_
#define OPS_CORE_PROTO_TIME_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace ops::core {

// Converts `t`; times outside the Timestamp range (years 1..9999, including the infinite
// times) are clamped to its ends. Pure; thread-safe.
google::protobuf::Timestamp TimeToProto(absl::Time t);

// Converts `ts`; INVALID_ARGUMENT when seconds or nanos are out of the Timestamp range.
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts);

// Converts `d`; durations beyond +/-10000 years (including infinite) are clamped.
google::protobuf::Duration DurationToProto(absl::Duration d);

// Converts `d`; INVALID_ARGUMENT when out of range or seconds and nanos differ in sign.
absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d);

}  // namespace ops::core

#endif  // OPS_CORE_PROTO_TIME_H_
