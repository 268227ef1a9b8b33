// Recognises the log messages TiKV v8.5.7, raft-rs and PD v8.5.7 print around faults, with their
// exact texts from ../shared/data/logs/message-catalog.v8.5.7.tsv and
// ../shared/reference/tikv.md section 4.3 ("connection aborted", "became leader at term N",
// "disk usage Normal->AlmostFull ...", "detected slow store, start to evict leaders", PD's
// "leader changed", ...). Matching is on the decoded message only, exact or with "{}" standing
// for a runtime value (as the catalog's "{..}"); fields refine some matches (the err of "get
// snapshot failed"). Messages of other versions that changed wording are not recognised.
#ifndef OPS_SUBJECTS_TIKV_LOGS_LOG_CLASSIFIER_H_
#define OPS_SUBJECTS_TIKV_LOGS_LOG_CLASSIFIER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "subjects/tikv/logs/log_event.h"

namespace ops::tikv {

// What a known message is about.
enum class LogCategory {
  kPeerUnreachable,      // TiKV raft client: connection aborted/abort, wait connect timeout, ...
  kLeaderMissing,        // a region without leader for longer than the abnormal/max duration
  kElection,             // raft-rs: election started, (pre-)candidate, follower, higher term seen
  kBecameLeader,         // raft-rs: became leader at term N
  kLeaderTransfer,       // TiKV: transfer leader / reject to transfer leader
  kRequestRejected,      // TiKV scheduler: get snapshot failed (not leader, epoch, busy)
  kDiskUsage,            // TiKV: disk usage state change (Normal/AlmostFull/AlreadyFull)
  kLowSpace,             // PD: store does not have enough disk space
  kStoreState,           // PD: store offline / Tombstone / up / serving
  kDownPeer,             // PD: region has down peer on connected store
  kRegionLeaderChanged,  // PD: leader changed (from/to are store ids)
  kRegionChanged,        // PD: region ConfVer / Version changed
  kOperator,             // PD: operator added, step sent, finished, timed out
  kSlowStore,            // PD: slow store detected / recovered
  kPdLeader,             // PD: own leader campaign, ready, lease expired, resigned
  kClock,                // PD: system time may be incorrect / jumps backward
  kProcessStart,         // TiKV/PD process start (restart detection)
};

// Lower snake case name of the category, e.g. "peer_unreachable".
absl::string_view LogCategoryName(LogCategory category);

// One entry of the known-message table.
struct KnownMessage {
  absl::string_view id;       // stable snake_case name, e.g. "connection_aborted"
  absl::string_view pattern;  // exact text; "{}" matches any non-empty run of bytes
  LogCategory category;
  // True when the message indicates a fault or its direct consequence (a store unreachable, a
  // leader lost and re-elected, a disk filling, a restart); false for context (operator steps,
  // region epoch changes, a follower catching up).
  bool fault;
};

// The whole table, in match order (more specific patterns first). Static; thread-safe.
const std::vector<KnownMessage>& KnownMessages();

struct LogClassification {
  absl::string_view id;  // KnownMessage::id
  LogCategory category;
  bool fault;
  // Refinement when there is one: for disk usage the new state ("AlmostFull"); for "get
  // snapshot failed" the reason found in err ("not_leader", "epoch_not_match",
  // "raftstore_busy", "scheduler_busy", "server_is_busy"); for raft-rs term messages the term.
  std::string detail;

  friend bool operator==(const LogClassification&, const LogClassification&) = default;
};

// Returns the known message `event` is, or nullopt. Pure; thread-safe.
std::optional<LogClassification> Classify(const LogEvent& event);

// True when `event` deserves attention: level WARN or above, or a known fault message.
bool IsNotable(const LogEvent& event);

// True when `text` matches `pattern` ("{}" = one or more arbitrary bytes); `captures` (if not
// null) receives what each "{}" matched. Exposed for tests.
bool MatchPattern(absl::string_view pattern, absl::string_view text,
                  std::vector<absl::string_view>* captures = nullptr);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_LOGS_LOG_CLASSIFIER_H_
