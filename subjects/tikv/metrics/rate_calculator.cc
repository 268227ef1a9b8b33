// Per-interval store workload from two samples; see rate_calculator.h.
#include "subjects/tikv/metrics/rate_calculator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "libs/prom/histogram_quantile.h"

namespace ops::tikv {
namespace {

// A restart can also be told by the process start time moving; allow for float noise.
constexpr double kStartTimeTolerance = 1e-3;
// After a restart the interval is measured from the process start, but never shorter than
// this (or the whole interval if that is shorter): the start time comes from the store's clock
// and the scrape times from ours, and a skew must not blow rates up.
constexpr absl::Duration kMinRestartInterval = absl::Seconds(1);

double Sum(const std::optional<std::map<std::string, double>>& m) {
  double total = 0;
  if (m) {
    for (const auto& [k, v] : *m) total += v;
  }
  return total;
}

// The counters of one sample that rates are made of.
struct Totals {
  double ok_requests = 0;  // included types
  double fail = 0;
  double engine_errors = 0;
  std::optional<double> too_busy;
  std::optional<double> stall_micros;
  std::optional<double> stall_reasons;
  std::optional<double> process_cpu;
  std::optional<double> thread_cpu;
  bool has_requests = false;              // the gRPC histogram or fail counter exists
  std::map<std::string, double> by_type;  // included types
  std::map<double, double> buckets;       // included types, summed per bound
};

Totals Collect(const StoreMetricsSample& s, const absl::flat_hash_set<std::string>& excluded) {
  Totals t;
  for (const auto& [type, stats] : s.grpc) {
    if (excluded.contains(type)) continue;
    t.ok_requests += stats.count;
    t.by_type[type] = stats.count;
    for (const prom::Bucket& b : stats.buckets) t.buckets[b.upper_bound] += b.cumulative_count;
  }
  if (s.grpc_fail) {
    for (const auto& [type, v] : *s.grpc_fail) {
      if (!excluded.contains(type)) t.fail += v;
    }
  }
  t.engine_errors = Sum(s.engine_errors);
  t.too_busy = s.scheduler_too_busy;
  t.stall_micros = s.engine_stall_micros;
  t.stall_reasons = s.write_stall_reasons;
  t.process_cpu = s.process_cpu_seconds;
  t.thread_cpu = s.thread_cpu_seconds;
  t.has_requests = !s.grpc.empty() || s.grpc_fail.has_value();
  return t;
}

bool Decreased(double prev, double cur) { return cur < prev; }
bool Decreased(const std::optional<double>& prev, const std::optional<double>& cur) {
  return prev && cur && *cur < *prev;
}

// Why `cur` cannot continue `prev`'s counters; empty when it can.
std::string ResetReason(const StoreMetricsSample& prev_s, const StoreMetricsSample& cur_s,
                        const Totals& prev, const Totals& cur) {
  if (prev_s.process_start_time_seconds && cur_s.process_start_time_seconds &&
      std::abs(*cur_s.process_start_time_seconds - *prev_s.process_start_time_seconds) >
          kStartTimeTolerance) {
    return "process_start_time_seconds changed";
  }
  if (Decreased(prev.ok_requests, cur.ok_requests)) return "gRPC request count went down";
  for (const auto& [type, count] : prev.by_type) {
    auto it = cur.by_type.find(type);
    if (it != cur.by_type.end() && it->second < count) {
      return absl::StrCat("gRPC request count of ", type, " went down");
    }
  }
  if (Decreased(prev.fail, cur.fail)) return "tikv_grpc_msg_fail_total went down";
  if (Decreased(prev.engine_errors, cur.engine_errors)) return "engine error count went down";
  if (Decreased(prev.too_busy, cur.too_busy)) return "tikv_scheduler_too_busy_total went down";
  if (Decreased(prev.stall_micros, cur.stall_micros)) return "stall micros went down";
  if (Decreased(prev.process_cpu, cur.process_cpu)) return "process_cpu_seconds_total went down";
  return "";
}

// Increase of a counter over the interval; after a reset it counts from zero.
double Increase(double prev, double cur, bool reset) {
  return reset ? std::max(0.0, cur) : std::max(0.0, cur - prev);
}
std::optional<double> Increase(const std::optional<double>& prev, const std::optional<double>& cur,
                               bool reset) {
  if (!cur) return std::nullopt;
  return Increase(prev.value_or(0), *cur, reset);
}

// Causes visible in one sample's gauges.
void GaugeStallCauses(const StoreMetricsSample& s, std::vector<std::string>* causes) {
  if (s.write_stall_max_micros.value_or(0) > 0) {
    causes->push_back(absl::StrCat("write_stall_max=", *s.write_stall_max_micros, "us"));
  }
  if (s.flow_control_throttled_cfs.value_or(0) > 0) {
    causes->push_back(absl::StrCat("flow_control_throttled_cfs=", *s.flow_control_throttled_cfs));
  }
  if (s.flow_control_discard_ratio.value_or(0) > 0) {
    causes->push_back(absl::StrCat("flow_control_discard_ratio=", *s.flow_control_discard_ratio));
  }
}

std::optional<absl::Duration> Quantile(double q, const std::map<double, double>& prev,
                                       const std::map<double, double>& cur, bool reset) {
  std::vector<prom::Bucket> delta;
  delta.reserve(cur.size());
  for (const auto& [bound, count] : cur) {
    auto it = prev.find(bound);
    double before = it == prev.end() ? 0 : it->second;
    delta.push_back({bound, Increase(before, count, reset)});
  }
  absl::StatusOr<double> v = prom::HistogramQuantile(q, delta);
  if (!v.ok() || std::isnan(*v) || *v < 0) return std::nullopt;
  return absl::Seconds(*v);
}

}  // namespace

core::Workload StoreRates::ToWorkload() const {
  core::Workload w;
  w.ops_per_sec = ops_per_sec;
  w.errors_per_sec = errors_per_sec;
  w.error_rate = error_rate;
  w.p99_latency = p99_latency.value_or(absl::ZeroDuration());
  w.cpu_cores = cpu_cores.value_or(0);
  w.write_stall = write_stall;
  return w;
}

StoreRates ComputeRates(const TimedStoreSample* prev, const TimedStoreSample& cur,
                        const RateOptions& options) {
  StoreRates r;
  GaugeStallCauses(cur.sample, &r.write_stall_causes);
  r.write_stall = !r.write_stall_causes.empty();
  if (prev == nullptr) {
    r.note = "first sample: no rates yet";
    return r;
  }
  absl::Duration dt = cur.scraped_at - prev->scraped_at;
  if (dt <= absl::ZeroDuration()) {
    r.note = absl::StrCat("scrape time did not advance (", absl::FormatDuration(dt), ")");
    return r;
  }
  absl::flat_hash_set<std::string> excluded(options.excluded_grpc_types.begin(),
                                            options.excluded_grpc_types.end());
  Totals before = Collect(prev->sample, excluded);
  Totals after = Collect(cur.sample, excluded);

  std::string reset_reason = ResetReason(prev->sample, cur.sample, before, after);
  r.counter_reset = !reset_reason.empty();
  r.interval = dt;
  if (r.counter_reset) {
    r.note = absl::StrCat("counter reset (", reset_reason, "): counting from zero");
    if (cur.sample.process_start_time_seconds) {
      absl::Time start = absl::FromUnixMillis(
          static_cast<int64_t>(std::llround(*cur.sample.process_start_time_seconds * 1000)));
      if (start > prev->scraped_at && start < cur.scraped_at) {
        r.interval = std::max(cur.scraped_at - start, std::min(dt, kMinRestartInterval));
      }
    }
  }
  const bool reset = r.counter_reset;
  const double seconds = absl::ToDoubleSeconds(r.interval);

  // CPU does not need request counters.
  if (before.process_cpu && after.process_cpu) {
    r.cpu_cores = Increase(*before.process_cpu, *after.process_cpu, reset) / seconds;
  } else if (before.thread_cpu && after.thread_cpu) {
    r.cpu_cores = Increase(*before.thread_cpu, *after.thread_cpu, reset) / seconds;
  }
  r.scheduler_busy_per_sec = Increase(before.too_busy, after.too_busy, reset).value_or(0) / seconds;
  if (r.scheduler_busy_per_sec > 0) {
    r.write_stall_causes.push_back(
        absl::StrCat("scheduler_too_busy=", r.scheduler_busy_per_sec, "/s"));
  }
  if (Increase(before.stall_micros, after.stall_micros, reset).value_or(0) > 0) {
    r.write_stall_causes.push_back("engine_stall_micro_seconds increased");
  }
  if (Increase(before.stall_reasons, after.stall_reasons, reset).value_or(0) > 0) {
    r.write_stall_causes.push_back("write_stall_reason increased");
  }
  r.write_stall = !r.write_stall_causes.empty();

  if (!after.has_requests) {
    r.note = "no gRPC request metrics in the sample";
    return r;
  }
  r.has_rates = true;
  double ok = Increase(before.ok_requests, after.ok_requests, reset);
  double fail = Increase(before.fail, after.fail, reset);
  double engine_errors = Increase(before.engine_errors, after.engine_errors, reset);
  double requests = ok + fail;
  double errors = fail + engine_errors;
  r.ops_per_sec = requests / seconds;
  r.errors_per_sec = errors / seconds;
  r.error_rate = requests > 0 ? std::clamp(errors / requests, 0.0, 1.0) : 0;
  for (const auto& [type, count] : after.by_type) {
    auto it = before.by_type.find(type);
    double inc = Increase(it == before.by_type.end() ? 0 : it->second, count, reset);
    if (inc > 0) r.ops_per_sec_by_type[type] = inc / seconds;
  }
  if (ok > 0) r.p99_latency = Quantile(options.quantile, before.buckets, after.buckets, reset);
  return r;
}

StoreRates RateCalculator::Add(absl::Time scraped_at, StoreMetricsSample sample) {
  TimedStoreSample cur{scraped_at, std::move(sample)};
  StoreRates rates = ComputeRates(last_ ? &*last_ : nullptr, cur, options_);
  if (!last_ || scraped_at > last_->scraped_at) last_ = std::move(cur);
  return rates;
}

}  // namespace ops::tikv
