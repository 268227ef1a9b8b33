#include "core/signal_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

using ::ops::common::v1::SEVERITY_CRITICAL;
using ::ops::common::v1::SIGNAL_STATE_FIRING;
using ::ops::common::v1::SIGNAL_STATE_INACTIVE;
using ::ops::common::v1::SIGNAL_STATE_PENDING;
using ::ops::common::v1::SIGNAL_STATE_RESOLVED;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Condition StoreDown(const std::string& id, double value = 30) {
  return Condition{{"store", id, {}}, {}, value, 20, "store " + id + " is Disconnected"};
}

class SignalTrackerTest : public ::testing::Test {
 protected:
  void MakeTracker(absl::Duration for_d, absl::Duration clear, absl::Duration flap) {
    SignalTrackerOptions o;
    o.subject = "tikv";
    o.invariant = "store_down";
    o.severity = SEVERITY_CRITICAL;
    o.timing = {for_d, clear, flap};
    ASSERT_OK_AND_ASSIGN(tracker_, SignalTracker::Create(o));
  }

  // Advances the clock by `d`, then evaluates `active`.
  std::vector<SignalTransition> Step(absl::Duration d, const std::vector<Condition>& active) {
    clock_.Advance(d);
    absl::StatusOr<std::vector<SignalTransition>> out = tracker_->Update(clock_.Now(), active);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : std::vector<SignalTransition>{};
  }

  static std::vector<SignalState> States(const std::vector<SignalTransition>& ts) {
    std::vector<SignalState> out;
    for (const auto& t : ts) out.push_back(t.to);
    return out;
  }

  FakeClock clock_;
  std::unique_ptr<SignalTracker> tracker_;
};

TEST_F(SignalTrackerTest, CreateRejectsBadOptions) {
  SignalTrackerOptions o{"tikv", "inv", SEVERITY_CRITICAL, {}};
  EXPECT_THAT(SignalTracker::Create(o), ops::testing::IsOk());
  o.subject = "";
  EXPECT_THAT(SignalTracker::Create(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = {"tikv", "", SEVERITY_CRITICAL, {}};
  EXPECT_THAT(SignalTracker::Create(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = {"tikv", "inv", ::ops::common::v1::SEVERITY_UNSPECIFIED, {}};
  EXPECT_THAT(SignalTracker::Create(o), StatusIs(absl::StatusCode::kInvalidArgument));
  o = {"tikv", "inv", SEVERITY_CRITICAL, {absl::Seconds(-1), {}, {}}};
  EXPECT_THAT(SignalTracker::Create(o), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SignalTrackerTest, PendingThenFiringAfterFor) {
  MakeTracker(absl::Seconds(30), absl::Seconds(60), absl::ZeroDuration());
  const absl::Time start = clock_.Now() + absl::Seconds(1);
  auto t = Step(absl::Seconds(1), {StoreDown("4")});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, SIGNAL_STATE_INACTIVE);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_PENDING);
  const Signal& s = t[0].signal;
  EXPECT_EQ(s.state, SIGNAL_STATE_PENDING);
  EXPECT_EQ(s.invariant, "store_down");
  EXPECT_EQ(s.subject, "tikv");
  EXPECT_EQ(s.entity.id, "4");
  EXPECT_EQ(s.severity, SEVERITY_CRITICAL);
  EXPECT_EQ(s.fingerprint, Fingerprint(s.labels));
  EXPECT_EQ(s.active_since, start);
  EXPECT_FALSE(s.fired_at.has_value());

  EXPECT_THAT(Step(absl::Seconds(29), {StoreDown("4")}), IsEmpty());  // 29 s < for.
  t = Step(absl::Seconds(1), {StoreDown("4", 45)});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, SIGNAL_STATE_PENDING);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_FIRING);
  EXPECT_EQ(t[0].signal.fired_at, start + absl::Seconds(30));
  EXPECT_EQ(t[0].signal.active_since, start);
  EXPECT_EQ(t[0].signal.value, 45);
  EXPECT_FALSE(t[0].signal.flapping);
  ASSERT_EQ(tracker_->ActiveSignals().size(), 1u);
  EXPECT_EQ(tracker_->ActiveSignals()[0].state, SIGNAL_STATE_FIRING);
}

TEST_F(SignalTrackerTest, ZeroForFiresImmediately) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::ZeroDuration());
  auto t = Step(absl::Seconds(1), {StoreDown("4")});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_FIRING);
  t = Step(absl::Seconds(1), {});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_RESOLVED);
}

