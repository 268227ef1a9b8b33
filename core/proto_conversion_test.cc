#include "core/proto_conversion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

namespace pb = ::ops::common::v1;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixNanos(1735689600123456789);

Snapshot FullSnapshot() {
  StoreStatus s;
  s.id = "4";
  s.address = "10.0.0.4:20160";
  s.status_address = "10.0.0.4:20180";
  s.state = pb::STORE_STATE_DISCONNECTED;
  s.state_name = "Disconnected";
  s.version = "8.5.0";
  s.start_time = kT0 - absl::Hours(1);
  s.last_heartbeat = kT0 - absl::Seconds(25);
  s.restarted_at = kT0 - absl::Seconds(50);
  s.capacity_bytes = 334678450176;
  s.available_bytes = 100;
  s.used_bytes = 200;
  s.leader_count = 12;
  s.region_count = 30;
  s.slow_score = 80;
  s.probe = {false, absl::Milliseconds(3), "connection refused", kT0, 3, true};
  s.workload = {100.5, 2, 0.02, absl::Milliseconds(15), 1.5, true};
  s.labels = {{"zone", "z1"}};
  Snapshot snap;
  snap.subject = "tikv";
  snap.cluster = "demo";
  snap.captured_at = kT0;
  snap.stores = {s};
  snap.members = {{"pd-1", "111", {"http://10.0.0.1:2379"}, true, true},
                  {"pd-2", "222", {"http://10.0.0.2:2379"}, false, false}};
  snap.regions = {100, 1, 2, 3, 4, 5, 6, 7};
  snap.workload = {300, 1, 0.0033, absl::Milliseconds(20), 4, false};
  snap.visibility = {true, {"pd: connection refused"}, kT0 - absl::Minutes(1)};
  snap.leader_since = kT0 - absl::Seconds(40);
  snap.settings = {{"low_space_ratio", 0.8}, {"max_store_down_time_seconds", 1800}};
  snap.workload.baseline_ops_per_sec = 2000;
  return snap;
}

Signal FullSignal() {
  Signal s;
  s.invariant = "store_down";
  s.subject = "tikv";
  s.entity = {"store", "4", {{"address", "10.0.0.4:20160"}}};
  s.labels = SignalLabels(s.subject, s.invariant, s.entity);
  s.fingerprint = Fingerprint(s.labels);
  s.severity = pb::SEVERITY_CRITICAL;
  s.state = pb::SIGNAL_STATE_RESOLVED;
  s.flapping = true;
  s.summary = "store 4 disconnected";
  s.value = 25;
  s.threshold = 20;
  s.active_since = kT0;
  s.fired_at = kT0 + absl::Seconds(30);
  s.resolved_at = kT0 + absl::Minutes(5);
  s.source = kSourceAlertmanager;
  return s;
}

Diagnosis FullDiagnosis() {
  Diagnosis d;
  d.id = "D-1";
  d.ticket_id = "T-1";
  d.summary = "Store 4 crashed.";
  d.evidence = {Evidence{"E1",
                         pb::EVIDENCE_SOURCE_KIND_CONTROL_PLANE,
                         "/pd/api/v1/stores",
                         kT0,
                         "store 4 Disconnected",
                         "Disconnected",
                         {{"store", "4"}}},
                Evidence{"E2",
                         pb::EVIDENCE_SOURCE_KIND_LOG,
                         "tikv.log:120",
                         kT0,
                         "connection refused",
                         "connection refused",
                         {}}};
  d.hypotheses = {Hypothesis{"H1",
                             "store_crash",
                             "died",
                             pb::VERDICT_SUPPORTED,
                             {"E1", "E2"},
                             {},
                             "probe and PD agree",
                             0.9},
                  Hypothesis{"H2",
                             "network_partition",
                             "cut off",
                             pb::VERDICT_REFUTED,
                             {"E1"},
                             {"E2"},
                             "refused, not timed out",
                             0.05}};
  d.root_cause = RootCause{"store_crash", {"store", "4", {}}, 0.9, "Store 4 crashed", {"E1"}};
  d.timeline = {TimelineEntry{kT0, "store stopped heartbeating", {"E1"}}};
  d.recommendations = {Recommendation{"Restart store 4", "systemctl restart tikv", pb::RISK_LOW,
                                      true, "store returns Up"}};
  d.risks = {"a second store failure loses quorum"};
  d.markdown = "# Store 4 crashed";
  d.provenance = {pb::ENGINE_CLAUDE,
                  "claude-sonnet-4-5",
                  1000,
                  200,
                  800,
                  0.012,
                  absl::Milliseconds(2500),
                  true,
                  true,
                  "timeout"};
  d.created_at = kT0 + absl::Minutes(1);
  return d;
}

