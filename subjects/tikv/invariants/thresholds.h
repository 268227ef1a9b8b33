// Thresholds and timings of the TiKV invariant pack, with defaults that suit a real cluster and
// a JSON file format to override any of them:
//
//   {"p99_latency_ms": 250, "error_rate": 0.05, "time_scale": 0.1}
//
// Every key is optional; unknown keys are errors (with the list of known ones). `time_scale`
// multiplies every duration (for tikv-sim runs with --time-scale). PD's own settings in the
// snapshot (low_space_ratio) take precedence over the defaults where PD defines the rule.
//
// Thread safety: plain value.
#ifndef OPS_SUBJECTS_TIKV_INVARIANTS_THRESHOLDS_H_
#define OPS_SUBJECTS_TIKV_INVARIANTS_THRESHOLDS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::tikv {

struct Thresholds {
  // A store is unreachable after this many failed probes in a row, or at once when the
  // connection is refused (nothing listens: the process is gone).
  int probe_failures = 2;
  // The status probe answers but PD has had no store heartbeat for this long: the store is cut
  // off from PD (real stores heartbeat every 10 s).
  absl::Duration heartbeat_stale = absl::Seconds(15);
  // A witnessed restart stays signalled this long.
  absl::Duration restart_window = absl::Minutes(5);
  // A PD leader change stays signalled this long.
  absl::Duration leader_change_window = absl::Minutes(1);
  // Per-store p99 request latency over the last interval.
  absl::Duration p99_latency = absl::Milliseconds(250);
  // Error share of requests, per store and for the cluster, counted only with enough traffic.
  double error_rate = 0.05;
  double min_ops_per_sec = 5;
  // Cluster throughput below (1 - drop) x its own baseline, once the baseline is at least
  // min_baseline_ops.
  double throughput_drop = 0.5;
  double min_baseline_ops = 50;
  // PD's low-space-ratio when the snapshot does not carry PD's own: a store with less than
  // (1 - ratio) of its capacity available is low on space.
  double low_space_ratio = 0.8;
  // PD marks a store slow at slow score >= 80 (1 is healthy, 100 the maximum).
  double slow_score = 80;
  // A store serving more than hot_ratio x the mean of the others (ops/s or CPU) is hot.
  double hot_ratio = 3.0;
  double hot_min_ops = 100;
  // Region counts above these fire (PD_pending_peer_region_count uses 100).
  double miss_peer_regions = 0;
  double down_peer_regions = 0;
  double pending_peer_regions = 100;
  double offline_peer_regions = 0;

  // `for` of the metric-based invariants (latency, errors, throughput, slow, stall, hot):
  // one bad scrape is not a problem.
  absl::Duration metric_for = absl::Seconds(10);
  // How long a signal must stay clear before it resolves.
  absl::Duration clear_window = absl::Seconds(30);
  // Re-firing within this long after resolving marks a signal flapping.
  absl::Duration flap_window = absl::Minutes(10);

  // Multiplies every duration above; 1 for real clusters.
  double time_scale = 1.0;

  // The durations with time_scale applied.
  absl::Duration Scaled(absl::Duration d) const { return d * time_scale; }
};

// Parses a JSON object of overrides on top of the defaults. Durations are numbers with the unit
// in the key (`_ms` or `_s`), e.g. "heartbeat_stale_s": 15. INVALID_ARGUMENT naming the key for
// unknown keys, wrong types or out-of-range values.
absl::StatusOr<Thresholds> ParseThresholds(absl::string_view json);

// Reads and parses a thresholds file; NOT_FOUND when it does not exist.
absl::StatusOr<Thresholds> LoadThresholds(const std::string& path);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_INVARIANTS_THRESHOLDS_H_
