#include "core/clock.h"

#include <gtest/gtest.h>

namespace ops::core {
namespace {

TEST(FakeClockTest, StartsAtGivenTimeAndAdvances) {
  const absl::Time start = absl::FromUnixSeconds(1000);
  FakeClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(absl::Seconds(5));
  EXPECT_EQ(clock.Now(), start + absl::Seconds(5));
  clock.Advance(absl::Milliseconds(250));
  EXPECT_EQ(clock.Now(), start + absl::Milliseconds(5250));
}

TEST(FakeClockTest, SetTimeJumpsAnywhere) {
  FakeClock clock;
  const absl::Time t = absl::FromUnixSeconds(42);
  clock.SetTime(t);
  EXPECT_EQ(clock.Now(), t);
}

TEST(FakeClockTest, UsableThroughInterface) {
  FakeClock fake(absl::FromUnixSeconds(7));
  const Clock& clock = fake;
  EXPECT_EQ(clock.Now(), absl::FromUnixSeconds(7));
}

TEST(RealClockTest, ReturnsPlausibleTime) {
  // After 2024-01-01 and monotone enough for two reads.
  const absl::Time a = RealClock::Get()->Now();
  const absl::Time b = RealClock::Get()->Now();
  EXPECT_GT(a, absl::FromUnixSeconds(1704067200));
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace ops::core