TEST(ProtoConversionTest, SnapshotRoundTrips) {
  const Snapshot snap = FullSnapshot();
  pb::ClusterSnapshot p = ToProto(snap);
  EXPECT_EQ(p.stores(0).state_name(), "Disconnected");
  ASSERT_OK_AND_ASSIGN(Snapshot back, FromProto(p));
  EXPECT_EQ(back, snap);
  EXPECT_EQ(back.FindStore("4")->slow_score, 80);
  EXPECT_EQ(back.FindStore("5"), nullptr);
  EXPECT_EQ(back.Leader()->name, "pd-1");
}

TEST(ProtoConversionTest, SnapshotPartsRoundTrip) {
  const Snapshot snap = FullSnapshot();
  ASSERT_OK_AND_ASSIGN(Entity e, FromProto(ToProto(Entity{"store", "4", {{"a", "b"}}})));
  EXPECT_EQ(e, (Entity{"store", "4", {{"a", "b"}}}));
  ASSERT_OK_AND_ASSIGN(StoreStatus s, FromProto(ToProto(snap.stores[0])));
  EXPECT_EQ(s, snap.stores[0]);
  ASSERT_OK_AND_ASSIGN(ProbeResult probe, FromProto(ToProto(snap.stores[0].probe)));
  EXPECT_EQ(probe, snap.stores[0].probe);
  ASSERT_OK_AND_ASSIGN(Workload w, FromProto(ToProto(snap.workload)));
  EXPECT_EQ(w, snap.workload);
  ASSERT_OK_AND_ASSIGN(ControlPlaneMember m, FromProto(ToProto(snap.members[1])));
  EXPECT_EQ(m, snap.members[1]);
  EXPECT_EQ(FromProto(ToProto(snap.regions)), snap.regions);
  ASSERT_OK_AND_ASSIGN(Visibility v, FromProto(ToProto(snap.visibility)));
  EXPECT_EQ(v, snap.visibility);
  ASSERT_OK_AND_ASSIGN(FaultTarget t, FromProto(ToProto(FaultTarget{"store", "4", "h:1"})));
  EXPECT_EQ(t, (FaultTarget{"store", "4", "h:1"}));
}

TEST(ProtoConversionTest, UnsetOptionalTimesStayUnset) {
  StoreStatus s;
  s.id = "1";
  pb::StoreStatus p = ToProto(s);
  EXPECT_FALSE(p.has_start_time());
  ASSERT_OK_AND_ASSIGN(StoreStatus back, FromProto(p));
  EXPECT_FALSE(back.start_time.has_value());
  EXPECT_FALSE(back.last_heartbeat.has_value());
}

TEST(ProtoConversionTest, SignalRoundTrips) {
  const Signal s = FullSignal();
  ASSERT_OK_AND_ASSIGN(Signal back, FromProto(ToProto(s)));
  EXPECT_EQ(back, s);
}

TEST(ProtoConversionTest, DiagnosisAndPartsRoundTrip) {
  const Diagnosis d = FullDiagnosis();
  ASSERT_OK_AND_ASSIGN(Diagnosis back, FromProto(ToProto(d)));
  EXPECT_EQ(back, d);
  ASSERT_OK_AND_ASSIGN(Evidence e, FromProto(ToProto(d.evidence[1])));
  EXPECT_EQ(e, d.evidence[1]);
  ASSERT_OK_AND_ASSIGN(Hypothesis h, FromProto(ToProto(d.hypotheses[1])));
  EXPECT_EQ(h, d.hypotheses[1]);
  ASSERT_OK_AND_ASSIGN(RootCause rc, FromProto(ToProto(*d.root_cause)));
  EXPECT_EQ(rc, *d.root_cause);
  ASSERT_OK_AND_ASSIGN(Recommendation r, FromProto(ToProto(d.recommendations[0])));
  EXPECT_EQ(r, d.recommendations[0]);
  ASSERT_OK_AND_ASSIGN(TimelineEntry t, FromProto(ToProto(d.timeline[0])));
  EXPECT_EQ(t, d.timeline[0]);
  ASSERT_OK_AND_ASSIGN(Provenance pv, FromProto(ToProto(d.provenance)));
  EXPECT_EQ(pv, d.provenance);
}

