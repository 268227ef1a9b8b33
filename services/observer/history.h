// History: the observer's rolling memory of key series at a fixed resolution (1 s by default)
// over a fixed span (15 min), for QueryHistory, the TUI's ops/sec histogram and diagnosis
// evidence. Record() takes one snapshot and stores, per resolution step, the latest value of:
//
//   cluster: ops_per_sec, errors_per_sec, error_rate, p99_latency_ms, cpu_cores
//   store:   ops_per_sec, errors_per_sec, error_rate, p99_latency_ms, cpu_cores,
//            available_ratio, leader_count, region_count, slow_score, reachable (1/0)
//
// Thread safety: thread-safe.
#ifndef OPS_SERVICES_OBSERVER_HISTORY_H_
#define OPS_SERVICES_OBSERVER_HISTORY_H_

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/snapshot.h"

namespace ops::observer {

struct HistoryPoint {
  absl::Time at;
  double value = 0;
};

class History {
 public:
  explicit History(absl::Duration span = absl::Minutes(15),
                   absl::Duration resolution = absl::Seconds(1));

  // Records the snapshot's series at snap.captured_at (rounded down to the resolution; a later
  // snapshot in the same step replaces the earlier one). Drops points older than the span.
  void Record(const core::Snapshot& snap);

  // Points of `series` for `entity_id` ("" for the cluster) in [start, end], one per `step`
  // (the last point in each step; zero step means the resolution). INVALID_ARGUMENT for an
  // unknown series or start after end; NOT_FOUND when nothing was recorded for the entity.
  absl::StatusOr<std::vector<HistoryPoint>> Query(const std::string& series,
                                                  const std::string& entity_id, absl::Time start,
                                                  absl::Time end, absl::Duration step) const;

  // The series names Query accepts.
  static const std::vector<std::string>& SeriesNames();

 private:
  using Key = std::pair<std::string, std::string>;  // (series, entity id)
  void Add(const std::string& series, const std::string& entity, absl::Time at, double value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration span_;
  const absl::Duration resolution_;
  mutable absl::Mutex mu_;
  std::map<Key, std::deque<HistoryPoint>> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_HISTORY_H_
