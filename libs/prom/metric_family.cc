#include "libs/prom/metric_family.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ops::prom {

absl::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

std::optional<absl::string_view> GetLabel(const Sample& sample, absl::string_view name) {
  for (const Label& label : sample.labels) {
    if (label.name == name) return absl::string_view(label.value);
  }
  return std::nullopt;
}

bool Matches(const Sample& sample, absl::Span<const LabelMatcher> matchers) {
  for (const LabelMatcher& m : matchers) {
    absl::string_view value = GetLabel(sample, m.name).value_or("");
    bool equal = value == m.value;
    if (equal != (m.op == LabelMatcher::Op::kEqual)) return false;
  }
  return true;
}

const MetricFamily* FindFamily(absl::Span<const MetricFamily> families, absl::string_view name) {
  for (const MetricFamily& family : families) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::vector<const Sample*> FindSamples(absl::Span<const MetricFamily> families,
                                       absl::string_view sample_name,
                                       absl::Span<const LabelMatcher> matchers) {
  std::vector<const Sample*> out;
  for (const MetricFamily& family : families) {
    // A sample's name always starts with its family's name (x, x_bucket, x_sum, ...).
    if (!absl::StartsWith(sample_name, family.name)) continue;
    for (const Sample& sample : family.samples) {
      if (sample.name == sample_name && Matches(sample, matchers)) out.push_back(&sample);
    }
  }
  return out;
}

absl::StatusOr<double> FindValue(absl::Span<const MetricFamily> families,
                                 absl::string_view sample_name,
                                 absl::Span<const LabelMatcher> matchers) {
  std::vector<const Sample*> found = FindSamples(families, sample_name, matchers);
  if (found.empty()) return absl::NotFoundError(absl::StrCat("no sample ", sample_name));
  if (found.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(found.size(), " samples named ", sample_name, " match"));
  }
  return found.front()->value;
}

}  // namespace ops::prom
