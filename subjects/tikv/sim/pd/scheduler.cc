// PD operator controller, balance-leader and evict-slow-store; see scheduler.h.
#include "subjects/tikv/sim/pd/scheduler.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/sim/pd/go_format.h"

namespace ops::sim {
namespace {

using json = nlohmann::json;

constexpr int kEvictBatch = 3;             // EvictLeaderBatchSize
constexpr uint64_t kSlowEvictScore = 100;  // slowStoreEvictThreshold
constexpr uint64_t kSlowRecoverScore = 1;  // slowStoreRecoverThreshold
constexpr char kBalanceLeader[] = "balance-leader-scheduler";
constexpr char kEvictSlowStore[] = "evict-slow-store-scheduler";
// operator_controller.go and evict_slow_store.go carry no line numbers in the catalog; these
// are the v8.5.7 lines.
constexpr char kControllerSrc[] = "operator_controller.go:488";
constexpr char kSendSrc[] = "operator_controller.go:732";

std::string Score(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", static_cast<double>(v));
  return buf;
}

}  // namespace

void OperatorController::Log(std::string level, std::string source, std::string message,
                             LogFields fields) {
  logs_.push_back({std::move(level), std::move(source), std::move(message), std::move(fields)});
}

std::string OperatorController::Quoted(const Operator& op) const {
  // zap.Reflect on an Operator writes its MarshalJSON: the String() in quotes.
  return absl::StrCat("\"", op.String(options_.tz, options_.monotonic_base), "\"");
}

bool OperatorController::Eligible(const ClusterState& state, const StoreRecord& s,
                                  absl::Time now) const {
  return s.state == 0 && !state.IsDisconnected(s, now) && !state.IsDown(s, now);
}

bool OperatorController::Target(const ClusterState& state, const StoreRecord& s,
                                absl::Time now) const {
  return Eligible(state, s, now) && !state.IsSlow(s) && s.id != evicted_store_;
}

std::map<uint64_t, int64_t> OperatorController::LeaderCounts(const ClusterState& state) const {
  std::map<uint64_t, int64_t> counts;
  for (const auto& [id, s] : state.stores()) counts[id] = state.CountsFor(id).leader_count;
  for (const auto& [region, op] : ops_) {  // pending operators' influence
    counts[op.from_store] -= 1;
    counts[op.to_store] += 1;
  }
  return counts;
}

void OperatorController::Add(Operator op) {
  Log("INFO", kControllerSrc, "add operator",
      {{"region-id", absl::StrCat(op.region_id)},
       {"operator", Quoted(op)},
       {"additional-info", op.AdditionalInfoJson()}});
  uint64_t region = op.region_id;
  ops_[region] = std::move(op);
}

void OperatorController::Schedule(const ClusterState& state, absl::Time now) {
  for (auto it = ops_.begin(); it != ops_.end();) {
    Operator& op = it->second;
    absl::Time since = op.start_time == absl::InfinitePast() ? op.create_time : op.start_time;
    if (now - since <= options_.scale(op.timeout)) {
      ++it;
      continue;
    }
    op.timed_out = true;
    Log("INFO", kControllerSrc, "operator timeout",
        {{"region-id", absl::StrCat(op.region_id)},
         {"takes", GoDuration(now - since)},
         {"operator", Quoted(op)}});
    it = ops_.erase(it);
  }
  EvictSlowStore(state, now);
  BalanceLeader(state, now);
}

void OperatorController::EvictSlowStore(const ClusterState& state, absl::Time now) {
  if (evicted_store_ != 0) {
    auto it = state.stores().find(evicted_store_);
    if (it == state.stores().end() || it->second.state == 2) {
      evicted_store_ = 0;
      return;
    }
    if (it->second.slow_score <= kSlowRecoverScore &&
        now - capture_time_ >= options_.scale(options_.recovery)) {
      Log("INFO", "evict_slow_store.go:789", "slow store has been recovered",
          {{"store-id", absl::StrCat(evicted_store_)}});
      evicted_store_ = 0;
      return;
    }
    EvictLeaders(state, now);
    return;
  }
  const StoreRecord* slow = nullptr;
  for (const auto& [id, s] : state.stores()) {
    if (s.state != 0 || !state.IsSlow(s)) continue;
    if (slow != nullptr) return;  // more than one slow store: do nothing
    slow = &s;
  }
  if (slow == nullptr || slow->slow_score < kSlowEvictScore) return;
  Log("INFO", "evict_slow_store.go:824", "detected slow store, start to evict leaders",
      {{"store-id", absl::StrCat(slow->id)}});
  evicted_store_ = slow->id;
  capture_time_ = now;
  EvictLeaders(state, now);
}

void OperatorController::EvictLeaders(const ClusterState& state, absl::Time now) {
  std::map<uint64_t, int64_t> counts = LeaderCounts(state);
  int added = 0;
  for (const auto& [id, r] : state.regions()) {
    if (added >= kEvictBatch || static_cast<int>(ops_.size()) >= options_.leader_schedule_limit) {
      return;
    }
    if (r.leader.store_id != evicted_store_ || ops_.count(id)) continue;
    uint64_t best = 0;
    for (const Peer& p : r.peers) {
      auto s = state.stores().find(p.store_id);
      if (p.store_id == evicted_store_ || p.is_learner || s == state.stores().end() ||
          !Target(state, s->second, now)) {
        continue;
      }
      if (best == 0 || counts[p.store_id] < counts[best]) best = p.store_id;
    }
    if (best == 0) continue;
    Add(NewTransferLeaderOperator(kEvictSlowStore, id, r.version, r.conf_ver, r.approximate_size,
                                  evicted_store_, best, now));
    counts[evicted_store_] -= 1;
    counts[best] += 1;
    ++added;
  }
}

void OperatorController::BalanceLeader(const ClusterState& state, absl::Time now) {
  while (static_cast<int>(ops_.size()) < options_.leader_schedule_limit) {
    std::map<uint64_t, int64_t> counts = LeaderCounts(state);
    uint64_t source = 0, target = 0;
    for (const auto& [id, s] : state.stores()) {
      if (!Eligible(state, s, now)) continue;
      if (source == 0 || counts[id] > counts[source]) source = id;
      if (Target(state, s, now) && (target == 0 || counts[id] < counts[target])) target = id;
    }
    if (source == 0 || target == 0 || source == target) return;
    const int64_t source_score = counts[source] - options_.tolerant_leaders;
    const int64_t target_score = counts[target] + options_.tolerant_leaders;
    if (source_score <= target_score) return;  // shouldBalance
    const RegionRecord* pick = nullptr;
    for (const auto& [id, r] : state.regions()) {
      if (r.leader.store_id != source || ops_.count(id) || !r.down_peers.empty()) continue;
      bool has_target = std::any_of(r.peers.begin(), r.peers.end(), [&](const Peer& p) {
        return p.store_id == target && !p.is_learner;
      });
      if (has_target) {
        pick = &r;
        break;
      }
    }
    if (pick == nullptr) return;
    Operator op = NewTransferLeaderOperator(kBalanceLeader, pick->id, pick->version, pick->conf_ver,
                                            pick->approximate_size, source, target, now);
    op.additional_info = {{"sourceScore", Score(source_score)},
                          {"targetScore", Score(target_score)}};
    Add(std::move(op));
  }
}

void OperatorController::OnRegionHeartbeat(const ClusterState& state, absl::Time now) {
  for (auto it = ops_.begin(); it != ops_.end();) {
    Operator& op = it->second;
    auto r = state.regions().find(op.region_id);
    if (r == state.regions().end() || r->second.leader.store_id != op.to_store) {
      ++it;
      continue;
    }
    op.finished = true;
    absl::Time start = op.start_time == absl::InfinitePast() ? op.create_time : op.start_time;
    Log("INFO", kControllerSrc, "operator finish",
        {{"region-id", absl::StrCat(op.region_id)},
         {"takes", GoDuration(now - start)},
         {"operator", Quoted(op)},
         {"additional-info", op.AdditionalInfoJson()}});
    it = ops_.erase(it);
  }
}

json OperatorController::Commands(const ClusterState& state, uint64_t store_id,
                                  const std::vector<uint64_t>& reported, absl::Time now) {
  json out = json::array();
  for (auto& [region_id, op] : ops_) {
    auto r = state.regions().find(region_id);
    if (r == state.regions().end() || r->second.leader.store_id != store_id) continue;
    const char* source = nullptr;
    if (op.start_time == absl::InfinitePast()) {
      op.start_time = now;
      source = "create";
    } else if (std::find(reported.begin(), reported.end(), region_id) != reported.end()) {
      source = "heartbeat";
    } else {
      continue;
    }
    Log("INFO", kSendSrc, "send schedule command",
        {{"region-id", absl::StrCat(region_id)}, {"step", op.Step()}, {"source", source}});
    uint64_t peer_id = 0;
    for (const Peer& p : r->second.peers) {
      if (p.store_id == op.to_store) peer_id = p.id;
    }
    out.push_back({{"region_id", region_id},
                   {"region_epoch", {{"conf_ver", op.conf_ver}, {"version", op.version}}},
                   {"transfer_leader", {{"peer", {{"id", peer_id}, {"store_id", op.to_store}}}}}});
  }
  return out;
}

std::vector<std::string> OperatorController::OperatorStrings(const std::string& kind) const {
  std::vector<std::string> out;
  if (!kind.empty() && kind != "leader") return out;
  for (const auto& [id, op] : ops_) out.push_back(op.String(options_.tz, options_.monotonic_base));
  return out;
}

}  // namespace ops::sim