TEST_F(SignalTrackerTest, PendingClearedBeforeForGoesInactiveWithoutFiring) {
  MakeTracker(absl::Seconds(30), absl::Seconds(60), absl::Minutes(10));
  EXPECT_THAT(States(Step(absl::Seconds(1), {StoreDown("4")})), ElementsAre(SIGNAL_STATE_PENDING));
  EXPECT_THAT(Step(absl::Seconds(20), {StoreDown("4")}), IsEmpty());
  auto t = Step(absl::Seconds(5), {});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, SIGNAL_STATE_PENDING);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_INACTIVE);
  EXPECT_FALSE(t[0].signal.fired_at.has_value());
  EXPECT_THAT(tracker_->ActiveSignals(), IsEmpty());
  // Coming back starts a fresh pending episode: the `for` clock restarts.
  EXPECT_THAT(States(Step(absl::Seconds(1), {StoreDown("4")})), ElementsAre(SIGNAL_STATE_PENDING));
  EXPECT_THAT(Step(absl::Seconds(29), {StoreDown("4")}), IsEmpty());
  EXPECT_THAT(States(Step(absl::Seconds(1), {StoreDown("4")})), ElementsAre(SIGNAL_STATE_FIRING));
}

TEST_F(SignalTrackerTest, ResolvesOnlyAfterClearWindow) {
  MakeTracker(absl::ZeroDuration(), absl::Seconds(60), absl::ZeroDuration());
  Step(absl::Seconds(1), {StoreDown("4")});
  const absl::Time first_false = clock_.Now() + absl::Seconds(10);
  EXPECT_THAT(Step(absl::Seconds(10), {}), IsEmpty());
  EXPECT_THAT(Step(absl::Seconds(59), {}), IsEmpty());  // 59 s false: still firing.
  ASSERT_TRUE(tracker_->Find(Fingerprint(SignalLabels("tikv", "store_down", {"store", "4", {}}))));
  EXPECT_EQ(tracker_->ActiveSignals()[0].state, SIGNAL_STATE_FIRING);
  auto t = Step(absl::Seconds(1), {});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, SIGNAL_STATE_FIRING);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_RESOLVED);
  EXPECT_EQ(t[0].signal.resolved_at, first_false + absl::Seconds(60));
  EXPECT_THAT(tracker_->ActiveSignals(), IsEmpty());
}

TEST_F(SignalTrackerTest, TrueAgainDuringClearWindowKeepsFiringAndRestartsWindow) {
  MakeTracker(absl::ZeroDuration(), absl::Seconds(60), absl::ZeroDuration());
  Step(absl::Seconds(1), {StoreDown("4")});
  EXPECT_THAT(Step(absl::Seconds(50), {}), IsEmpty());
  EXPECT_THAT(Step(absl::Seconds(5), {StoreDown("4")}), IsEmpty());  // Back: no new event.
  EXPECT_THAT(Step(absl::Seconds(5), {}), IsEmpty());                // Window restarts here.
  EXPECT_THAT(Step(absl::Seconds(59), {}), IsEmpty());               // 59 s into the new window.
  EXPECT_THAT(States(Step(absl::Seconds(1), {})), ElementsAre(SIGNAL_STATE_RESOLVED));
}

