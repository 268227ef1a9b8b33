// ToProto/FromProto for the snapshot types, Signal and FaultTarget.
#include <cmath>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
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
using internal::OptionalTime;
using internal::Required;
using internal::RequiredTime;

pb::Entity ToProto(const Entity& e) {
  pb::Entity p;
  p.set_kind(e.kind);
  p.set_id(e.id);
  LabelsToProto(e.labels, p.mutable_labels());
  return p;
}

absl::StatusOr<Entity> FromProto(const pb::Entity& p) {
  RETURN_IF_ERROR(Required(!p.kind().empty(), "entity.kind"));
  return Entity{p.kind(), p.id(), LabelsFromProto(p.labels())};
}

pb::ProbeResult ToProto(const ProbeResult& r) {
  pb::ProbeResult p;
  p.set_reachable(r.reachable);
  *p.mutable_latency() = DurationToProto(r.latency);
  p.set_error(r.error);
  if (r.probed_at) *p.mutable_probed_at() = TimeToProto(*r.probed_at);
  p.set_consecutive_failures(r.consecutive_failures);
  p.set_refused(r.refused);
  return p;
}

absl::StatusOr<ProbeResult> FromProto(const pb::ProbeResult& p) {
  ProbeResult r;
  r.reachable = p.reachable();
  ASSIGN_OR_RETURN(r.latency, DurationOrZero(p.has_latency(), p.latency(), "probe.latency"));
  r.error = p.error();
  ASSIGN_OR_RETURN(r.probed_at, OptionalTime(p.has_probed_at(), p.probed_at(), "probed_at"));
  r.consecutive_failures = p.consecutive_failures();
  r.refused = p.refused();
  return r;
}

pb::Workload ToProto(const Workload& w) {
  pb::Workload p;
  p.set_ops_per_sec(w.ops_per_sec);
  p.set_errors_per_sec(w.errors_per_sec);
  p.set_error_rate(w.error_rate);
  *p.mutable_p99_latency() = DurationToProto(w.p99_latency);
  p.set_cpu_cores(w.cpu_cores);
  p.set_write_stall(w.write_stall);
  p.set_baseline_ops_per_sec(w.baseline_ops_per_sec);
  return p;
}

absl::StatusOr<Workload> FromProto(const pb::Workload& p) {
  if (std::isnan(p.error_rate()) || p.error_rate() < 0 || p.error_rate() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("workload.error_rate ", p.error_rate(), " is outside [0, 1]"));
  }
  Workload w;
  w.ops_per_sec = p.ops_per_sec();
  w.errors_per_sec = p.errors_per_sec();
  w.error_rate = p.error_rate();
  ASSIGN_OR_RETURN(w.p99_latency,
                   DurationOrZero(p.has_p99_latency(), p.p99_latency(), "workload.p99_latency"));
  w.cpu_cores = p.cpu_cores();
  w.write_stall = p.write_stall();
  w.baseline_ops_per_sec = p.baseline_ops_per_sec();
  return w;
}

pb::StoreStatus ToProto(const StoreStatus& s) {
  pb::StoreStatus p;
  p.set_id(s.id);
  p.set_address(s.address);
  p.set_status_address(s.status_address);
  p.set_state(s.state);
  p.set_state_name(s.state_name);
  p.set_version(s.version);
  if (s.start_time) *p.mutable_start_time() = TimeToProto(*s.start_time);
  if (s.last_heartbeat) *p.mutable_last_heartbeat() = TimeToProto(*s.last_heartbeat);
  if (s.restarted_at) *p.mutable_restarted_at() = TimeToProto(*s.restarted_at);
  p.set_capacity_bytes(s.capacity_bytes);
  p.set_available_bytes(s.available_bytes);
  p.set_used_bytes(s.used_bytes);
  p.set_leader_count(s.leader_count);
  p.set_region_count(s.region_count);
  p.set_slow_score(s.slow_score);
  *p.mutable_probe() = ToProto(s.probe);
  *p.mutable_workload() = ToProto(s.workload);
  LabelsToProto(s.labels, p.mutable_labels());
  return p;
}

