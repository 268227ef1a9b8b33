#include "services/tickets/tickets_test_util.h"

#include "core/proto_time.h"

namespace ops::tickets::testing {

namespace pb = ::ops::common::v1;

tv1::ReportSignalRequest Report(const std::string& store_id, pb::SignalState state,
                                absl::Time at, pb::Severity severity) {
  tv1::ReportSignalRequest r;
  r.set_observer_id("obs-1");
  pb::Signal* s = r.mutable_signal();
  s->set_fingerprint("fp-" + store_id);
  s->set_invariant("store_down");
  s->set_subject("tikv");
  s->mutable_entity()->set_kind("store");
  s->mutable_entity()->set_id(store_id);
  s->set_severity(severity);
  s->set_state(state);
  s->set_summary("store " + store_id + " is down");
  s->set_source("invariant");
  pb::ClusterSnapshot* snap = r.mutable_snapshot();
  snap->set_subject("tikv");
  *snap->mutable_captured_at() = core::TimeToProto(at);
  pb::StoreStatus* store = snap->add_stores();
  store->set_id(store_id);
  store->set_state_name("Disconnected");
  return r;
}

pb::Diagnosis SampleDiagnosis(const std::string& root_cause, absl::Time at) {
  pb::Diagnosis d;
  d.set_id("D-" + root_cause);
  d.set_summary("the store process died");
  pb::Evidence* e = d.add_evidence();
  e->set_id("E1");
  e->set_source_kind(pb::EVIDENCE_SOURCE_KIND_CONTROL_PLANE);
  e->set_locator("/pd/api/v1/stores");
  *e->mutable_observed_at() = core::TimeToProto(at);
  e->set_summary("store 1 Disconnected");
  pb::Hypothesis* h = d.add_hypotheses();
  h->set_id("H1");
  h->set_category(root_cause);
  h->set_statement("the process died");
  h->set_verdict(pb::VERDICT_SUPPORTED);
  h->add_supporting_evidence_ids("E1");
  h->set_confidence(0.9);
  pb::RootCause* rc = d.mutable_root_cause();
  rc->set_category(root_cause);
  rc->set_confidence(0.9);
  rc->mutable_entity()->set_kind("store");
  rc->mutable_entity()->set_id("1");
  rc->set_summary("store 1 crashed");
  rc->add_evidence_ids("E1");
  d.set_markdown("# store 1 crashed");
  d.mutable_provenance()->set_engine(pb::ENGINE_RULES);
  *d.mutable_created_at() = core::TimeToProto(at);
  return d;
}

}  // namespace ops::tickets::testing
