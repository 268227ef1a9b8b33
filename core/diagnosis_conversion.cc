// ToProto/FromProto for evidence and the diagnosis types.
#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/conversion_util.h"
#include "core/proto_conversion.h"
#include "core/proto_time.h"
#include "libs/status/status_macros.h"

namespace ops::core {

namespace pb = ::ops::common::v1;

using internal::Annotate;
using internal::CheckEnum;
using internal::DurationOrZero;
using internal::LabelsFromProto;
using internal::LabelsToProto;
using internal::Required;
using internal::RequiredTime;
using internal::StringsFromProto;
using internal::StringsToProto;

namespace {

absl::Status CheckConfidence(double c, absl::string_view field) {
  if (std::isnan(c) || c < 0 || c > 1) {
    return absl::InvalidArgumentError(absl::StrCat(field, " ", c, " is outside [0, 1]"));
  }
  return absl::OkStatus();
}

}  // namespace

pb::Evidence ToProto(const Evidence& e) {
  pb::Evidence p;
  p.set_id(e.id);
  p.set_source_kind(e.source_kind);
  p.set_locator(e.locator);
  *p.mutable_observed_at() = TimeToProto(e.observed_at);
  p.set_summary(e.summary);
  p.set_value(e.value);
  LabelsToProto(e.labels, p.mutable_labels());
  return p;
}

absl::StatusOr<Evidence> FromProto(const pb::Evidence& p) {
  RETURN_IF_ERROR(Required(!p.id().empty(), "evidence.id"));
  const std::string where = absl::StrCat("evidence ", p.id());
  RETURN_IF_ERROR(CheckEnum(p.source_kind(), pb::EvidenceSourceKind_IsValid, true,
                            absl::StrCat(where, ".source_kind")));
  Evidence e;
  e.id = p.id();
  e.source_kind = p.source_kind();
  e.locator = p.locator();
  ASSIGN_OR_RETURN(e.observed_at, RequiredTime(p.has_observed_at(), p.observed_at(),
                                               absl::StrCat(where, ".observed_at")));
  e.summary = p.summary();
  e.value = p.value();
  e.labels = LabelsFromProto(p.labels());
  return e;
}

pb::Hypothesis ToProto(const Hypothesis& h) {
  pb::Hypothesis p;
  p.set_id(h.id);
  p.set_category(h.category);
  p.set_statement(h.statement);
  p.set_verdict(h.verdict);
  StringsToProto(h.supporting_evidence_ids, p.mutable_supporting_evidence_ids());
  StringsToProto(h.refuting_evidence_ids, p.mutable_refuting_evidence_ids());
  p.set_reasoning(h.reasoning);
  p.set_confidence(h.confidence);
  return p;
}

absl::StatusOr<Hypothesis> FromProto(const pb::Hypothesis& p) {
  RETURN_IF_ERROR(Required(!p.id().empty(), "hypothesis.id"));
  const std::string where = absl::StrCat("hypothesis ", p.id());
  RETURN_IF_ERROR(Required(!p.category().empty(), absl::StrCat(where, ".category")));
  RETURN_IF_ERROR(
      CheckEnum(p.verdict(), pb::Verdict_IsValid, true, absl::StrCat(where, ".verdict")));
  RETURN_IF_ERROR(CheckConfidence(p.confidence(), absl::StrCat(where, ".confidence")));
  Hypothesis h;
  h.id = p.id();
  h.category = p.category();
  h.statement = p.statement();
  h.verdict = p.verdict();
  h.supporting_evidence_ids = StringsFromProto(p.supporting_evidence_ids());
  h.refuting_evidence_ids = StringsFromProto(p.refuting_evidence_ids());
  h.reasoning = p.reasoning();
  h.confidence = p.confidence();
  return h;
}

pb::RootCause ToProto(const RootCause& r) {
  pb::RootCause p;
  p.set_category(r.category);
  *p.mutable_entity() = ToProto(r.entity);
  p.set_confidence(r.confidence);
  p.set_summary(r.summary);
  StringsToProto(r.evidence_ids, p.mutable_evidence_ids());
  return p;
}

absl::StatusOr<RootCause> FromProto(const pb::RootCause& p) {
  RETURN_IF_ERROR(Required(!p.category().empty(), "root_cause.category"));
  RETURN_IF_ERROR(CheckConfidence(p.confidence(), "root_cause.confidence"));
  RootCause r;
  r.category = p.category();
  absl::StatusOr<Entity> entity = FromProto(p.entity());
  if (!entity.ok()) return Annotate(entity.status(), "root_cause");
  r.entity = *std::move(entity);
  r.confidence = p.confidence();
  r.summary = p.summary();
  r.evidence_ids = StringsFromProto(p.evidence_ids());
  return r;
}

pb::Recommendation ToProto(const Recommendation& r) {
  pb::Recommendation p;
  p.set_action(r.action);
  p.set_command(r.command);
  p.set_risk(r.risk);
  p.set_reversible(r.reversible);
  p.set_expected_outcome(r.expected_outcome);
  return p;
}

absl::StatusOr<Recommendation> FromProto(const pb::Recommendation& p) {
  RETURN_IF_ERROR(Required(!p.action().empty(), "recommendation.action"));
  RETURN_IF_ERROR(CheckEnum(p.risk(), pb::Risk_IsValid, true, "recommendation.risk"));
  return Recommendation{p.action(), p.command(), p.risk(), p.reversible(), p.expected_outcome()};
}

pb::TimelineEntry ToProto(const TimelineEntry& t) {
  pb::TimelineEntry p;
  *p.mutable_at() = TimeToProto(t.at);
  p.set_description(t.description);
  StringsToProto(t.evidence_ids, p.mutable_evidence_ids());
  return p;
}

absl::StatusOr<TimelineEntry> FromProto(const pb::TimelineEntry& p) {
  TimelineEntry t;
  ASSIGN_OR_RETURN(t.at, RequiredTime(p.has_at(), p.at(), "timeline.at"));
  t.description = p.description();
  t.evidence_ids = StringsFromProto(p.evidence_ids());
  return t;
}

pb::Provenance ToProto(const Provenance& v) {
  pb::Provenance p;
  p.set_engine(v.engine);
  p.set_model(v.model);
  p.set_input_tokens(v.input_tokens);
  p.set_output_tokens(v.output_tokens);
  p.set_cached_tokens(v.cached_tokens);
  p.set_cost_usd(v.cost_usd);
  *p.mutable_latency() = DurationToProto(v.latency);
  p.set_repaired(v.repaired);
  p.set_fallback(v.fallback);
  p.set_fallback_reason(v.fallback_reason);
  return p;
}

absl::StatusOr<Provenance> FromProto(const pb::Provenance& p) {
  RETURN_IF_ERROR(CheckEnum(p.engine(), pb::Engine_IsValid, true, "provenance.engine"));
  if (std::isnan(p.cost_usd()) || p.cost_usd() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("provenance.cost_usd ", p.cost_usd(), " is negative"));
  }
  Provenance v;
  v.engine = p.engine();
  v.model = p.model();
  v.input_tokens = p.input_tokens();
  v.output_tokens = p.output_tokens();
  v.cached_tokens = p.cached_tokens();
  v.cost_usd = p.cost_usd();
  ASSIGN_OR_RETURN(v.latency, DurationOrZero(p.has_latency(), p.latency(), "provenance.latency"));
  if (v.latency < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("provenance.latency is negative");
  }
  v.repaired = p.repaired();
  v.fallback = p.fallback();
  v.fallback_reason = p.fallback_reason();
  return v;
}