TEST(ProtoConversionTest, InconclusiveDiagnosisKeepsRootCauseUnset) {
  Diagnosis d = FullDiagnosis();
  d.root_cause.reset();
  pb::Diagnosis p = ToProto(d);
  EXPECT_FALSE(p.has_root_cause());
  ASSERT_OK_AND_ASSIGN(Diagnosis back, FromProto(p));
  EXPECT_FALSE(back.root_cause.has_value());
}

TEST(ProtoConversionFailureTest, SnapshotRejectsInvalidInput) {
  pb::ClusterSnapshot p = ToProto(FullSnapshot());
  p.clear_subject();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("subject")));
  p = ToProto(FullSnapshot());
  p.clear_captured_at();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("captured_at")));
  p = ToProto(FullSnapshot());
  *p.add_stores() = p.stores(0);
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
  p = ToProto(FullSnapshot());
  p.mutable_stores(0)->set_state(static_cast<pb::StoreState>(99));
  EXPECT_THAT(FromProto(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown value 99")));
  p = ToProto(FullSnapshot());
  p.mutable_stores(0)->mutable_workload()->set_error_rate(1.5);
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("store 4")));
  p = ToProto(FullSnapshot());
  p.mutable_stores(0)->mutable_last_heartbeat()->set_nanos(-5);
  EXPECT_THAT(FromProto(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("store 4.last_heartbeat")));
  p = ToProto(FullSnapshot());
  p.mutable_members(0)->clear_name();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("member.name")));
  p = ToProto(FullSnapshot());
  p.mutable_stores(0)->clear_id();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("store.id")));
  EXPECT_THAT(FromProto(pb::Entity()), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FromProto(::ops::chaos::v1::Target()), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ProtoConversionFailureTest, SignalRejectsInvalidInput) {
  auto expect_invalid = [](void (*mutate)(pb::Signal&), const char* needle) {
    pb::Signal p = ToProto(FullSignal());
    mutate(p);
    EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(needle)));
  };
  expect_invalid([](pb::Signal& p) { p.clear_fingerprint(); }, "fingerprint");
  expect_invalid([](pb::Signal& p) { p.clear_invariant(); }, "invariant");
  expect_invalid([](pb::Signal& p) { p.clear_subject(); }, "subject");
  expect_invalid([](pb::Signal& p) { p.clear_severity(); }, "severity");
  expect_invalid([](pb::Signal& p) { p.set_state(static_cast<pb::SignalState>(42)); }, "state");
  expect_invalid([](pb::Signal& p) { p.mutable_entity()->clear_kind(); }, "entity.kind");
  expect_invalid([](pb::Signal& p) { p.mutable_fired_at()->set_seconds(-1LL << 40); }, "fired_at");
}

TEST(ProtoConversionFailureTest, DiagnosisRejectsInvalidInput) {
  pb::Diagnosis p = ToProto(FullDiagnosis());
  p.mutable_root_cause()->set_confidence(1.2);
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("confidence")));
  p = ToProto(FullDiagnosis());
  p.mutable_hypotheses(0)->add_supporting_evidence_ids("E42");
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"E42\"")));
  p = ToProto(FullDiagnosis());
  p.mutable_hypotheses(0)->set_confidence(-0.5);
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("confidence")));
  p = ToProto(FullDiagnosis());
  p.mutable_hypotheses(0)->clear_verdict();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("verdict")));
  p = ToProto(FullDiagnosis());
  p.mutable_evidence(0)->clear_source_kind();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source_kind")));
  p = ToProto(FullDiagnosis());
  p.mutable_evidence(0)->clear_observed_at();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("observed_at")));
  p = ToProto(FullDiagnosis());
  p.mutable_recommendations(0)->clear_risk();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("risk")));
  p = ToProto(FullDiagnosis());
  p.mutable_provenance()->clear_engine();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("engine")));
  p = ToProto(FullDiagnosis());
  p.mutable_provenance()->set_cost_usd(-1);
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cost_usd")));
  p = ToProto(FullDiagnosis());
  p.clear_provenance();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("provenance")));
  p = ToProto(FullDiagnosis());
  p.clear_created_at();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("created_at")));
  p = ToProto(FullDiagnosis());
  p.mutable_timeline(0)->clear_at();
  EXPECT_THAT(FromProto(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("timeline.at")));
  p = ToProto(FullDiagnosis());
  p.clear_id();
  EXPECT_THAT(FromProto(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("diagnosis.id")));
}

}  // namespace
}  // namespace ops::core
