// The PD leader's scheduling, a faithful subset of tikv/pd v8.5.7: an operator controller and
// two of the default schedulers GET /schedulers lists.
//
//  * balance-leader-scheduler: moves a leader from the store with the most leaders to the one
//    with the fewest while (source - 5) > (target + 5) leader counts, counting pending
//    operators' influence (schedulers/utils.go: leaderTolerantSizeRatio 5, shouldBalance).
//  * evict-slow-store-scheduler: when exactly one serving store is slow and its slow_score
//    reaches 100, logs "detected slow store, start to evict leaders" and moves its leaders
//    away (3 per round); once its score is back to 1 and 600 s (recovery-duration) have passed
//    since the capture, logs "slow store has been recovered" and lets leaders return.
//
// Both keep at most leader-schedule-limit (4) leader operators pending. Operators reach the
// region's leader store in its region heartbeat answer (Commands); one finishes when a
// heartbeat shows the target store leading, or times out after its step timeout (scaled).
// Down-peer replacement is not modelled: with 3 stores and 3 replicas there is no target
// store, and real PD's replica checker reports no-target-store in that case too.
//
// Pure state: time and the cluster state come in as arguments; log lines (real PD texts from
// the v8.5.7 catalog) are returned through TakeLogs(). Thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_SCHEDULER_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_SCHEDULER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/common/time_scale.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/pd/cluster_state.h"
#include "subjects/tikv/sim/pd/operator.h"

namespace ops::sim {

struct PdLogLine {
  std::string level;
  std::string source;
  std::string message;
  LogFields fields;
};

class OperatorController {
 public:
  struct Options {
    TimeScale scale;
    int leader_schedule_limit = 4;
    int tolerant_leaders = 5;                          // leaderTolerantSizeRatio
    absl::Duration recovery = absl::Seconds(600);      // evict-slow-store recovery-duration
    absl::TimeZone tz = absl::LocalTimeZone();         // for operator strings
    absl::Time monotonic_base = absl::InfinitePast();  // PD process start (Go's m=+)
  };
  explicit OperatorController(Options options) : options_(std::move(options)) {}

  // One scheduling round: times out stale operators, then runs evict-slow-store and
  // balance-leader against `state`.
  void Schedule(const ClusterState& state, absl::Time now);
  // After region heartbeats were applied: finishes operators whose target now leads.
  void OnRegionHeartbeat(const ClusterState& state, absl::Time now);
  // Schedule commands for regions `store_id` leads (per `state`), as a JSON array of
  // {"region_id", "region_epoch", "transfer_leader": {"peer": {"id", "store_id"}}}. A command
  // goes out when its operator starts (source=create) and again whenever its region is among
  // `reported` (source=heartbeat) until it finishes.
  nlohmann::json Commands(const ClusterState& state, uint64_t store_id,
                          const std::vector<uint64_t>& reported, absl::Time now);
  // Pending operators' strings (GET /operators); `kind` "" or "leader" lists them all, other
  // kinds (admin, region, waiting, ...) none.
  std::vector<std::string> OperatorStrings(const std::string& kind) const;
  // Drops every operator (leadership lost: a new PD leader starts without them).
  void Clear() { ops_.clear(); }

  std::vector<PdLogLine> TakeLogs() { return std::exchange(logs_, {}); }
  const std::map<uint64_t, Operator>& operators() const { return ops_; }
  uint64_t evicted_store() const { return evicted_store_; }

 private:
  bool Eligible(const ClusterState& state, const StoreRecord& s, absl::Time now) const;
  bool Target(const ClusterState& state, const StoreRecord& s, absl::Time now) const;
  std::map<uint64_t, int64_t> LeaderCounts(const ClusterState& state) const;
  void Add(Operator op);
  void EvictSlowStore(const ClusterState& state, absl::Time now);
  void EvictLeaders(const ClusterState& state, absl::Time now);
  void BalanceLeader(const ClusterState& state, absl::Time now);
  void Log(std::string level, std::string source, std::string message, LogFields fields);
  std::string Quoted(const Operator& op) const;

  Options options_;
  std::map<uint64_t, Operator> ops_;  // by region id: at most one per region
  uint64_t evicted_store_ = 0;
  absl::Time capture_time_ = absl::InfinitePast();
  std::vector<PdLogLine> logs_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_SCHEDULER_H_
