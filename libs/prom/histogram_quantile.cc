#include "libs/prom/histogram_quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/prom/text_parser.h"

namespace ops::prom {
namespace {

std::vector<Label> LabelsWithoutLe(const Sample& sample) {
  std::vector<Label> labels;
  labels.reserve(sample.labels.size());
  for (const Label& label : sample.labels) {
    if (label.name != "le") labels.push_back(label);
  }
  return labels;
}

}  // namespace

absl::StatusOr<std::vector<HistogramSeries>> CollectHistogramSeries(const MetricFamily& family) {
  if (family.type != MetricType::kHistogram) {
    return absl::InvalidArgumentError(
        absl::StrCat(family.name, " is a ", MetricTypeName(family.type), ", not a histogram"));
  }
  const std::string bucket_name = family.name + "_bucket";
  const std::string sum_name = family.name + "_sum";
  const std::string count_name = family.name + "_count";
  std::vector<HistogramSeries> series;
  // Samples of one series are adjacent in practice; remember the last one to skip the scan.
  size_t last = 0;
  for (const Sample& sample : family.samples) {
    std::vector<Label> labels = LabelsWithoutLe(sample);
    if (last >= series.size() || series[last].labels != labels) {
      auto it = std::find_if(series.begin(), series.end(),
                             [&](const HistogramSeries& s) { return s.labels == labels; });
      if (it == series.end()) {
        it = series.insert(series.end(), HistogramSeries{});
        it->labels = std::move(labels);
      }
      last = it - series.begin();
    }
    HistogramSeries& s = series[last];
    if (sample.name == bucket_name) {
      std::optional<absl::string_view> le = GetLabel(sample, "le");
      double bound;
      if (!le.has_value() || !ParseSampleValue(*le, &bound)) {
        return absl::InvalidArgumentError(
            absl::StrCat(bucket_name, " sample without a valid le label"));
      }
      s.buckets.push_back({bound, sample.value});
    } else if (sample.name == sum_name) {
      s.sum = sample.value;
    } else if (sample.name == count_name) {
      s.count = sample.value;
    }
  }
  for (HistogramSeries& s : series) {
    std::stable_sort(s.buckets.begin(), s.buckets.end(), [](const Bucket& a, const Bucket& b) {
      return a.upper_bound < b.upper_bound;
    });
  }
  return series;
}

absl::StatusOr<std::vector<Bucket>> CollectBuckets(const MetricFamily& family,
                                                   absl::Span<const LabelMatcher> matchers) {
  absl::StatusOr<std::vector<HistogramSeries>> series = CollectHistogramSeries(family);
  if (!series.ok()) return series.status();
  std::map<double, double> by_bound;
  bool any = false;
  for (const HistogramSeries& s : *series) {
    Sample probe;  // Matches() works on samples; give it the series labels.
    probe.labels = s.labels;
    if (!Matches(probe, matchers)) continue;
    any = true;
    for (const Bucket& b : s.buckets) by_bound[b.upper_bound] += b.cumulative_count;
  }
  if (!any) {
    return absl::NotFoundError(absl::StrCat("no series of ", family.name, " matches"));
  }
  std::vector<Bucket> buckets;
  buckets.reserve(by_bound.size());
  for (const auto& [bound, count] : by_bound) buckets.push_back({bound, count});
  return buckets;
}

absl::StatusOr<double> HistogramQuantile(double q, absl::Span<const Bucket> input) {
  if (std::isnan(q) || q < 0 || q > 1) {
    return absl::InvalidArgumentError(absl::StrCat("quantile ", q, " is outside [0, 1]"));
  }
  std::vector<Bucket> buckets(input.begin(), input.end());
  std::sort(buckets.begin(), buckets.end(),
            [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
  // Coalesce equal bounds (e.g. "1" and "1.0" from different writers).
  size_t n = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (n > 0 && buckets[n - 1].upper_bound == buckets[i].upper_bound) {
      buckets[n - 1].cumulative_count += buckets[i].cumulative_count;
    } else {
      buckets[n++] = buckets[i];
    }
  }
  buckets.resize(n);
  if (buckets.size() < 2) {
    return absl::InvalidArgumentError("a histogram needs at least two buckets");
  }
  if (buckets.back().upper_bound != std::numeric_limits<double>::infinity()) {
    return absl::InvalidArgumentError("histogram has no +Inf bucket");
  }
  double max = 0;
  for (Bucket& b : buckets) {
    max = std::max(max, b.cumulative_count);
    b.cumulative_count = max;
  }
  const double observations = buckets.back().cumulative_count;
  if (observations == 0) return std::numeric_limits<double>::quiet_NaN();
  double rank = q * observations;
  // First bucket (excluding +Inf) whose count reaches the rank; size()-1 if none.
  size_t b =
      std::lower_bound(buckets.begin(), buckets.end() - 1, rank,
                       [](const Bucket& bucket, double r) { return bucket.cumulative_count < r; }) -
      buckets.begin();
  if (b == buckets.size() - 1) return buckets[b - 1].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double start = 0;
  double end = buckets[b].upper_bound;
  double count = buckets[b].cumulative_count;
  if (b > 0) {
    start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].cumulative_count;
    rank -= buckets[b - 1].cumulative_count;
  }
  if (count == 0) return start;  // Only when rank is 0 (q = 0).
  return start + (end - start) * (rank / count);
}

}  // namespace ops::prom
