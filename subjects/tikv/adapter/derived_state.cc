#include "subjects/tikv/adapter/derived_state.h"

#include <algorithm>
#include <cmath>

namespace ops::tikv {

void DerivedState::Apply(core::Snapshot& snap) {
  TrackRestarts(snap);
  TrackLeader(snap);
  TrackBaseline(snap);
  CountLeaderless(snap);
}

void DerivedState::TrackRestarts(core::Snapshot& snap) {
  for (core::StoreStatus& s : snap.stores) {
    if (s.start_time) {
      auto it = start_times_.find(s.id);
      // A start time that moves by more than a second is a new process (PD's start_ts has
      // second resolution; metrics' process_start_time_seconds may differ in fractions).
      if (it != start_times_.end() && absl::AbsDuration(*s.start_time - it->second) > absl::Seconds(1)) {
        restarted_at_[s.id] = snap.captured_at;
      }
      start_times_[s.id] = *s.start_time;
    }
    if (auto r = restarted_at_.find(s.id); r != restarted_at_.end()) s.restarted_at = r->second;
  }
}

void DerivedState::TrackLeader(core::Snapshot& snap) {
  const core::ControlPlaneMember* leader = snap.Leader();
  if (leader != nullptr) {
    if (leader_ && *leader_ != leader->name) leader_since_ = snap.captured_at;
    leader_ = leader->name;
  }
  snap.leader_since = leader_since_;
}

void DerivedState::TrackBaseline(core::Snapshot& snap) {
  const double ops = snap.workload.ops_per_sec;
  if (snap.visibility.blind) {
    if (baseline_ && baseline_since_ && snap.captured_at - *baseline_since_ >= options_.baseline_warmup) {
      snap.workload.baseline_ops_per_sec = *baseline_;
    }
    return;
  }
  if (!baseline_) {
    if (ops > 0) {
      baseline_ = ops;
      baseline_since_ = snap.captured_at;
      last_sample_ = snap.captured_at;
    }
    return;
  }
  const absl::Duration dt = snap.captured_at - *last_sample_;
  last_sample_ = snap.captured_at;
  if (ops >= *baseline_ * options_.baseline_floor && dt > absl::ZeroDuration()) {
    const double alpha = 1 - std::exp(-absl::FDivDuration(dt, options_.baseline_tau));
    *baseline_ += alpha * (ops - *baseline_);
  }
  if (snap.captured_at - *baseline_since_ >= options_.baseline_warmup) {
    snap.workload.baseline_ops_per_sec = *baseline_;
  }
}

void DerivedState::CountLeaderless(core::Snapshot& snap) {
  uint64_t leaders = 0, on_dead = 0;
  for (const core::StoreStatus& s : snap.stores) {
    leaders += s.leader_count;
    const bool dead = s.probe.probed_at && !s.probe.reachable &&
                      (s.probe.refused || s.probe.consecutive_failures >= 2);
    if (dead) on_dead += s.leader_count;
  }
  const uint64_t shortfall = snap.regions.total > leaders ? snap.regions.total - leaders : 0;
  snap.regions.leaderless = on_dead + shortfall;
}

}  // namespace ops::tikv
