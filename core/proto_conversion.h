// ToProto / FromProto between the core domain types and the ops.*.v1 protos. ToProto never
// fails. FromProto validates and returns INVALID_ARGUMENT naming the offending field for input
// a service must not accept: missing required fields, enum values outside the known set,
// out-of-range timestamps, confidences outside [0, 1], repeated ids, and evidence ids a
// diagnosis cites but does not contain (see ValidateDiagnosis).
//
// All functions are pure and thread-safe.
#ifndef OPS_CORE_PROTO_CONVERSION_H_
#define OPS_CORE_PROTO_CONVERSION_H_

#include "absl/status/statusor.h"
#include "core/diagnosis.h"
#include "core/evidence.h"
#include "core/signal.h"
#include "core/snapshot.h"
#include "core/subject_adapter.h"
#include "ops/v1/chaos.pb.h"
#include "ops/v1/common.pb.h"

namespace ops::core {

// Snapshot and its parts (snapshot_conversion.cc).
::ops::common::v1::Entity ToProto(const Entity& e);
absl::StatusOr<Entity> FromProto(const ::ops::common::v1::Entity& p);  // kind required.
::ops::common::v1::ProbeResult ToProto(const ProbeResult& r);
absl::StatusOr<ProbeResult> FromProto(const ::ops::common::v1::ProbeResult& p);
::ops::common::v1::Workload ToProto(const Workload& w);
absl::StatusOr<Workload> FromProto(const ::ops::common::v1::Workload& p);  // error_rate in [0, 1].
::ops::common::v1::StoreStatus ToProto(const StoreStatus& s);
absl::StatusOr<StoreStatus> FromProto(const ::ops::common::v1::StoreStatus& p);  // id required.
::ops::common::v1::ControlPlaneMember ToProto(const ControlPlaneMember& m);
absl::StatusOr<ControlPlaneMember> FromProto(
    const ::ops::common::v1::ControlPlaneMember& p);  // name required.
::ops::common::v1::RegionHealth ToProto(const RegionHealth& r);
RegionHealth FromProto(const ::ops::common::v1::RegionHealth& p);  // Cannot be invalid.
::ops::common::v1::Visibility ToProto(const Visibility& v);
absl::StatusOr<Visibility> FromProto(const ::ops::common::v1::Visibility& p);
::ops::common::v1::ClusterSnapshot ToProto(const Snapshot& s);
// subject and captured_at required; store ids and member names unique.
absl::StatusOr<Snapshot> FromProto(const ::ops::common::v1::ClusterSnapshot& p);

// Signal (snapshot_conversion.cc). fingerprint, invariant, subject, severity, state required;
// entity valid.
::ops::common::v1::Signal ToProto(const Signal& s);
absl::StatusOr<Signal> FromProto(const ::ops::common::v1::Signal& p);

// Fault targets (snapshot_conversion.cc). kind and id required.
::ops::chaos::v1::Target ToProto(const FaultTarget& t);
absl::StatusOr<FaultTarget> FromProto(const ::ops::chaos::v1::Target& p);

// Evidence and diagnosis (diagnosis_conversion.cc).
::ops::common::v1::Evidence ToProto(const Evidence& e);
absl::StatusOr<Evidence> FromProto(
    const ::ops::common::v1::Evidence& p);  // id, source kind, observed_at.
::ops::common::v1::Hypothesis ToProto(const Hypothesis& h);
// id, category, verdict required; confidence in [0, 1].
absl::StatusOr<Hypothesis> FromProto(const ::ops::common::v1::Hypothesis& p);
::ops::common::v1::RootCause ToProto(const RootCause& r);
absl::StatusOr<RootCause> FromProto(
    const ::ops::common::v1::RootCause& p);  // category; confidence in [0, 1].
::ops::common::v1::Recommendation ToProto(const Recommendation& r);
absl::StatusOr<Recommendation> FromProto(
    const ::ops::common::v1::Recommendation& p);  // action, risk.
::ops::common::v1::TimelineEntry ToProto(const TimelineEntry& t);
absl::StatusOr<TimelineEntry> FromProto(const ::ops::common::v1::TimelineEntry& p);  // at required.
::ops::common::v1::Provenance ToProto(const Provenance& p);
absl::StatusOr<Provenance> FromProto(
    const ::ops::common::v1::Provenance& p);  // engine; non-negative numbers.
::ops::common::v1::Diagnosis ToProto(const Diagnosis& d);
// Every part valid, created_at set, and ValidateDiagnosis() passes.
absl::StatusOr<Diagnosis> FromProto(const ::ops::common::v1::Diagnosis& p);

}  // namespace ops::core

#endif  // OPS_CORE_PROTO_CONVERSION_H_