TEST_F(SignalTrackerTest, RefireWithinFlapWindowIsFlapping) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::Minutes(10));
  Step(absl::Seconds(1), {StoreDown("4")});
  EXPECT_THAT(States(Step(absl::Seconds(10), {})), ElementsAre(SIGNAL_STATE_RESOLVED));
  auto t = Step(absl::Minutes(5), {StoreDown("4")});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, SIGNAL_STATE_RESOLVED);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_FIRING);
  EXPECT_TRUE(t[0].signal.flapping);
  // The mark lasts flap_window from the re-fire, then clears while still firing.
  Step(absl::Minutes(9), {StoreDown("4")});
  EXPECT_TRUE(tracker_->ActiveSignals()[0].flapping);
  Step(absl::Minutes(1), {StoreDown("4")});
  EXPECT_FALSE(tracker_->ActiveSignals()[0].flapping);
}

TEST_F(SignalTrackerTest, RefireOutsideFlapWindowIsNotFlapping) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::Minutes(10));
  Step(absl::Seconds(1), {StoreDown("4")});
  Step(absl::Seconds(10), {});
  auto t = Step(absl::Minutes(10) + absl::Seconds(1), {StoreDown("4")});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, SIGNAL_STATE_FIRING);
  EXPECT_FALSE(t[0].signal.flapping);
}

TEST_F(SignalTrackerTest, PendingThatNeverFiredDoesNotCountForFlapping) {
  MakeTracker(absl::Seconds(30), absl::ZeroDuration(), absl::Minutes(10));
  Step(absl::Seconds(1), {StoreDown("4")});
  Step(absl::Seconds(10), {});  // Pending -> inactive: never resolved.
  Step(absl::Seconds(1), {StoreDown("4")});
  auto t = Step(absl::Seconds(30), {StoreDown("4")});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_FALSE(t[0].signal.flapping);
}

TEST_F(SignalTrackerTest, EntitiesAreIndependent) {
  MakeTracker(absl::Seconds(30), absl::Seconds(60), absl::ZeroDuration());
  Step(absl::Seconds(1), {StoreDown("1")});
  Step(absl::Seconds(20), {StoreDown("1"), StoreDown("2")});
  auto t = Step(absl::Seconds(10), {StoreDown("1"), StoreDown("2")});
  ASSERT_EQ(t.size(), 1u);  // Store 1 held 30 s; store 2 only 10 s.
  EXPECT_EQ(t[0].signal.entity.id, "1");
  EXPECT_EQ(t[0].to, SIGNAL_STATE_FIRING);
  t = Step(absl::Seconds(5), {StoreDown("1")});  // Store 2 clears while pending.
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].signal.entity.id, "2");
  EXPECT_EQ(t[0].to, SIGNAL_STATE_INACTIVE);
  ASSERT_EQ(tracker_->ActiveSignals().size(), 1u);
  EXPECT_EQ(tracker_->ActiveSignals()[0].entity.id, "1");
}

TEST_F(SignalTrackerTest, ExtraLabelsSeparateSignalsOfOneEntity) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::ZeroDuration());
  Condition raft = StoreDown("4");
  raft.labels = {{"type", "raft"}};
  Condition kvdb = StoreDown("4");
  kvdb.labels = {{"type", "kvdb"}};
  auto t = Step(absl::Seconds(1), {raft, kvdb});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NE(t[0].signal.fingerprint, t[1].signal.fingerprint);
  EXPECT_LT(t[0].signal.fingerprint, t[1].signal.fingerprint);  // Ordered by fingerprint.
}

TEST_F(SignalTrackerTest, RejectsTimeGoingBackwardsWithoutChangingState) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::ZeroDuration());
  Step(absl::Seconds(10), {StoreDown("4")});
  EXPECT_THAT(tracker_->Update(clock_.Now() - absl::Seconds(1), {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_EQ(tracker_->ActiveSignals().size(), 1u);
  EXPECT_EQ(tracker_->ActiveSignals()[0].state, SIGNAL_STATE_FIRING);
}

TEST_F(SignalTrackerTest, RejectsDuplicateConditionsWithoutChangingState) {
  MakeTracker(absl::ZeroDuration(), absl::ZeroDuration(), absl::ZeroDuration());
  EXPECT_THAT(tracker_->Update(clock_.Now(), {StoreDown("4"), StoreDown("4")}),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("store/4")));
  EXPECT_THAT(tracker_->ActiveSignals(), IsEmpty());
}

}  // namespace
}  // namespace ops::core
