// PgTicketStore against the real test PostgreSQL (scripts/test), each test in its own schema,
// with a FakeClock driving the lifecycle windows.
#include "services/tickets/pg_ticket_store.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "core/proto_time.h"
#include "libs/pg/pg_test_util.h"
#include "libs/status/status_matchers.h"
#include "services/tickets/schema.h"
#include "services/tickets/tickets_test_util.h"

namespace ops::tickets {
namespace {

namespace pb = ::ops::common::v1;
using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Report;
using testing::SampleDiagnosis;

class PgTicketStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> dsn = pg::testing::TestDsn();
    if (!dsn) GTEST_SKIP() << "OPS_TEST_PG_DSN is not set; run through scripts/test";
    schema_ = std::make_unique<pg::testing::TestSchema>(*dsn, "tickets");
    ASSERT_TRUE(schema_->ok()) << schema_->error();
    ASSERT_OK_AND_ASSIGN(db_, pg::Database::Create(schema_->dsn(), {.pool_size = 8}));
    ASSERT_THAT(db_->Migrate(TicketMigrations()), IsOk());
    store_ = std::make_unique<PgTicketStore>(db_.get(), &clock_, options_);
  }

  tv1::ReportSignalResponse Fire(const std::string& store, pb::Severity severity =
                                                               pb::SEVERITY_CRITICAL) {
    auto r = store_->ReportSignal(Report(store, pb::SIGNAL_STATE_FIRING, clock_.Now(), severity));
    EXPECT_THAT(r.status(), IsOk());
    return r.ok() ? *r : tv1::ReportSignalResponse();
  }
  tv1::ReportSignalResponse Clear(const std::string& store) {
    auto r = store_->ReportSignal(Report(store, pb::SIGNAL_STATE_RESOLVED, clock_.Now()));
    EXPECT_THAT(r.status(), IsOk());
    return r.ok() ? *r : tv1::ReportSignalResponse();
  }
  std::vector<int> EventTypes(uint64_t after = 0) {
    auto events = store_->EventsAfter(after, 1000);
    EXPECT_THAT(events.status(), IsOk());
    std::vector<int> types;
    if (events.ok()) {
      for (const auto& e : *events) types.push_back(e.type());
    }
    return types;
  }
  tv1::Ticket Get(const std::string& id) {
    auto t = store_->GetTicket(id);
    EXPECT_THAT(t.status(), IsOk());
    return t.ok() ? *t : tv1::Ticket();
  }
  void SetBlind(bool blind) {
    tv1::ReportObserverStatusRequest r;
    r.set_observer_id("obs-1");
    r.set_subject("tikv");
    r.mutable_visibility()->set_blind(blind);
    if (blind) r.mutable_visibility()->add_unavailable_sources("pd: connection refused");
    ASSERT_THAT(store_->ReportObserverStatus(r), IsOk());
  }

  core::FakeClock clock_;
  PgTicketStore::Options options_{.policy = {.resolve_after = absl::Minutes(2),
                                             .flap_window = absl::Minutes(15)},
                                  .max_later_snapshots = 3};
  std::unique_ptr<pg::testing::TestSchema> schema_;
  std::unique_ptr<pg::Database> db_;
  std::unique_ptr<PgTicketStore> store_;
};

TEST_F(PgTicketStoreTest, FiringOpensOneTicketAndRepeatsCountOccurrences) {
  tv1::ReportSignalResponse first = Fire("1", pb::SEVERITY_WARNING);
  EXPECT_TRUE(first.created());
  EXPECT_EQ(first.ticket().id(), "T-000001");
  EXPECT_EQ(first.ticket().status(), tv1::TICKET_STATUS_OPEN);
  clock_.Advance(absl::Seconds(5));
  tv1::ReportSignalResponse second = Fire("1", pb::SEVERITY_CRITICAL);
  EXPECT_FALSE(second.created());
  EXPECT_EQ(second.ticket().id(), first.ticket().id());
  EXPECT_EQ(second.ticket().occurrences(), 2u);
  EXPECT_EQ(second.ticket().severity(), pb::SEVERITY_CRITICAL);

  tv1::Ticket t = Get(first.ticket().id());
  EXPECT_EQ(t.first_snapshot().reason(), "opened");
  ASSERT_EQ(t.later_snapshots_size(), 1);
  EXPECT_EQ(t.later_snapshots(0).reason(), "occurred");
  EXPECT_EQ(t.entity().id(), "1");
  EXPECT_EQ(t.last_seen().seconds() - t.first_seen().seconds(), 5);
  EXPECT_THAT(EventTypes(), ElementsAre(tv1::TICKET_EVENT_TYPE_OPENED,
                                        tv1::TICKET_EVENT_TYPE_OCCURRED,
                                        tv1::TICKET_EVENT_TYPE_SEVERITY_CHANGED));
}

