#include "libs/http/http_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/status/retry.h"
#include "libs/status/status_matchers.h"

namespace ops::http {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(StatusFromHttp, TwoHundredsAreOk) {
  EXPECT_THAT(StatusFromHttp(200, "x"), IsOk());
  EXPECT_THAT(StatusFromHttp(204, ""), IsOk());
}

TEST(StatusFromHttp, MapsCodesAndKeepsTheCodeVisible) {
  EXPECT_THAT(StatusFromHttp(404, "no such store"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("HTTP 404: no such store")));
  EXPECT_THAT(StatusFromHttp(503, "", "from GET http://x/"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503 from GET http://x/")));
  EXPECT_THAT(StatusFromHttp(429, ""), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(StatusFromHttp(401, ""), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(StatusFromHttp(403, ""), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(StatusFromHttp(400, ""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(StatusFromHttp(409, ""), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(StatusFromHttp(413, ""), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(StatusFromHttp(408, ""), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(HttpCodeFromStatus(StatusFromHttp(502, "")), Optional(502));
  EXPECT_EQ(HttpCodeFromStatus(absl::UnavailableError("refused")), std::nullopt);
}

TEST(StatusFromHttp, RetryableExactlyFor5xx429And408) {
  for (int code : {500, 502, 503, 504, 429, 408}) {
    EXPECT_TRUE(IsRetryable(StatusFromHttp(code, ""))) << code;
  }
  for (int code : {400, 401, 403, 404, 409, 413, 422}) {
    EXPECT_FALSE(IsRetryable(StatusFromHttp(code, ""))) << code;
  }
}

TEST(StatusFromHttp, TruncatesLongBodies) {
  absl::Status s = StatusFromHttp(500, std::string(10000, 'x'));
  EXPECT_LT(s.message().size(), 300u);
  EXPECT_THAT(std::string(s.message()), HasSubstr("..."));
}

TEST(ParseRetryAfter, SecondsAndDates) {
  absl::Time now = absl::FromUnixSeconds(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_THAT(ParseRetryAfter("120", now), Optional(absl::Seconds(120)));
  EXPECT_THAT(ParseRetryAfter(" 0 ", now), Optional(absl::ZeroDuration()));
  EXPECT_THAT(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), Optional(absl::Seconds(30)));
  EXPECT_THAT(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now),
              Optional(absl::ZeroDuration()));
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
}

}  // namespace
}  // namespace ops::http
