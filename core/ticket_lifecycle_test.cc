#include "core/ticket_lifecycle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

namespace tv1 = ::ops::tickets::v1;
using ::ops::common::v1::SEVERITY_CRITICAL;
using ::ops::common::v1::SEVERITY_WARNING;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;

const absl::Time kT0 = absl::FromUnixSeconds(1735689600);
const TicketPolicy kPolicy{.resolve_after = absl::Minutes(2), .flap_window = absl::Minutes(15)};

auto Type(TicketEventType type) { return Field(&TicketChange::type, type); }

TEST(TicketLifecycleTest, NewTicketIsOpenWithOneOccurrence) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_OPEN);
  EXPECT_EQ(t.occurrences, 1u);
  EXPECT_EQ(t.first_seen, kT0);
  EXPECT_EQ(t.opened_at, kT0);
  EXPECT_FALSE(t.clear_since.has_value());
}

TEST(TicketLifecycleTest, FiringCountsOccurrenceAndRaisesSeverityOnlyUpwards) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  auto changes = RecordFiring(t, SEVERITY_CRITICAL, kT0 + absl::Seconds(5));
  EXPECT_THAT(changes, ElementsAre(Type(tv1::TICKET_EVENT_TYPE_OCCURRED),
                                   Type(tv1::TICKET_EVENT_TYPE_SEVERITY_CHANGED)));
  EXPECT_EQ(t.occurrences, 2u);
  EXPECT_EQ(t.severity, SEVERITY_CRITICAL);
  EXPECT_EQ(t.last_seen, kT0 + absl::Seconds(5));
  changes = RecordFiring(t, SEVERITY_WARNING, kT0 + absl::Seconds(6));
  EXPECT_THAT(changes, ElementsAre(Type(tv1::TICKET_EVENT_TYPE_OCCURRED)));
  EXPECT_EQ(t.severity, SEVERITY_CRITICAL);
}

TEST(TicketLifecycleTest, ResolvesOnlyAfterClearWindow) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  EXPECT_THAT(RecordSignalResolved(t, kT0 + absl::Seconds(10)),
              ElementsAre(Type(tv1::TICKET_EVENT_TYPE_SIGNAL_RESOLVED)));
  // A repeated RESOLVED report keeps the window's start.
  EXPECT_THAT(RecordSignalResolved(t, kT0 + absl::Seconds(70)), IsEmpty());
  EXPECT_EQ(t.clear_since, kT0 + absl::Seconds(10));
  EXPECT_FALSE(DueForAutoResolve(t, kT0 + absl::Seconds(129), kPolicy, false));
  EXPECT_TRUE(DueForAutoResolve(t, kT0 + absl::Seconds(130), kPolicy, false));
  auto changes = AutoResolve(t, kT0 + absl::Seconds(130), kPolicy);
  EXPECT_THAT(changes, ElementsAre(Type(tv1::TICKET_EVENT_TYPE_RESOLVED)));
  EXPECT_THAT(changes[0].reason, HasSubstr("clear for 2m"));
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(t.resolved_at, kT0 + absl::Seconds(130));
}

TEST(TicketLifecycleTest, FiringDuringClearWindowRestartsIt) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  (void)RecordSignalResolved(t, kT0 + absl::Seconds(10));
  auto changes = RecordFiring(t, SEVERITY_WARNING, kT0 + absl::Seconds(60));
  EXPECT_THAT(changes[0].reason, HasSubstr("clear window"));
  EXPECT_FALSE(DueForAutoResolve(t, kT0 + absl::Minutes(10), kPolicy, false));
  (void)RecordSignalResolved(t, kT0 + absl::Seconds(100));
  EXPECT_FALSE(DueForAutoResolve(t, kT0 + absl::Seconds(219), kPolicy, false));
  EXPECT_TRUE(DueForAutoResolve(t, kT0 + absl::Seconds(220), kPolicy, false));
}

TEST(TicketLifecycleTest, NeverAutoResolvesWhileHeldOrBlind) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  (void)RecordSignalResolved(t, kT0);
  absl::Time later = kT0 + absl::Hours(1);
  EXPECT_FALSE(DueForAutoResolve(t, later, kPolicy, /*observer_blind=*/true));
  ASSERT_THAT(Hold(t, "alice", "watching it").status(), IsOk());
  EXPECT_FALSE(DueForAutoResolve(t, later, kPolicy, false));
  ASSERT_THAT(Release(t, "alice", "done").status(), IsOk());
  EXPECT_TRUE(DueForAutoResolve(t, later, kPolicy, false));
}

