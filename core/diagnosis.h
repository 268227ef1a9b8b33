// Domain types for an explanation of a fault: hypotheses with verdicts and cited evidence, the
// root cause, recommendations, the timeline and provenance, plus ValidateDiagnosis(), the one
// check every diagnosis passes before anyone sees it (every cited evidence id exists; every
// verdict and root cause cites something).
#ifndef OPS_CORE_DIAGNOSIS_H_
#define OPS_CORE_DIAGNOSIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/evidence.h"
#include "core/snapshot.h"
#include "ops/v1/common.pb.h"

namespace ops::core {

using Verdict = ::ops::common::v1::Verdict;
using Risk = ::ops::common::v1::Risk;
using Engine = ::ops::common::v1::Engine;

// One candidate explanation.
struct Hypothesis {
  std::string id;        // Required, unique within a diagnosis ("H1").
  std::string category;  // Required root-cause category ("store_crash").
  std::string statement;
  Verdict verdict = ::ops::common::v1::VERDICT_UNSPECIFIED;
  std::vector<std::string> supporting_evidence_ids;
  std::vector<std::string> refuting_evidence_ids;
  std::string reasoning;
  double confidence = 0;  // 0..1

  friend bool operator==(const Hypothesis&, const Hypothesis&) = default;
};

// The explanation a diagnosis settled on.
struct RootCause {
  std::string category;  // Required.
  Entity entity;
  double confidence = 0;  // 0..1
  std::string summary;
  std::vector<std::string> evidence_ids;

  friend bool operator==(const RootCause&, const RootCause&) = default;
};

// An action a person could take; Operator never executes it.
struct Recommendation {
  std::string action;  // Required.
  std::string command;
  Risk risk = ::ops::common::v1::RISK_UNSPECIFIED;
  bool reversible = false;
  std::string expected_outcome;

  friend bool operator==(const Recommendation&, const Recommendation&) = default;
};

// One timeline entry.
struct TimelineEntry {
  absl::Time at = absl::UnixEpoch();
  std::string description;
  std::vector<std::string> evidence_ids;

  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// How a diagnosis was produced.
struct Provenance {
  Engine engine = ::ops::common::v1::ENGINE_UNSPECIFIED;
  std::string model;
  uint64_t input_tokens = 0;
  uint64_t output_tokens = 0;
  uint64_t cached_tokens = 0;
  double cost_usd = 0;
  absl::Duration latency = absl::ZeroDuration();
  bool repaired = false;
  bool fallback = false;
  std::string fallback_reason;

  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// A complete explanation of one fault.
struct Diagnosis {
  std::string id;  // Required.
  std::string ticket_id;
  std::string summary;
  std::optional<RootCause> root_cause;  // Unset when inconclusive.
  std::vector<TimelineEntry> timeline;
  std::vector<Hypothesis> hypotheses;
  std::vector<Recommendation> recommendations;
  std::vector<std::string> risks;
  std::vector<Evidence> evidence;
  std::string markdown;
  Provenance provenance;
  absl::Time created_at = absl::UnixEpoch();

  friend bool operator==(const Diagnosis&, const Diagnosis&) = default;
};

// Checks that `d` is internally consistent. Returns INVALID_ARGUMENT naming the first problem:
// empty or repeated evidence/hypothesis ids; a cited evidence id (in a hypothesis, the root
// cause or the timeline) that is not in d.evidence; a SUPPORTED hypothesis without supporting
// ids or a REFUTED one without refuting ids; a root cause that cites nothing; a confidence
// outside [0, 1]. Pure; thread-safe.
absl::Status ValidateDiagnosis(const Diagnosis& d);

}  // namespace ops::core

#endif  // OPS_CORE_DIAGNOSIS_H_