pb::Diagnosis ToProto(const Diagnosis& d) {
  pb::Diagnosis p;
  p.set_id(d.id);
  p.set_ticket_id(d.ticket_id);
  p.set_summary(d.summary);
  if (d.root_cause) *p.mutable_root_cause() = ToProto(*d.root_cause);
  for (const TimelineEntry& t : d.timeline) *p.add_timeline() = ToProto(t);
  for (const Hypothesis& h : d.hypotheses) *p.add_hypotheses() = ToProto(h);
  for (const Recommendation& r : d.recommendations) *p.add_recommendations() = ToProto(r);
  StringsToProto(d.risks, p.mutable_risks());
  for (const Evidence& e : d.evidence) *p.add_evidence() = ToProto(e);
  p.set_markdown(d.markdown);
  *p.mutable_provenance() = ToProto(d.provenance);
  *p.mutable_created_at() = TimeToProto(d.created_at);
  return p;
}

absl::StatusOr<Diagnosis> FromProto(const pb::Diagnosis& p) {
  RETURN_IF_ERROR(Required(!p.id().empty(), "diagnosis.id"));
  Diagnosis d;
  d.id = p.id();
  d.ticket_id = p.ticket_id();
  d.summary = p.summary();
  if (p.has_root_cause()) {
    ASSIGN_OR_RETURN(d.root_cause, FromProto(p.root_cause()));
  }
  for (const pb::TimelineEntry& t : p.timeline()) {
    ASSIGN_OR_RETURN(TimelineEntry entry, FromProto(t));
    d.timeline.push_back(std::move(entry));
  }
  for (const pb::Hypothesis& h : p.hypotheses()) {
    ASSIGN_OR_RETURN(Hypothesis hyp, FromProto(h));
    d.hypotheses.push_back(std::move(hyp));
  }
  for (const pb::Recommendation& r : p.recommendations()) {
    ASSIGN_OR_RETURN(Recommendation rec, FromProto(r));
    d.recommendations.push_back(std::move(rec));
  }
  d.risks = StringsFromProto(p.risks());
  for (const pb::Evidence& e : p.evidence()) {
    ASSIGN_OR_RETURN(Evidence ev, FromProto(e));
    d.evidence.push_back(std::move(ev));
  }
  d.markdown = p.markdown();
  if (!p.has_provenance()) return absl::InvalidArgumentError("diagnosis.provenance is required");
  ASSIGN_OR_RETURN(d.provenance, FromProto(p.provenance()));
  ASSIGN_OR_RETURN(d.created_at,
                   RequiredTime(p.has_created_at(), p.created_at(), "diagnosis.created_at"));
  RETURN_IF_ERROR(ValidateDiagnosis(d));
  return d;
}

}  // namespace ops::core
