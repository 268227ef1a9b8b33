// Test helpers for the tickets service: signals and diagnoses to report, and a fixture-free
// way to get a migrated private schema on the test PostgreSQL (scripts/test sets
// OPS_TEST_PG_DSN). Test-only.
#ifndef OPS_SERVICES_TICKETS_TICKETS_TEST_UTIL_H_
#define OPS_SERVICES_TICKETS_TICKETS_TEST_UTIL_H_

#include <string>

#include "absl/time/time.h"
#include "ops/v1/tickets.pb.h"

namespace ops::tickets::testing {

namespace tv1 = ::ops::tickets::v1;

// A report of `state` for store `store_id`'s "store_down" signal (fingerprint "fp-<store>"),
// with a one-store snapshot taken at `at`.
tv1::ReportSignalRequest Report(const std::string& store_id, ::ops::common::v1::SignalState state,
                                absl::Time at,
                                ::ops::common::v1::Severity severity =
                                    ::ops::common::v1::SEVERITY_CRITICAL);

// A small valid diagnosis (one evidence, one supported hypothesis, a root cause).
::ops::common::v1::Diagnosis SampleDiagnosis(const std::string& root_cause, absl::Time at);

}  // namespace ops::tickets::testing

#endif  // OPS_SERVICES_TICKETS_TICKETS_TEST_UTIL_H_
