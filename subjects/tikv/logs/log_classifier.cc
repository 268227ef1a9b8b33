// Known fault messages; see log_classifier.h. The texts are the v8.5.7 catalog's, verbatim.
#include "subjects/tikv/logs/log_classifier.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace ops::tikv {
namespace {

using C = LogCategory;

// The err text of "get snapshot failed" names the region error; more specific first.
struct Reason {
  absl::string_view needle;  // lower case
  absl::string_view reason;
};
constexpr Reason kSnapshotReasons[] = {
    {"raftstore is busy", "raftstore_busy"},
    {"scheduler is busy", "scheduler_busy"},
    {"not leader", "not_leader"},
    {"notleader", "not_leader"},
    {"epochnotmatch", "epoch_not_match"},
    {"epoch_not_match", "epoch_not_match"},
    {"serverisbusy", "server_is_busy"},
    {"server_is_busy", "server_is_busy"},
};

std::string SnapshotFailureReason(const LogEvent& event) {
  const std::string* err = event.Field("err");
  if (err == nullptr) return "";
  const std::string lower = absl::AsciiStrToLower(*err);
  for (const Reason& r : kSnapshotReasons) {
    if (absl::StrContains(lower, r.needle)) return std::string(r.reason);
  }
  return "";
}

}  // namespace

absl::string_view LogCategoryName(LogCategory category) {
  switch (category) {
    case C::kPeerUnreachable:
      return "peer_unreachable";
    case C::kLeaderMissing:
      return "leader_missing";
    case C::kElection:
      return "election";
    case C::kBecameLeader:
      return "became_leader";
    case C::kLeaderTransfer:
      return "leader_transfer";
    case C::kRequestRejected:
      return "request_rejected";
    case C::kDiskUsage:
      return "disk_usage";
    case C::kLowSpace:
      return "low_space";
    case C::kStoreState:
      return "store_state";
    case C::kDownPeer:
      return "down_peer";
    case C::kRegionLeaderChanged:
      return "region_leader_changed";
    case C::kRegionChanged:
      return "region_changed";
    case C::kOperator:
      return "operator";
    case C::kSlowStore:
      return "slow_store";
    case C::kPdLeader:
      return "pd_leader";
    case C::kClock:
      return "clock";
    case C::kProcessStart:
      return "process_start";
  }
  return "unknown";
}

