#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/status/retry.h"
#include "libs/status/status_macros.h"
#include "libs/status/status_matchers.h"

namespace ops {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int half, Half(x));
  ASSIGN_OR_RETURN(half, Half(half));
  return half;
}

absl::Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnPropagatesValueAndError) {
  EXPECT_THAT(Quarter(8), IsOk());
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("odd")));
}

TEST(StatusMacros, ReturnIfErrorStopsAtFirstError) {
  EXPECT_THAT(CheckEven(4), IsOk());
  EXPECT_THAT(CheckEven(3), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(StatusMatchers, IsOkRejectsErrors) {
  EXPECT_THAT(absl::NotFoundError("x"), ::testing::Not(IsOk()));
  ASSERT_OK_AND_ASSIGN(int v, Half(10));
  EXPECT_EQ(v, 5);
}

TEST(Retry, RetryableCodes) {
  EXPECT_TRUE(IsRetryable(absl::UnavailableError("refused")));
  EXPECT_TRUE(IsRetryable(absl::DeadlineExceededError("timeout")));
  EXPECT_TRUE(IsRetryable(absl::ResourceExhaustedError("429")));
  EXPECT_TRUE(IsRetryable(absl::AbortedError("serialization")));
  EXPECT_FALSE(IsRetryable(absl::InvalidArgumentError("bad")));
  EXPECT_FALSE(IsRetryable(absl::NotFoundError("404")));
  EXPECT_FALSE(IsRetryable(absl::OkStatus()));
  EXPECT_FALSE(IsRetryable(absl::FailedPreconditionError("state")));
}

TEST(Retry, BackoffGrowsAndCaps) {
  Backoff b{absl::Milliseconds(100), absl::Seconds(1), 2.0};
  EXPECT_EQ(b.Delay(0, 0.999999), absl::Milliseconds(100) * (0.5 + 0.5 * 0.999999));
  EXPECT_EQ(b.Delay(0, 0.0), absl::Milliseconds(50));
  EXPECT_EQ(b.Delay(2, 0.0), absl::Milliseconds(200));
  EXPECT_EQ(b.Delay(10, 0.0), absl::Milliseconds(500));  // capped at 1 s, half jitter
  EXPECT_EQ(b.Delay(1000, 0.0), absl::Milliseconds(500));
  for (int i = 0; i < 100; ++i) {
    double r = UnitRandom();
    EXPECT_GE(r, 0.0);
    EXPECT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace ops