TEST(TicketLifecycleTest, ReopensWithinFlapWindowOnly) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  ASSERT_THAT(ResolveByPerson(t, "bob", "fixed", kT0 + absl::Minutes(1)).status(), IsOk());
  EXPECT_TRUE(ShouldReopen(t, kT0 + absl::Minutes(15), kPolicy));
  EXPECT_FALSE(ShouldReopen(t, kT0 + absl::Minutes(16), kPolicy));

  auto changes = Reopen(t, SEVERITY_CRITICAL, kT0 + absl::Minutes(5));
  EXPECT_THAT(changes, ElementsAre(Type(tv1::TICKET_EVENT_TYPE_REOPENED),
                                   Type(tv1::TICKET_EVENT_TYPE_FLAPPING),
                                   Type(tv1::TICKET_EVENT_TYPE_SEVERITY_CHANGED)));
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_OPEN);
  EXPECT_TRUE(t.flapping);
  EXPECT_EQ(t.occurrences, 2u);
  EXPECT_FALSE(t.resolved_at.has_value());
  EXPECT_TRUE(t.resolution_reason.empty());

  // A second reopen does not repeat the FLAPPING event.
  ASSERT_THAT(ResolveByPerson(t, "bob", "fixed again", kT0 + absl::Minutes(6)).status(), IsOk());
  EXPECT_THAT(Reopen(t, SEVERITY_WARNING, kT0 + absl::Minutes(7)),
              ElementsAre(Type(tv1::TICKET_EVENT_TYPE_REOPENED)));
}

TEST(TicketLifecycleTest, UnresolvedTicketIsNeverReopened) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  EXPECT_FALSE(ShouldReopen(t, kT0, kPolicy));
}

TEST(TicketLifecycleTest, InvalidTransitionsSayWhy) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  EXPECT_THAT(Hold(t, "", "r").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Hold(t, "alice", "").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(Hold(t, "alice", "upgrade").status(), IsOk());
  // Holding again updates actor and reason.
  ASSERT_THAT(Hold(t, "carol", "still upgrading").status(), IsOk());
  EXPECT_EQ(t.hold_actor, "carol");

  auto resolved = ResolveByPerson(t, "bob", "fixed", kT0);
  EXPECT_THAT(resolved.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                          HasSubstr("held by carol (still upgrading)")));
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_OPEN);
  EXPECT_THAT(ResolveByPerson(t, "bob", "", kT0).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));

  ASSERT_THAT(Release(t, "carol", "").status(), IsOk());
  ASSERT_THAT(ResolveByPerson(t, "bob", "fixed", kT0).status(), IsOk());
  EXPECT_THAT(Hold(t, "alice", "again").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("resolved")));
  // Resolving a resolved ticket and releasing an unheld one are no-ops.
  auto again = ResolveByPerson(t, "bob", "fixed", kT0 + absl::Minutes(1));
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_THAT(*again, IsEmpty());
  EXPECT_EQ(t.resolved_at, kT0);
  auto release = Release(t, "bob", "");
  ASSERT_THAT(release.status(), IsOk());
  EXPECT_THAT(*release, IsEmpty());
}

TEST(TicketLifecycleTest, ClaimOnlyFromOpenAndDiagnosisMovesToDiagnosed) {
  TicketState t = NewTicket(SEVERITY_WARNING, kT0);
  auto claimed = Claim(t, "d1");
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_DIAGNOSING);
  EXPECT_FALSE(Claim(t, "d2").has_value());
  EXPECT_THAT(AttachDiagnosis(t, "d1"),
              ElementsAre(Type(tv1::TICKET_EVENT_TYPE_DIAGNOSIS_ATTACHED),
                          Type(tv1::TICKET_EVENT_TYPE_STATUS_CHANGED)));
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_DIAGNOSED);
  EXPECT_FALSE(Claim(t, "d2").has_value());
  // A second diagnosis keeps DIAGNOSED; one on a resolved ticket keeps RESOLVED.
  EXPECT_THAT(AttachDiagnosis(t, "d2"),
              ElementsAre(Type(tv1::TICKET_EVENT_TYPE_DIAGNOSIS_ATTACHED)));
  (void)AutoResolve(t, kT0, kPolicy);
  (void)AttachDiagnosis(t, "d3");
  EXPECT_EQ(t.status, tv1::TICKET_STATUS_RESOLVED);
}

}  // namespace
}  // namespace ops::core
