#include "libs/grpc/status_convert.h"

#include <gtest/gtest.h>

#include <chrono>

#include "libs/grpc/channel.h"

namespace ops::grpcutil {
namespace {

TEST(StatusConvertTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(ToAbslStatus(grpc::Status::OK).ok());
}

TEST(StatusConvertTest, EveryCanonicalCodeRoundTripsWithItsMessage) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status in(static_cast<absl::StatusCode>(code), "what happened");
    grpc::Status g = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    EXPECT_EQ(g.error_message(), "what happened");
    EXPECT_EQ(ToAbslStatus(g), in);
  }
}

TEST(StatusConvertTest, NamedCodesLineUp) {
  EXPECT_EQ(ToGrpcStatus(absl::ResourceExhaustedError("x")).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ToAbslStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")),
            absl::UnavailableError("down"));
  EXPECT_EQ(ToAbslStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")).code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST(StatusConvertTest, UnknownCodesBecomeUnknown) {
  absl::Status odd(static_cast<absl::StatusCode>(42), "odd");
  EXPECT_EQ(ToGrpcStatus(odd).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ToGrpcStatus(odd).error_message(), "odd");
  // (grpc::StatusCode has no fixed underlying type, so a grpc::Status with an out-of-range
  // code cannot be built without undefined behaviour; only the absl side is tested.)
}

TEST(DeadlineTest, IsNowPlusTimeout) {
  auto before = std::chrono::system_clock::now();
  auto deadline = Deadline(absl::Seconds(5));
  auto after = std::chrono::system_clock::now();
  EXPECT_GE(deadline, before + std::chrono::seconds(5));
  EXPECT_LE(deadline, after + std::chrono::seconds(5));
  EXPECT_EQ(Deadline(absl::InfiniteDuration()), std::chrono::system_clock::time_point::max());
}

TEST(DeadlineTest, SetsTheClientContextDeadline) {
  grpc::ClientContext ctx;
  auto before = std::chrono::system_clock::now();
  SetDeadline(&ctx, absl::Milliseconds(1500));
  EXPECT_GE(ctx.deadline(), before + std::chrono::milliseconds(1500));
  EXPECT_LE(ctx.deadline(), std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
}

}  // namespace
}  // namespace ops::grpcutil
