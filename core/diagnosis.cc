#include "core/diagnosis.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ops::core {
namespace {

absl::Status CheckConfidence(const std::string& what, double c) {
  if (std::isnan(c) || c < 0 || c > 1) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": confidence ", c, " is outside [0, 1]"));
  }
  return absl::OkStatus();
}

absl::Status CheckCited(const absl::flat_hash_set<std::string>& known, const std::string& what,
                        const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (!known.contains(id)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " cites unknown evidence id \"", id, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDiagnosis(const Diagnosis& d) {
  if (d.id.empty()) return absl::InvalidArgumentError("diagnosis without an id");
  absl::flat_hash_set<std::string> evidence_ids;
  for (const Evidence& e : d.evidence) {
    if (e.id.empty()) return absl::InvalidArgumentError("evidence item without an id");
    if (!evidence_ids.insert(e.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("evidence id ", e.id, " is repeated"));
    }
  }
  absl::flat_hash_set<std::string> hypothesis_ids;
  for (const Hypothesis& h : d.hypotheses) {
    if (h.id.empty()) return absl::InvalidArgumentError("hypothesis without an id");
    const std::string what = absl::StrCat("hypothesis ", h.id);
    if (!hypothesis_ids.insert(h.id).second) {
      return absl::InvalidArgumentError(absl::StrCat(what, " is repeated"));
    }
    if (h.category.empty()) return absl::InvalidArgumentError(what + ": empty category");
    if (auto s = CheckConfidence(what, h.confidence); !s.ok()) return s;
    if (auto s = CheckCited(evidence_ids, what, h.supporting_evidence_ids); !s.ok()) return s;
    if (auto s = CheckCited(evidence_ids, what, h.refuting_evidence_ids); !s.ok()) return s;
    if (h.verdict == ::ops::common::v1::VERDICT_SUPPORTED && h.supporting_evidence_ids.empty()) {
      return absl::InvalidArgumentError(what + " is SUPPORTED but cites no supporting evidence");
    }
    if (h.verdict == ::ops::common::v1::VERDICT_REFUTED && h.refuting_evidence_ids.empty()) {
      return absl::InvalidArgumentError(what + " is REFUTED but cites no refuting evidence");
    }
  }
  if (d.root_cause.has_value()) {
    const RootCause& rc = *d.root_cause;
    if (rc.category.empty()) return absl::InvalidArgumentError("root cause: empty category");
    if (auto s = CheckConfidence("root cause", rc.confidence); !s.ok()) return s;
    if (rc.evidence_ids.empty()) {
      return absl::InvalidArgumentError("root cause cites no evidence");
    }
    if (auto s = CheckCited(evidence_ids, "root cause", rc.evidence_ids); !s.ok()) return s;
  }
  for (size_t i = 0; i < d.timeline.size(); ++i) {
    if (auto s = CheckCited(evidence_ids, absl::StrCat("timeline entry ", i + 1),
                            d.timeline[i].evidence_ids);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace ops::core
