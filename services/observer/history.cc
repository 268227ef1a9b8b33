#include "services/observer/history.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ops::observer {
namespace {

void AddWorkload(const core::Workload& w, const std::function<void(const char*, double)>& add) {
  add("ops_per_sec", w.ops_per_sec);
  add("errors_per_sec", w.errors_per_sec);
  add("error_rate", w.error_rate);
  add("p99_latency_ms", absl::ToDoubleMilliseconds(w.p99_latency));
  add("cpu_cores", w.cpu_cores);
}

}  // namespace

History::History(absl::Duration span, absl::Duration resolution)
    : span_(span), resolution_(resolution > absl::ZeroDuration() ? resolution : absl::Seconds(1)) {}

const std::vector<std::string>& History::SeriesNames() {
  static const auto* const kNames = new std::vector<std::string>{
      "available_ratio", "cpu_cores",   "error_rate",   "errors_per_sec", "leader_count",
      "ops_per_sec",     "p99_latency_ms", "reachable", "region_count",   "slow_score"};
  return *kNames;
}

void History::Add(const std::string& series, const std::string& entity, absl::Time at,
                  double value) {
  std::deque<HistoryPoint>& points = series_[{series, entity}];
  if (!points.empty() && points.back().at == at) {
    points.back().value = value;
  } else if (points.empty() || points.back().at < at) {
    points.push_back({at, value});
  }
  while (!points.empty() && points.front().at < at - span_) points.pop_front();
}

void History::Record(const core::Snapshot& snap) {
  const absl::Time at = absl::UnixEpoch() + absl::Floor(snap.captured_at - absl::UnixEpoch(),
                                                        resolution_);
  absl::MutexLock lock(&mu_);
  AddWorkload(snap.workload, [&](const char* name, double v) { Add(name, "", at, v); });
  for (const core::StoreStatus& s : snap.stores) {
    auto add = [&](const char* name, double v) { Add(name, s.id, at, v); };
    AddWorkload(s.workload, add);
    if (s.capacity_bytes > 0) {
      add("available_ratio", static_cast<double>(s.available_bytes) / s.capacity_bytes);
    }
    add("leader_count", static_cast<double>(s.leader_count));
    add("region_count", static_cast<double>(s.region_count));
    add("slow_score", s.slow_score);
    if (s.probe.probed_at) add("reachable", s.probe.reachable ? 1 : 0);
  }
}

absl::StatusOr<std::vector<HistoryPoint>> History::Query(const std::string& series,
                                                         const std::string& entity_id,
                                                         absl::Time start, absl::Time end,
                                                         absl::Duration step) const {
  const auto& names = SeriesNames();
  if (std::find(names.begin(), names.end(), series) == names.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown series \"", series,
                                                   "\"; known: ", absl::StrJoin(names, ", ")));
  }
  if (start > end) return absl::InvalidArgumentError("start is after end");
  if (step <= absl::ZeroDuration()) step = resolution_;
  absl::MutexLock lock(&mu_);
  auto it = series_.find({series, entity_id});
  if (it == series_.end()) {
    return absl::NotFoundError(absl::StrCat("no ", series, " recorded for ",
                                            entity_id.empty() ? "the cluster" : "store " + entity_id));
  }
  std::vector<HistoryPoint> out;
  for (const HistoryPoint& p : it->second) {
    if (p.at < start || p.at > end) continue;
    const absl::Time bucket = start + absl::Floor(p.at - start, step);
    if (!out.empty() && start + absl::Floor(out.back().at - start, step) == bucket) {
      out.back() = p;  // the last point in each step
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace ops::observer
