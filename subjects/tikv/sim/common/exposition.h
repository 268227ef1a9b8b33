// The simulator's own Prometheus text writer (deliberately not libs/prom: the operator parses
// with libs/prom, and shared code would let one bug hide itself from the contract tests).
// Two number styles, as the real servers print them (../shared/data/metrics/README.md):
//   kRust (TiKV, rust-prometheus): Display floats, never an exponent: 1634094873.15, 0.0000283
//   kGo   (PD, client_golang):     strconv 'g' -1: 1.6340948726e+09, 1.52e-05
// Integer-valued floats print without a decimal point in both; +Inf, -Inf, NaN.
//
//   ExpositionWriter w(FloatStyle::kRust);
//   w.Family("tikv_store_size_bytes", "Size of storage.", "gauge");
//   w.Sample("tikv_store_size_bytes", {{"type", "available"}}, 24446681088);
//   std::string body = w.Take();
// Thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_COMMON_EXPOSITION_H_
#define OPS_SUBJECTS_TIKV_SIM_COMMON_EXPOSITION_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ops::sim {

enum class FloatStyle { kRust, kGo };

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// Formats one sample value in the given style.
std::string FormatFloat(double value, FloatStyle style);

class ExpositionWriter {
 public:
  explicit ExpositionWriter(FloatStyle style);

  // Writes "# HELP name help" and "# TYPE name type" (type: counter, gauge, histogram, summary).
  void Family(absl::string_view name, absl::string_view help, absl::string_view type);
  // Writes one sample line; labels are written in the order given (callers pass them sorted by
  // name, with `le` last for buckets), values escaped (\\, \", \n).
  void Sample(absl::string_view name, const LabelPairs& labels, double value);
  // Writes a whole histogram series: cumulative `_bucket` lines for each upper bound plus +Inf,
  // then `_sum` and `_count`. `bucket_counts[i]` is the cumulative count for `bounds[i]`.
  void Histogram(absl::string_view name, const LabelPairs& labels,
                 const std::vector<double>& bounds, const std::vector<double>& bucket_counts,
                 double sum, double count);

  // Returns the text written so far and resets the writer.
  std::string Take();

 private:
  FloatStyle style_;
  std::string out_;
};

// Collects families and writes them the way the real registries gather them (rust-prometheus
// for TiKV, client_golang for PD): sorted by name, each once, and a family without any series
// left out. Families may be added in any order. Thread-compatible.
class SortedFamilies {
 public:
  explicit SortedFamilies(FloatStyle style) : w_(style) {}

  void Family(absl::string_view name, absl::string_view help, absl::string_view type);
  void Sample(absl::string_view name, const LabelPairs& labels, double value) {
    w_.Sample(name, labels, value);
  }
  void Histogram(absl::string_view name, const LabelPairs& labels,
                 const std::vector<double>& bounds, const std::vector<double>& bucket_counts,
                 double sum, double count) {
    w_.Histogram(name, labels, bounds, bucket_counts, sum, count);
  }
  // Returns every family written so far, sorted, and resets.
  std::string Take();

 private:
  void Flush();
  ExpositionWriter w_;
  std::string name_;
  std::map<std::string, std::string> done_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_COMMON_EXPOSITION_H_