absl::StatusOr<StoreStatus> FromProto(const pb::StoreStatus& p) {
  RETURN_IF_ERROR(Required(!p.id().empty(), "store.id"));
  const std::string where = absl::StrCat("store ", p.id());
  RETURN_IF_ERROR(
      CheckEnum(p.state(), pb::StoreState_IsValid, false, absl::StrCat(where, ".state")));
  StoreStatus s;
  s.id = p.id();
  s.address = p.address();
  s.status_address = p.status_address();
  s.state = p.state();
  s.state_name = p.state_name();
  s.version = p.version();
  ASSIGN_OR_RETURN(s.start_time, OptionalTime(p.has_start_time(), p.start_time(),
                                              absl::StrCat(where, ".start_time")));
  ASSIGN_OR_RETURN(s.last_heartbeat, OptionalTime(p.has_last_heartbeat(), p.last_heartbeat(),
                                                  absl::StrCat(where, ".last_heartbeat")));
  ASSIGN_OR_RETURN(s.restarted_at, OptionalTime(p.has_restarted_at(), p.restarted_at(),
                                                absl::StrCat(where, ".restarted_at")));
  s.capacity_bytes = p.capacity_bytes();
  s.available_bytes = p.available_bytes();
  s.used_bytes = p.used_bytes();
  s.leader_count = p.leader_count();
  s.region_count = p.region_count();
  s.slow_score = p.slow_score();
  absl::StatusOr<ProbeResult> probe = FromProto(p.probe());
  if (!probe.ok()) return Annotate(probe.status(), where);
  s.probe = *std::move(probe);
  absl::StatusOr<Workload> workload = FromProto(p.workload());
  if (!workload.ok()) return Annotate(workload.status(), where);
  s.workload = *std::move(workload);
  s.labels = LabelsFromProto(p.labels());
  return s;
}

pb::ControlPlaneMember ToProto(const ControlPlaneMember& m) {
  pb::ControlPlaneMember p;
  p.set_name(m.name);
  p.set_id(m.id);
  internal::StringsToProto(m.client_urls, p.mutable_client_urls());
  p.set_is_leader(m.is_leader);
  p.set_healthy(m.healthy);
  return p;
}

absl::StatusOr<ControlPlaneMember> FromProto(const pb::ControlPlaneMember& p) {
  RETURN_IF_ERROR(Required(!p.name().empty(), "member.name"));
  return ControlPlaneMember{p.name(), p.id(), internal::StringsFromProto(p.client_urls()),
                            p.is_leader(), p.healthy()};
}

pb::RegionHealth ToProto(const RegionHealth& r) {
  pb::RegionHealth p;
  p.set_total(r.total);
  p.set_miss_peer(r.miss_peer);
  p.set_down_peer(r.down_peer);
  p.set_pending_peer(r.pending_peer);
  p.set_offline_peer(r.offline_peer);
  p.set_extra_peer(r.extra_peer);
  p.set_empty(r.empty);
  p.set_leaderless(r.leaderless);
  return p;
}

RegionHealth FromProto(const pb::RegionHealth& p) {
  return RegionHealth{p.total(),        p.miss_peer(),  p.down_peer(), p.pending_peer(),
                      p.offline_peer(), p.extra_peer(), p.empty(),     p.leaderless()};
}

pb::Visibility ToProto(const Visibility& v) {
  pb::Visibility p;
  p.set_blind(v.blind);
  internal::StringsToProto(v.unavailable_sources, p.mutable_unavailable_sources());
  if (v.last_full_view) *p.mutable_last_full_view() = TimeToProto(*v.last_full_view);
  return p;
}

absl::StatusOr<Visibility> FromProto(const pb::Visibility& p) {
  Visibility v;
  v.blind = p.blind();
  v.unavailable_sources = internal::StringsFromProto(p.unavailable_sources());
  ASSIGN_OR_RETURN(v.last_full_view, OptionalTime(p.has_last_full_view(), p.last_full_view(),
                                                  "visibility.last_full_view"));
  return v;
}

pb::ClusterSnapshot ToProto(const Snapshot& s) {
  pb::ClusterSnapshot p;
  p.set_subject(s.subject);
  p.set_cluster(s.cluster);
  *p.mutable_captured_at() = TimeToProto(s.captured_at);
  for (const StoreStatus& store : s.stores) *p.add_stores() = ToProto(store);
  for (const ControlPlaneMember& m : s.members) *p.add_members() = ToProto(m);
  *p.mutable_regions() = ToProto(s.regions);
  *p.mutable_workload() = ToProto(s.workload);
  *p.mutable_visibility() = ToProto(s.visibility);
  if (s.leader_since) *p.mutable_leader_since() = TimeToProto(*s.leader_since);
  for (const auto& [k, v] : s.settings) (*p.mutable_settings())[k] = v;
  return p;
}

