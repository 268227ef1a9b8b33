// Histogram helpers over parsed families: gather the cumulative buckets of a histogram series
// and estimate a quantile from them with PromQL's histogram_quantile() semantics. The observer
// uses this for p99 latencies from TiKV histograms such as tikv_grpc_msg_duration_seconds.
//
// Pure functions on value types; thread-safe.
#ifndef OPS_LIBS_PROM_HISTOGRAM_QUANTILE_H_
#define OPS_LIBS_PROM_HISTOGRAM_QUANTILE_H_

#include <ostream>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "libs/prom/metric_family.h"

namespace ops::prom {

struct Bucket {
  double upper_bound;       // The `le` value; +Inf for the last bucket.
  double cumulative_count;  // Observations <= upper_bound.

  friend bool operator==(const Bucket&, const Bucket&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Bucket& b) {
    return os << "{le=" << b.upper_bound << ": " << b.cumulative_count << "}";
  }
};

// One histogram series: its labels without `le`, and its buckets sorted by upper bound.
struct HistogramSeries {
  std::vector<Label> labels;
  std::vector<Bucket> buckets;
  double sum = 0;
  double count = 0;
};

// Groups the `_bucket`, `_sum` and `_count` samples of a histogram family by their labels
// without `le`, in order of first appearance. INVALID_ARGUMENT when the family is not a
// histogram, or a bucket has no `le` label or an unparsable one.
absl::StatusOr<std::vector<HistogramSeries>> CollectHistogramSeries(const MetricFamily& family);

// Returns the buckets of every series of `family` that satisfies `matchers`, summed per upper
// bound (like `sum by (le)` in PromQL) and sorted by upper bound. With matchers that pin all
// labels this is the buckets of one series. NOT_FOUND when no series matches; errors of
// CollectHistogramSeries otherwise.
absl::StatusOr<std::vector<Bucket>> CollectBuckets(const MetricFamily& family,
                                                   absl::Span<const LabelMatcher> matchers = {});

// Estimates the q-quantile (0 <= q <= 1) from cumulative buckets in any order, as PromQL's
// histogram_quantile(): linear interpolation inside the bucket holding the rank, the lower
// bound of the first bucket taken as 0 (unless its upper bound is <= 0, then that bound is
// returned), and the highest finite bound returned when the rank falls in the +Inf bucket.
// Non-monotonic counts (from scrapes racing with observations) are evened out first.
// Returns NaN when there are no observations. INVALID_ARGUMENT when q is outside [0, 1] or
// NaN, there are fewer than two buckets, or no +Inf bucket.
absl::StatusOr<double> HistogramQuantile(double q, absl::Span<const Bucket> buckets);

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_HISTOGRAM_QUANTILE_H_