TEST_F(PgTicketStoreTest, PendingAndClearWithoutTicketChangeNothing) {
  auto pending = store_->ReportSignal(Report("1", pb::SIGNAL_STATE_PENDING, clock_.Now()));
  ASSERT_THAT(pending.status(), IsOk());
  EXPECT_FALSE(pending->has_ticket());
  EXPECT_FALSE(Clear("1").has_ticket());
  EXPECT_TRUE(EventTypes().empty());
}

TEST_F(PgTicketStoreTest, RejectsMalformedSignals) {
  auto r = Report("1", pb::SIGNAL_STATE_FIRING, clock_.Now());
  r.mutable_signal()->clear_fingerprint();
  EXPECT_THAT(store_->ReportSignal(r).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("fingerprint")));
  r = Report("1", pb::SIGNAL_STATE_UNSPECIFIED, clock_.Now());
  EXPECT_THAT(store_->ReportSignal(r).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PgTicketStoreTest, LaterSnapshotsAreBounded) {
  tv1::ReportSignalResponse first = Fire("1");
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(absl::Seconds(1));
    Fire("1");
  }
  tv1::Ticket t = Get(first.ticket().id());
  EXPECT_EQ(t.occurrences(), 7u);
  EXPECT_EQ(t.first_snapshot().reason(), "opened");
  ASSERT_EQ(t.later_snapshots_size(), 3);  // max_later_snapshots, newest last
  EXPECT_EQ(t.later_snapshots(2).snapshot().captured_at().seconds(),
            absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(PgTicketStoreTest, EightConcurrentReportersNeverDuplicate) {
  constexpr int kThreads = 8, kReports = 40, kFingerprints = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0}, created{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kReports; ++j) {
        auto r = store_->ReportSignal(Report(std::to_string((i + j) % kFingerprints),
                                             pb::SIGNAL_STATE_FIRING, clock_.Now()));
        if (!r.ok()) {
          ++failures;
        } else if (r->created()) {
          ++created;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(created.load(), kFingerprints);
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM tickets"), std::to_string(kFingerprints));
  EXPECT_EQ(schema_->Query("SELECT sum(occurrences) FROM tickets"),
            std::to_string(kThreads * kReports));
  // The event log is gap-free: seqs 1..N with N = one event per report.
  EXPECT_EQ(schema_->Query("SELECT count(*) = max(seq) AND min(seq) = 1 FROM ticket_events"), "t");
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM ticket_events"),
            std::to_string(kThreads * kReports));
}

TEST_F(PgTicketStoreTest, ResolvesOnlyAfterTheClearWindow) {
  std::string id = Fire("1").ticket().id();
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(Clear("1").ticket().status(), tv1::TICKET_STATUS_OPEN);
  clock_.Advance(absl::Seconds(119));
  ASSERT_OK_AND_ASSIGN(int n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 0);
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 1);
  tv1::Ticket t = Get(id);
  EXPECT_EQ(t.status(), tv1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(t.resolution_reason(), "signal clear for 2m");
  EXPECT_EQ(t.resolved_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_THAT(EventTypes(), ElementsAre(tv1::TICKET_EVENT_TYPE_OPENED,
                                        tv1::TICKET_EVENT_TYPE_SIGNAL_RESOLVED,
                                        tv1::TICKET_EVENT_TYPE_RESOLVED));
}

TEST_F(PgTicketStoreTest, FiringInsideTheClearWindowKeepsTheTicketOpen) {
  std::string id = Fire("1").ticket().id();
  Clear("1");
  clock_.Advance(absl::Seconds(60));
  Fire("1");
  clock_.Advance(absl::Minutes(10));
  ASSERT_OK_AND_ASSIGN(int n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 0);
  EXPECT_EQ(Get(id).status(), tv1::TICKET_STATUS_OPEN);
}

TEST_F(PgTicketStoreTest, NeverAutoResolvesWhileHeld) {
  std::string id = Fire("1").ticket().id();
  tv1::HoldTicketRequest hold;
  hold.set_ticket_id(id);
  hold.set_actor("alice");
  hold.set_reason("replacing the disk");
  ASSERT_OK_AND_ASSIGN(tv1::Ticket held, store_->HoldTicket(hold));
  EXPECT_TRUE(held.held());
  EXPECT_EQ(held.hold_actor(), "alice");
  Clear("1");
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(int n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 0);
  tv1::ReleaseTicketRequest release;
  release.set_ticket_id(id);
  release.set_actor("alice");
  ASSERT_THAT(store_->ReleaseTicket(release).status(), IsOk());
  ASSERT_OK_AND_ASSIGN(n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 1);
}

TEST_F(PgTicketStoreTest, NeverAutoResolvesWhileObserverBlindAndRestartsTheWindowAfter) {
  std::string id = Fire("1").ticket().id();
  Clear("1");
  SetBlind(true);
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(int n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 0);
  SetBlind(false);
  // The window restarts when the observer can see again.
  clock_.Advance(absl::Seconds(119));
  ASSERT_OK_AND_ASSIGN(n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 0);
  clock_.Advance(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(n, store_->ResolveDueTickets());
  EXPECT_EQ(n, 1);
  auto events = store_->EventsAfter(0, 100);
  ASSERT_THAT(events.status(), IsOk());
  int observer_events = 0;
  for (const auto& e : *events) {
    if (e.type() == tv1::TICKET_EVENT_TYPE_OBSERVER_STATUS) {
      ++observer_events;
      EXPECT_TRUE(e.ticket_id().empty());
    }
  }
  EXPECT_EQ(observer_events, 2);
  // A repeated status report with no change adds no event.
  const size_t before = events->size();
  SetBlind(false);
  EXPECT_EQ(EventTypes().size(), before);
}

TEST_F(PgTicketStoreTest, FiringSoonAfterResolvingReopensAsFlapping) {
  std::string id = Fire("1").ticket().id();
  Clear("1");
  clock_.Advance(absl::Minutes(2));
  ASSERT_THAT(store_->ResolveDueTickets().status(), IsOk());
  clock_.Advance(absl::Minutes(14));
  tv1::ReportSignalResponse again = Fire("1");
  EXPECT_TRUE(again.created());
  EXPECT_EQ(again.ticket().id(), id);
  EXPECT_TRUE(again.ticket().flapping());
  EXPECT_EQ(again.ticket().status(), tv1::TICKET_STATUS_OPEN);
  EXPECT_EQ(again.ticket().occurrences(), 2u);
  EXPECT_FALSE(again.ticket().has_resolved_at());
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM tickets"), "1");

  // Beyond the flap window a new ticket opens.
  Clear("1");
  clock_.Advance(absl::Minutes(2));
  ASSERT_THAT(store_->ResolveDueTickets().status(), IsOk());
  clock_.Advance(absl::Minutes(16));
  tv1::ReportSignalResponse fresh = Fire("1");
  EXPECT_TRUE(fresh.created());
  EXPECT_NE(fresh.ticket().id(), id);
  EXPECT_FALSE(fresh.ticket().flapping());
}

TEST_F(PgTicketStoreTest, InvalidTransitionsAndUnknownTicketsSayWhy) {
  std::string id = Fire("1").ticket().id();
  tv1::HoldTicketRequest hold;
  hold.set_ticket_id(id);
  hold.set_actor("alice");
  hold.set_reason("investigating");
  ASSERT_THAT(store_->HoldTicket(hold).status(), IsOk());
  tv1::ResolveTicketRequest resolve;
  resolve.set_ticket_id(id);
  resolve.set_actor("bob");
  resolve.set_reason("fixed");
  EXPECT_THAT(store_->ResolveTicket(resolve).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("held by alice")));
  tv1::ReleaseTicketRequest release;
  release.set_ticket_id(id);
  release.set_actor("alice");
  ASSERT_THAT(store_->ReleaseTicket(release).status(), IsOk());
  ASSERT_OK_AND_ASSIGN(tv1::Ticket resolved, store_->ResolveTicket(resolve));
  EXPECT_EQ(resolved.status(), tv1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(resolved.resolution_reason(), "fixed");
  EXPECT_THAT(store_->HoldTicket(hold).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("resolved")));

  hold.set_ticket_id("T-999999");
  EXPECT_THAT(store_->HoldTicket(hold).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("T-999999 not found")));
  EXPECT_THAT(store_->GetTicket("bogus").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  // A failed transition leaves no trace in the event log.
  EXPECT_THAT(EventTypes(), ElementsAre(tv1::TICKET_EVENT_TYPE_OPENED, tv1::TICKET_EVENT_TYPE_HELD,
                                        tv1::TICKET_EVENT_TYPE_RELEASED,
                                        tv1::TICKET_EVENT_TYPE_RESOLVED));
}

TEST_F(PgTicketStoreTest, ExactlyOneDiagnoserClaimsATicket) {
  Fire("1");
  std::vector<std::thread> threads;
  std::atomic<int> claimed{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      tv1::ClaimForDiagnosisRequest r;
      r.set_diagnoser_id("d" + std::to_string(i));
      auto c = store_->ClaimForDiagnosis(r);
      if (c.ok() && c->claimed()) ++claimed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.load(), 1);
  EXPECT_EQ(schema_->Query("SELECT status FROM tickets"), "2");
}

TEST_F(PgTicketStoreTest, DiagnosesAreKeptInOrderAndValidated) {
  std::string id = Fire("1").ticket().id();
  tv1::ClaimForDiagnosisRequest claim;
  claim.set_ticket_id(id);
  claim.set_diagnoser_id("d1");
  ASSERT_OK_AND_ASSIGN(auto c, store_->ClaimForDiagnosis(claim));
  EXPECT_TRUE(c.claimed());
  EXPECT_EQ(c.ticket().status(), tv1::TICKET_STATUS_DIAGNOSING);
  ASSERT_OK_AND_ASSIGN(c, store_->ClaimForDiagnosis(claim));
  EXPECT_FALSE(c.claimed());

  tv1::AttachDiagnosisRequest attach;
  attach.set_ticket_id(id);
  attach.set_diagnoser_id("d1");
  *attach.mutable_diagnosis() = SampleDiagnosis("store_crash", clock_.Now());
  ASSERT_THAT(store_->AttachDiagnosis(attach).status(), IsOk());
  *attach.mutable_diagnosis() = SampleDiagnosis("network_partition", clock_.Now());
  ASSERT_OK_AND_ASSIGN(tv1::Ticket t, store_->AttachDiagnosis(attach));
  EXPECT_EQ(t.status(), tv1::TICKET_STATUS_DIAGNOSED);
  ASSERT_EQ(t.diagnoses_size(), 2);
  EXPECT_EQ(t.diagnoses(0).root_cause().category(), "store_crash");
  EXPECT_EQ(t.diagnoses(1).root_cause().category(), "network_partition");
  EXPECT_EQ(t.diagnoses(1).ticket_id(), id);

  attach.mutable_diagnosis()->mutable_root_cause()->add_evidence_ids("E404");
  EXPECT_THAT(store_->AttachDiagnosis(attach).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("E404")));
}

TEST_F(PgTicketStoreTest, ListsWithFiltersAndPages) {
  for (int i = 1; i <= 5; ++i) {
    Fire(std::to_string(i), i % 2 ? pb::SEVERITY_CRITICAL : pb::SEVERITY_WARNING);
    clock_.Advance(absl::Seconds(1));
  }
  tv1::ListTicketsRequest req;
  req.set_page_size(2);
  req.set_summary_only(true);
  std::vector<std::string> ids;
  for (int page = 0; page < 5; ++page) {
    ASSERT_OK_AND_ASSIGN(auto resp, store_->ListTickets(req));
    for (const auto& t : resp.tickets()) ids.push_back(t.id());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_THAT(ids, ElementsAre("T-000005", "T-000004", "T-000003", "T-000002", "T-000001"));

  tv1::ListTicketsRequest critical;
  critical.set_min_severity(pb::SEVERITY_CRITICAL);
  ASSERT_OK_AND_ASSIGN(auto resp, store_->ListTickets(critical));
  EXPECT_EQ(resp.tickets_size(), 3);
  tv1::ListTicketsRequest recent;
  *recent.mutable_since() = core::TimeToProto(clock_.Now() - absl::Seconds(2));
  recent.add_statuses(tv1::TICKET_STATUS_OPEN);
  ASSERT_OK_AND_ASSIGN(resp, store_->ListTickets(recent));
  EXPECT_EQ(resp.tickets_size(), 2);
  recent.clear_statuses();
  recent.add_statuses(tv1::TICKET_STATUS_RESOLVED);
  ASSERT_OK_AND_ASSIGN(resp, store_->ListTickets(recent));
  EXPECT_EQ(resp.tickets_size(), 0);
  req.set_page_token("garbage");
  EXPECT_THAT(store_->ListTickets(req).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PgTicketStoreTest, EventsReplayInSeqOrderFromAnyPoint) {
  Fire("1");
  Fire("2");
  Clear("1");
  ASSERT_OK_AND_ASSIGN(auto all, store_->EventsAfter(0, 100));
  ASSERT_EQ(all.size(), 3u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq(), i + 1);
  EXPECT_EQ(all[1].ticket().entity().id(), "2");
  EXPECT_EQ(all[2].actor(), "observer:obs-1");
  EXPECT_FALSE(all[0].ticket().has_first_snapshot());
  ASSERT_OK_AND_ASSIGN(auto tail, store_->EventsAfter(2, 100));
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].type(), tv1::TICKET_EVENT_TYPE_SIGNAL_RESOLVED);
  ASSERT_OK_AND_ASSIGN(uint64_t last, store_->LastSeq());
  EXPECT_EQ(last, 3u);
}

}  // namespace
}  // namespace ops::tickets