absl::StatusOr<Snapshot> FromProto(const pb::ClusterSnapshot& p) {
  RETURN_IF_ERROR(Required(!p.subject().empty(), "snapshot.subject"));
  Snapshot s;
  s.subject = p.subject();
  s.cluster = p.cluster();
  ASSIGN_OR_RETURN(s.captured_at,
                   RequiredTime(p.has_captured_at(), p.captured_at(), "snapshot.captured_at"));
  absl::flat_hash_set<std::string> ids;
  for (const pb::StoreStatus& ps : p.stores()) {
    ASSIGN_OR_RETURN(StoreStatus store, FromProto(ps));
    if (!ids.insert(store.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("snapshot: store id ", store.id, " is repeated"));
    }
    s.stores.push_back(std::move(store));
  }
  absl::flat_hash_set<std::string> names;
  for (const pb::ControlPlaneMember& pm : p.members()) {
    ASSIGN_OR_RETURN(ControlPlaneMember m, FromProto(pm));
    if (!names.insert(m.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("snapshot: member name ", m.name, " is repeated"));
    }
    s.members.push_back(std::move(m));
  }
  s.regions = FromProto(p.regions());
  ASSIGN_OR_RETURN(s.workload, FromProto(p.workload()));
  ASSIGN_OR_RETURN(s.visibility, FromProto(p.visibility()));
  ASSIGN_OR_RETURN(s.leader_since,
                   OptionalTime(p.has_leader_since(), p.leader_since(), "snapshot.leader_since"));
  s.settings.insert(p.settings().begin(), p.settings().end());
  return s;
}

pb::Signal ToProto(const Signal& s) {
  pb::Signal p;
  p.set_fingerprint(s.fingerprint);
  p.set_invariant(s.invariant);
  p.set_subject(s.subject);
  *p.mutable_entity() = ToProto(s.entity);
  LabelsToProto(s.labels, p.mutable_labels());
  p.set_severity(s.severity);
  p.set_state(s.state);
  p.set_flapping(s.flapping);
  p.set_summary(s.summary);
  p.set_value(s.value);
  p.set_threshold(s.threshold);
  if (s.active_since) *p.mutable_active_since() = TimeToProto(*s.active_since);
  if (s.fired_at) *p.mutable_fired_at() = TimeToProto(*s.fired_at);
  if (s.resolved_at) *p.mutable_resolved_at() = TimeToProto(*s.resolved_at);
  p.set_source(s.source);
  return p;
}

absl::StatusOr<Signal> FromProto(const pb::Signal& p) {
  RETURN_IF_ERROR(Required(!p.fingerprint().empty(), "signal.fingerprint"));
  RETURN_IF_ERROR(Required(!p.invariant().empty(), "signal.invariant"));
  RETURN_IF_ERROR(Required(!p.subject().empty(), "signal.subject"));
  RETURN_IF_ERROR(CheckEnum(p.severity(), pb::Severity_IsValid, true, "signal.severity"));
  RETURN_IF_ERROR(CheckEnum(p.state(), pb::SignalState_IsValid, true, "signal.state"));
  Signal s;
  s.fingerprint = p.fingerprint();
  s.invariant = p.invariant();
  s.subject = p.subject();
  absl::StatusOr<Entity> entity = FromProto(p.entity());
  if (!entity.ok()) return Annotate(entity.status(), "signal");
  s.entity = *std::move(entity);
  s.labels = LabelsFromProto(p.labels());
  s.severity = p.severity();
  s.state = p.state();
  s.flapping = p.flapping();
  s.summary = p.summary();
  s.value = p.value();
  s.threshold = p.threshold();
  ASSIGN_OR_RETURN(s.active_since,
                   OptionalTime(p.has_active_since(), p.active_since(), "signal.active_since"));
  ASSIGN_OR_RETURN(s.fired_at, OptionalTime(p.has_fired_at(), p.fired_at(), "signal.fired_at"));
  ASSIGN_OR_RETURN(s.resolved_at,
                   OptionalTime(p.has_resolved_at(), p.resolved_at(), "signal.resolved_at"));
  s.source = p.source();
  return s;
}

::ops::chaos::v1::Target ToProto(const FaultTarget& t) {
  ::ops::chaos::v1::Target p;
  p.set_kind(t.kind);
  p.set_id(t.id);
  p.set_address(t.address);
  return p;
}

absl::StatusOr<FaultTarget> FromProto(const ::ops::chaos::v1::Target& p) {
  RETURN_IF_ERROR(Required(!p.kind().empty(), "target.kind"));
  RETURN_IF_ERROR(Required(!p.id().empty(), "target.id"));
  return FaultTarget{p.kind(), p.id(), p.address()};
}

}  // namespace ops::core
