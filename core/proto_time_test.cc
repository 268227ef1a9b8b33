#include "core/proto_time.h"

#include <gtest/gtest.h>

#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

using ::ops::testing::StatusIs;

TEST(ProtoTimeTest, TimeRoundTripsWithNanos) {
  for (absl::Time t : {absl::UnixEpoch(), absl::FromUnixNanos(1735689600123456789),
                       absl::FromUnixNanos(-1500000000)}) {
    google::protobuf::Timestamp ts = TimeToProto(t);
    EXPECT_GE(ts.nanos(), 0);
    ASSERT_OK_AND_ASSIGN(absl::Time back, TimeFromProto(ts));
    EXPECT_EQ(back, t);
  }
}

TEST(ProtoTimeTest, InfiniteTimesAreClamped) {
  EXPECT_EQ(TimeToProto(absl::InfiniteFuture()).seconds(), 253402300799);
  EXPECT_EQ(TimeToProto(absl::InfinitePast()).seconds(), -62135596800);
}

TEST(ProtoTimeTest, RejectsOutOfRangeTimestamps) {
  google::protobuf::Timestamp ts;
  ts.set_nanos(-1);
  EXPECT_THAT(TimeFromProto(ts), StatusIs(absl::StatusCode::kInvalidArgument));
  ts.set_nanos(0);
  ts.set_seconds(253402300800);
  EXPECT_THAT(TimeFromProto(ts), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProtoTimeTest, DurationRoundTripsIncludingNegative) {
  for (absl::Duration d : {absl::ZeroDuration(), absl::Milliseconds(1500),
                           absl::Milliseconds(-1500), absl::Nanoseconds(1)}) {
    google::protobuf::Duration p = DurationToProto(d);
    ASSERT_OK_AND_ASSIGN(absl::Duration back, DurationFromProto(p));
    EXPECT_EQ(back, d);
  }
  EXPECT_EQ(DurationToProto(absl::Milliseconds(-1500)).nanos(), -500000000);
}

TEST(ProtoTimeTest, RejectsMixedSignDurations) {
  google::protobuf::Duration d;
  d.set_seconds(1);
  d.set_nanos(-1);
  EXPECT_THAT(DurationFromProto(d), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::core
