// GoogleTest matchers for absl::Status and absl::StatusOr<T> (our Abseil has none).
//
//   EXPECT_THAT(DoThing(), IsOk());
//   EXPECT_THAT(Parse(x), StatusIs(absl::StatusCode::kInvalidArgument));
//   EXPECT_THAT(Parse(x), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3")));
//   ASSERT_OK_AND_ASSIGN(auto v, Parse(x));
#ifndef OPS_LIBS_STATUS_STATUS_MATCHERS_H_
#define OPS_LIBS_STATUS_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/status/status_macros.h"

namespace ops::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::ops::testing::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& s = ::ops::testing::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + ::testing::PrintToString(code) + " and a matching message") {
  const absl::Status& s = ::ops::testing::GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

}  // namespace ops::testing

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                               \
  OPS_ASSERT_OK_AND_ASSIGN_IMPL_(OPS_STATUS_CONCAT_(ops_assert_statusor_, __LINE__), lhs, \
                                 rexpr)
#define OPS_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr)        \
  auto statusor = (rexpr);                                          \
  ASSERT_TRUE(statusor.ok()) << statusor.status().ToString();       \
  lhs = *std::move(statusor)

#endif  // OPS_LIBS_STATUS_STATUS_MATCHERS_H_
