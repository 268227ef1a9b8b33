#include "core/diagnosis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

using ::ops::common::v1::VERDICT_REFUTED;
using ::ops::common::v1::VERDICT_SUPPORTED;
using ::ops::common::v1::VERDICT_UNTESTED;
using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

Diagnosis Valid() {
  Diagnosis d;
  d.id = "D1";
  d.evidence = {Evidence{"E1",
                         ::ops::common::v1::EVIDENCE_SOURCE_KIND_CONTROL_PLANE,
                         "/pd/api/v1/stores",
                         absl::UnixEpoch(),
                         "store 4 Disconnected",
                         "Disconnected",
                         {}},
                Evidence{"E2",
                         ::ops::common::v1::EVIDENCE_SOURCE_KIND_PROBE,
                         "10.0.0.4:20180",
                         absl::UnixEpoch(),
                         "probe refused",
                         "connection refused",
                         {}}};
  d.hypotheses = {
      Hypothesis{"H1", "store_crash", "store 4 died", VERDICT_SUPPORTED, {"E1", "E2"}, {}, "", 0.9},
      Hypothesis{
          "H2", "network_partition", "store 4 cut off", VERDICT_REFUTED, {"E1"}, {"E2"}, "", 0.1},
      Hypothesis{"H3", "slow_disk", "disk slow", VERDICT_UNTESTED, {}, {}, "", 0}};
  d.root_cause = RootCause{"store_crash", {"store", "4", {}}, 0.9, "store 4 crashed", {"E2"}};
  d.timeline = {TimelineEntry{absl::UnixEpoch(), "probe failed", {"E2"}}};
  return d;
}

TEST(ValidateDiagnosisTest, AcceptsConsistentDiagnosis) {
  EXPECT_THAT(ValidateDiagnosis(Valid()), IsOk());
}

TEST(ValidateDiagnosisTest, AcceptsInconclusiveDiagnosisWithoutRootCause) {
  Diagnosis d = Valid();
  d.root_cause.reset();
  EXPECT_THAT(ValidateDiagnosis(d), IsOk());
}

TEST(ValidateDiagnosisTest, RejectsUnknownEvidenceIds) {
  Diagnosis d = Valid();
  d.hypotheses[0].supporting_evidence_ids.push_back("E9");
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hypothesis H1 cites unknown evidence id \"E9\"")));
  d = Valid();
  d.root_cause->evidence_ids = {"E3"};
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("root cause")));
  d = Valid();
  d.timeline[0].evidence_ids = {"nope"};
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("timeline")));
}

TEST(ValidateDiagnosisTest, RejectsVerdictsAndRootCauseThatCiteNothing) {
  Diagnosis d = Valid();
  d.hypotheses[0].supporting_evidence_ids.clear();
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SUPPORTED")));
  d = Valid();
  d.hypotheses[1].refuting_evidence_ids.clear();
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("REFUTED")));
  d = Valid();
  d.root_cause->evidence_ids.clear();
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cites no evidence")));
}

TEST(ValidateDiagnosisTest, RejectsConfidenceOutsideUnitInterval) {
  for (double bad : {-0.01, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
    Diagnosis d = Valid();
    d.root_cause->confidence = bad;
    EXPECT_THAT(ValidateDiagnosis(d),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("confidence")));
    d = Valid();
    d.hypotheses[2].confidence = bad;
    EXPECT_THAT(ValidateDiagnosis(d),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("confidence")));
  }
}

TEST(ValidateDiagnosisTest, RejectsRepeatedOrMissingIds) {
  Diagnosis d = Valid();
  d.evidence[1].id = "E1";
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
  d = Valid();
  d.hypotheses[1].id = "H1";
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("repeated")));
  d = Valid();
  d.id.clear();
  EXPECT_THAT(ValidateDiagnosis(d), StatusIs(absl::StatusCode::kInvalidArgument));
  d = Valid();
  d.hypotheses[0].category.clear();
  EXPECT_THAT(ValidateDiagnosis(d),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("category")));
}

}  // namespace
}  // namespace ops::core