const std::vector<KnownMessage>& KnownMessages() {
  static const auto* const kTable = new std::vector<KnownMessage>{
      // TiKV src/server/raft_client.rs, raftstore fsm/store.rs.
      {"connection_aborted", "connection aborted", C::kPeerUnreachable, true},
      {"connection_abort", "connection abort", C::kPeerUnreachable, true},
      {"wait_connect_timeout", "wait connect timeout", C::kPeerUnreachable, true},
      {"resolve_store_address_failed", "resolve store address failed", C::kPeerUnreachable, true},
      {"broadcasting_unreachable", "broadcasting unreachable", C::kPeerUnreachable, true},
      // TiKV raftstore fsm/peer.rs.
      {"leader_missing_abnormal", "leader missing longer than abnormal_leader_missing_duration",
       C::kLeaderMissing, true},
      {"leader_missing_max",
       "leader missing longer than max_leader_missing_duration. To check with pd and other peers "
       "whether it's still valid",
       C::kLeaderMissing, true},
      // raft-rs src/raft.rs.
      {"election_started", "starting a new election", C::kElection, true},
      {"became_pre_candidate", "became pre-candidate at term {}", C::kElection, true},
      {"became_candidate", "became candidate at term {}", C::kElection, true},
      {"became_leader", "became leader at term {}", C::kBecameLeader, true},
      {"became_follower", "became follower at term {}", C::kElection, false},
      {"higher_term", "received a message with higher term from {}", C::kElection, false},
      // TiKV raftstore peer.rs, fsm/peer.rs; scheduler; server.rs.
      {"transfer_leader", "transfer leader", C::kLeaderTransfer, false},
      {"reject_transfer_leader", "reject to transfer leader", C::kLeaderTransfer, true},
      {"get_snapshot_failed", "get snapshot failed", C::kRequestRejected, true},
      {"disk_usage", "disk usage {}->{}", C::kDiskUsage, true},
      // PD server/cluster/cluster.go, statistics, core/region.go, operator controller.
      {"store_low_space", "store does not have enough disk space", C::kLowSpace, true},
      {"store_offline", "store has been offline", C::kStoreState, true},
      {"store_tombstone", "store has been Tombstone", C::kStoreState, true},
      {"store_up", "store has been up", C::kStoreState, false},
      {"store_serving", "store has changed to serving", C::kStoreState, false},
      {"down_peer", "region has down peer on connected store", C::kDownPeer, true},
      {"region_leader_changed", "leader changed", C::kRegionLeaderChanged, true},
      {"region_confver_changed", "region ConfVer changed", C::kRegionChanged, false},
      {"region_version_changed", "region Version changed", C::kRegionChanged, false},
      {"operator_add", "add operator", C::kOperator, false},
      {"operator_step", "send schedule command", C::kOperator, false},
      {"operator_finish", "operator finish", C::kOperator, false},
      {"operator_timeout", "operator timeout", C::kOperator, true},
      // PD schedulers/evict_slow_store.go.
      {"slow_store_detected", "detected slow store, start to evict leaders", C::kSlowStore, true},
      {"slow_store_recovered", "slow store has been recovered", C::kSlowStore, false},
      // PD server/server.go ({} is the mode, "PD"), pkg/tso/tso.go.
      {"pd_campaign_leader_ok", "campaign {} leader ok", C::kPdLeader, true},
      {"pd_leader_ready", "{} leader is ready to serve", C::kPdLeader, true},
      {"pd_leader_lease_expired",
       "no longer a leader because lease has expired, pd leader will step down", C::kPdLeader,
       true},
      {"pd_leader_resigned", "etcd leader changed, resigns pd leadership", C::kPdLeader, true},
      {"clock_incorrect", "system time may be incorrect", C::kClock, true},
      {"clock_offset", "clock offset", C::kClock, true},
      {"clock_jumps_backward", "system time jumps backward", C::kClock, true},
      // Process start: TiKV src/lib.rs, components/server/src/common.rs (v3.x printed the id in
      // the message); PD server/util.go (not in the catalog).
      {"tikv_start", "Welcome to TiKV", C::kProcessStart, true},
      {"pd_start", "Welcome to Placement Driver (PD)", C::kProcessStart, true},
      {"tikv_connect_pd", "connect to PD cluster", C::kProcessStart, false},
      {"tikv_connect_pd", "connect to PD cluster {}", C::kProcessStart, false},
  };
  return *kTable;
}

bool MatchPattern(absl::string_view pattern, absl::string_view text,
                  std::vector<absl::string_view>* captures) {
  if (captures != nullptr) captures->clear();
  std::vector<absl::string_view> parts = absl::StrSplit(pattern, "{}");
  if (parts.size() == 1) return text == pattern;
  // Prefix and suffix are anchored; each middle literal is found leftmost after at least one
  // byte of placeholder, which finds a match whenever one exists.
  if (!absl::StartsWith(text, parts.front())) return false;
  size_t pos = parts.front().size();
  std::vector<absl::string_view> found;
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    if (pos + 1 > text.size()) return false;
    size_t at = text.find(parts[i], pos + 1);
    if (at == absl::string_view::npos) return false;
    found.push_back(text.substr(pos, at - pos));
    pos = at + parts[i].size();
  }
  const absl::string_view suffix = parts.back();
  if (text.size() < pos + 1 + suffix.size() || !absl::EndsWith(text, suffix)) return false;
  found.push_back(text.substr(pos, text.size() - suffix.size() - pos));
  if (captures != nullptr) *captures = std::move(found);
  return true;
}

std::optional<LogClassification> Classify(const LogEvent& event) {
  std::vector<absl::string_view> captures;
  for (const KnownMessage& known : KnownMessages()) {
    if (!MatchPattern(known.pattern, event.message, &captures)) continue;
    LogClassification result{known.id, known.category, known.fault, ""};
    if (known.category == C::kRequestRejected) {
      result.detail = SnapshotFailureReason(event);
    } else if (known.category == C::kDiskUsage && captures.size() == 2) {
      // "{prev}->{cur} (raft engine usage: ..." : the new state is the first word.
      result.detail = std::string(captures[1].substr(0, captures[1].find(' ')));
    } else if (!captures.empty()) {
      result.detail = std::string(captures[0]);
    }
    return result;
  }
  return std::nullopt;
}

bool IsNotable(const LogEvent& event) {
  if (event.level >= LogLevel::kWarn) return true;
  std::optional<LogClassification> c = Classify(event);
  return c.has_value() && c->fault;
}

}  // namespace ops::tikv
