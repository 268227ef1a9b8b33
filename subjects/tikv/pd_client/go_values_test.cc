#include "subjects/tikv/pd_client/go_values.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseGoDurationTest, PdFormats) {
  struct Case {
    const char* text;
    absl::Duration want;
  } cases[] = {
      {"30m0s", absl::Minutes(30)},
      {"1h0m0s", absl::Hours(1)},
      {"48h0m0s", absl::Hours(48)},
      {"1m30s", absl::Seconds(90)},
      {"20.5s", absl::Milliseconds(20500)},
      {"10ms", absl::Milliseconds(10)},
      {"36m20.480549971s", absl::Minutes(36) + absl::Seconds(20) + absl::Nanoseconds(480549971)},
      {"0s", absl::ZeroDuration()},
      {"0", absl::ZeroDuration()},
      {"-1.5h", -absl::Minutes(90)},
      {"+5s", absl::Seconds(5)},
      {"300us", absl::Microseconds(300)},
      {"1\xC2\xB5s", absl::Microseconds(1)},  // µ U+00B5
      {"1\xCE\xBCs", absl::Microseconds(1)},  // μ U+03BC
      {"2ns", absl::Nanoseconds(2)},
      {".5s", absl::Milliseconds(500)},
      {"1.s", absl::Seconds(1)},
      {"2h45m", absl::Hours(2) + absl::Minutes(45)},
      {"9223372036854775807ns", absl::Nanoseconds(INT64_MAX)},
      {"-9223372036854775808ns", absl::Nanoseconds(INT64_MIN)},
      {"-0s", absl::ZeroDuration()},
  };
  for (const Case& c : cases) {
    absl::StatusOr<absl::Duration> d = ParseGoDuration(c.text);
    ASSERT_THAT(d, IsOk()) << c.text;
    EXPECT_EQ(*d, c.want) << c.text;
  }
}

TEST(ParseGoDurationTest, RejectsWhatGoRejects) {
  for (const char* bad : {"", "-", "1", "s", "1x", "1.5", ".s", "1h-1m", "inf", " 1s", "1s ",
                          "9223372036854775808ns", "3000000h", "1e3s"}) {
    EXPECT_THAT(ParseGoDuration(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(ParseGoDuration("5q"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown unit \"q\"")));
}

TEST(ParseByteSizeTest, DockerUnitsAsPdPrints) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  struct Case {
    const char* text;
    uint64_t want;
  } cases[] = {
      {"1B", 1},
      {"0B", 0},
      {"1023B", 1023},
      {"1KiB", 1024},
      {"290.7MiB", static_cast<uint64_t>(290.7 * 1024 * 1024)},
      {"311.7GiB", static_cast<uint64_t>(311.7 * kGiB)},
      {"334.7GiB", static_cast<uint64_t>(334.7 * kGiB)},
      {"1.5GiB", static_cast<uint64_t>(1.5 * kGiB)},
      {"3.493TiB", static_cast<uint64_t>(3.493 * kGiB * 1024)},
      {"1PiB", uint64_t{1} << 50},
      {"2EiB", uint64_t{2} << 60},
      {"1024", 1024},
      {"1 GiB", 1 << 30},
      {"1gb", 1 << 30},
      {"1g", 1 << 30},
      {"5k", 5 << 10},
      {"7m", 7 << 20},
  };
  for (const Case& c : cases) {
    absl::StatusOr<uint64_t> b = ParseByteSize(c.text);
    ASSERT_THAT(b, IsOk()) << c.text;
    EXPECT_EQ(*b, c.want) << c.text;
  }
}

TEST(ParseByteSizeTest, Rejects) {
  for (const char* bad : {"", "GiB", "-1B", "1.GiB", "1XB", "1GiBs", "1  GiB", "1e3B", "abc"}) {
    EXPECT_THAT(ParseByteSize(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(ParseByteSize("16EiB"), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ParseRfc3339Test, NanosAndZones) {
  absl::StatusOr<absl::Time> t = ParseRfc3339("2024-12-25T03:41:23.480549971Z");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(absl::ToUnixNanos(*t), 1735098083480549971);
  absl::StatusOr<absl::Time> z = ParseRfc3339("2024-12-25T11:41:23.48+08:00");
  ASSERT_THAT(z, IsOk());
  EXPECT_EQ(absl::ToUnixMillis(*z), 1735098083480);
  absl::StatusOr<absl::Time> s = ParseRfc3339("2024-12-25T03:05:03Z");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(absl::ToUnixSeconds(*s), 1735095903);
  absl::StatusOr<absl::Time> neg = ParseRfc3339("2024-12-24T22:05:03-05:00");
  ASSERT_THAT(neg, IsOk());
  EXPECT_EQ(*neg, *s);
}

TEST(ParseRfc3339Test, RejectsAndZeroTime) {
  for (const char* bad : {"", "2024-12-25", "2024-12-25T03:05:03", "yesterday",
                          " 2024-12-25T03:05:03Z", "2024-13-25T03:05:03Z"}) {
    EXPECT_THAT(ParseRfc3339(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  absl::StatusOr<absl::Time> zero = ParseRfc3339("0001-01-01T00:00:00Z");
  ASSERT_THAT(zero, IsOk());
  EXPECT_TRUE(IsGoZeroTime(*zero));
  EXPECT_FALSE(IsGoZeroTime(absl::UnixEpoch()));
}

}  // namespace
}  // namespace ops::tikv
