// The value cells behind our own /metrics: Counter, Gauge and Histogram. They are created by
// `Registry` (registry.h) through `Family<T>::WithLabels()` and updated lock-free from any
// thread; `Registry::Render()` reads them.
#ifndef OPS_LIBS_PROM_METRICS_H_
#define OPS_LIBS_PROM_METRICS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"

namespace ops::prom {

// A monotonically increasing value. Thread-safe and lock-free.
class Counter {
 public:
  // Adds `delta`. A counter never goes down: negative and NaN deltas are ignored.
  void Increment(double delta = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down. Thread-safe and lock-free.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Sub(double delta) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into buckets with fixed upper bounds (`le`), plus their sum.
// Thread-safe and lock-free.
class Histogram {
 public:
  // `bounds`: strictly increasing finite upper bounds, without +Inf (Registry validates them).
  explicit Histogram(absl::Span<const double> bounds);

  // Records one observation. NaN lands in the +Inf bucket, as in the Go client.
  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // One per bound, then the +Inf bucket (== count).
    double sum = 0;
    uint64_t count = 0;
  };
  // A snapshot. Under concurrent Observe() the sum may lag the counts by the observations in
  // flight; the buckets and count are always consistent with each other.
  Snapshot Read() const;

  absl::Span<const double> bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // Per bucket, not cumulative; +Inf last.
  std::atomic<double> sum_{0};
};

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_METRICS_H_
