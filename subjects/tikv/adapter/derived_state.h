// DerivedState: the facts a single snapshot cannot show, remembered across snapshots so the
// invariants stay pure functions of one snapshot:
//   - StoreStatus::restarted_at: when a store's start time changed (a restart the observer
//     witnessed; the first sight of a store is not a restart);
//   - Snapshot::leader_since: when the PD leader changed (the first leader seen is not a change);
//   - Workload::baseline_ops_per_sec: a slow moving average of cluster throughput over healthy
//     samples (a sample far below the baseline does not pull it down, so a drop stays visible);
//   - RegionHealth::leaderless: regions whose leader is on a store that does not answer
//     probes, plus any shortfall of PD's leader counts against the region total.
//
// Pure apart from its memory: time comes from the snapshot. Thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_ADAPTER_DERIVED_STATE_H_
#define OPS_SUBJECTS_TIKV_ADAPTER_DERIVED_STATE_H_

#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "core/snapshot.h"

namespace ops::tikv {

class DerivedState {
 public:
  struct Options {
    // Time constant of the throughput baseline.
    absl::Duration baseline_tau = absl::Minutes(2);
    // Baseline needs this long of samples before it is reported.
    absl::Duration baseline_warmup = absl::Seconds(30);
    // Samples below this share of the baseline do not update it.
    double baseline_floor = 0.5;
  };

  DerivedState() : DerivedState(Options{}) {}
  explicit DerivedState(Options options) : options_(options) {}

  // Fills the derived fields of `snap` (captured_at must not go backwards).
  void Apply(core::Snapshot& snap);

 private:
  void TrackRestarts(core::Snapshot& snap);
  void TrackLeader(core::Snapshot& snap);
  void TrackBaseline(core::Snapshot& snap);
  static void CountLeaderless(core::Snapshot& snap);

  const Options options_;
  std::map<std::string, absl::Time> start_times_;     // by store id
  std::map<std::string, absl::Time> restarted_at_;    // by store id
  std::optional<std::string> leader_;
  std::optional<absl::Time> leader_since_;
  std::optional<double> baseline_;
  std::optional<absl::Time> baseline_since_;
  std::optional<absl::Time> last_sample_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ADAPTER_DERIVED_STATE_H_
