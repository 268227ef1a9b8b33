// Owned data model for parsed Prometheus metrics, plus small lookup helpers.
//
// `ParseFamilies()` (text_parser.h) fills these structures from a /metrics body; observers then
// pick values out with `FindSamples()` / `FindValue()` and label matchers, e.g.
//
//   ASSIGN_OR_RETURN(double avail, FindValue(families, "tikv_store_size_bytes",
//                                            {{"type", "available"}}));
//
// Everything here is a plain value type: safe to share read-only between threads.
#ifndef OPS_LIBS_PROM_METRIC_FAMILY_H_
#define OPS_LIBS_PROM_METRIC_FAMILY_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ops::prom {

// The `# TYPE` of a family. Samples without a TYPE line form kUntyped families.
enum class MetricType { kUntyped, kCounter, kGauge, kHistogram, kSummary };

// "untyped", "counter", "gauge", "histogram" or "summary".
absl::string_view MetricTypeName(MetricType type);

struct Label {
  std::string name;
  std::string value;  // Unescaped.

  friend bool operator==(const Label&, const Label&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Label& l) {
    return os << l.name << "=\"" << l.value << "\"";
  }
};

// One line of exposition: `name{labels} value [timestamp]`.
struct Sample {
  std::string name;           // Full sample name, e.g. "x_bucket", "x_sum", "x_count", "x".
  std::vector<Label> labels;  // In input order.
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct MetricFamily {
  std::string name;
  std::string help;  // Unescaped; empty when there was no HELP line.
  MetricType type = MetricType::kUntyped;
  std::vector<Sample> samples;  // In input order.
};

// Returns the value of label `name` on `sample`, or nullopt when the sample has no such label.
std::optional<absl::string_view> GetLabel(const Sample& sample, absl::string_view name);

// A Prometheus-style label matcher. As in PromQL, a missing label has the empty value, so
// {name="x", value=""} matches samples without label x.
struct LabelMatcher {
  enum class Op { kEqual, kNotEqual };
  LabelMatcher(absl::string_view n, absl::string_view v, Op o = Op::kEqual)
      : name(n), value(v), op(o) {}
  absl::string_view name;
  absl::string_view value;
  Op op;
};

// True when `sample` satisfies every matcher.
bool Matches(const Sample& sample, absl::Span<const LabelMatcher> matchers);

// Returns the family called `name` (the family name, not a sample name such as x_bucket), or
// nullptr.
const MetricFamily* FindFamily(absl::Span<const MetricFamily> families, absl::string_view name);

// Returns every sample whose name is `sample_name` (e.g. "x_count") and that satisfies all
// matchers, in input order. Pointers stay valid as long as `families` is not modified.
std::vector<const Sample*> FindSamples(absl::Span<const MetricFamily> families,
                                       absl::string_view sample_name,
                                       absl::Span<const LabelMatcher> matchers = {});

// Returns the value of the single sample matching (`sample_name`, `matchers`).
// NOT_FOUND when none matches; FAILED_PRECONDITION when several do (the matchers are ambiguous).
absl::StatusOr<double> FindValue(absl::Span<const MetricFamily> families,
                                 absl::string_view sample_name,
                                 absl::Span<const LabelMatcher> matchers = {});

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_METRIC_FAMILY_H_
