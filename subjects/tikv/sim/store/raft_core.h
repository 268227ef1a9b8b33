// Region leadership among the simulated stores: one mini raft per region (heartbeats, pre-vote,
// vote with terms, majority of the region's 3 peers, check-quorum step-down after the leader
// lease). No log replication: every peer is equally up to date, only leadership is modelled.
// Pure state: time comes in as an argument and messages go out as return values, so the class
// is unit-tested with a fake clock and an in-process transport. The store process sends one
// batched POST /sim/v1/raft per peer store per tick; the peer answers with its replies.
// Timings are the real TiKV defaults multiplied by the time scale (docs/tikv-sim.md "Timing").
// Thread-compatible (the store guards it with a mutex).
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_RAFT_CORE_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_RAFT_CORE_H_

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "subjects/tikv/sim/common/time_scale.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/store/store_state.h"

namespace ops::sim {

// kTimeoutNow: a leader handing leadership over (raft leader transfer); the receiver campaigns
// at once, and its votes carry `force` so peers inside the leader lease still grant them
// (raft-rs CAMPAIGN_TRANSFER).
enum class RaftMsgType {
  kHeartbeat,
  kHeartbeatResp,
  kPreVote,
  kPreVoteResp,
  kVote,
  kVoteResp,
  kTimeoutNow
};

struct RaftMsg {
  RaftMsgType type = RaftMsgType::kHeartbeat;
  uint64_t region_id = 0;
  uint64_t term = 0;
  uint64_t from_store = 0;
  bool reject = false;
  bool force = false;
};

// JSON of a batch: {"from_store": S, "messages": [{"type": "heartbeat", ...}]}.
std::string RaftBatchToJson(uint64_t from_store, const std::vector<RaftMsg>& msgs);
absl::StatusOr<std::vector<RaftMsg>> RaftBatchFromJson(const std::string& text,
                                                       uint64_t* from_store);

// A log line the caller writes (keeps the core free of I/O).
struct LogEvent {
  std::string level;
  std::string source;
  std::string message;
  LogFields fields;
};

enum class RaftRole { kFollower, kPreCandidate, kCandidate, kLeader };

struct RaftTimings {
  absl::Duration heartbeat = absl::Seconds(2);
  absl::Duration election_min = absl::Seconds(10);  // randomized in [min, 2*min)
  absl::Duration lease = absl::Seconds(9);
  absl::Duration peer_down = absl::Minutes(10);
  absl::Duration leader_missing = absl::Minutes(10);
  static RaftTimings Scaled(const TimeScale& scale);
};

struct DownPeer {
  PeerMeta peer;
  int64_t down_seconds = 0;  // in unscaled (simulated cluster) seconds
};

class RaftCore {
 public:
  RaftCore(uint64_t store_id, std::vector<RegionMeta> regions, RaftTimings timings,
           double time_scale, uint64_t seed, absl::Time now);

  // Advances timers: leader heartbeats, elections, check-quorum. Returns messages per peer
  // store (one batch each).
  std::map<uint64_t, std::vector<RaftMsg>> Tick(absl::Time now);
  // Handles a batch received from `from_store`; returns the replies to send back.
  std::vector<RaftMsg> Receive(uint64_t from_store, const std::vector<RaftMsg>& msgs,
                               absl::Time now);
  // Handles the replies to a batch this store sent; may produce follow-up messages.
  std::map<uint64_t, std::vector<RaftMsg>> ReceiveReplies(uint64_t from_store,
                                                          const std::vector<RaftMsg>& msgs,
                                                          absl::Time now);

  // Leader transfer (a PD transfer-leader operator): when this store leads `region_id` and
  // `to_store` holds a peer of it, logs TiKV's "transfer leader" and queues a kTimeoutNow for
  // that peer, sent with the next Tick(). Returns whether the transfer started.
  bool TransferLeader(uint64_t region_id, uint64_t to_store, absl::Time now);

  // Drains pending log lines and the ids of regions whose leadership this store just won.
  std::vector<LogEvent> TakeLogs();
  std::vector<uint64_t> TakeNewLeaderRegions();
  // True when the persisted part (terms, votes, leaders) changed since the last call.
  bool TakeDirty();

  // Views.
  const std::vector<RegionMeta>& regions() const { return regions_; }
  const RegionMeta* FindRegion(uint64_t region_id) const;
  bool IsLeader(uint64_t region_id) const;
  RaftRole role(uint64_t region_id) const;
  int LeaderCount() const;
  // Regions without a known leader for longer than leader_missing.
  int LeaderMissingCount(absl::Time now) const;
  // For a led region: followers silent for longer than peer_down.
  std::vector<DownPeer> DownPeers(uint64_t region_id, absl::Time now) const;
  uint64_t store_id() const { return store_id_; }

 private:
  struct Volatile {
    RaftRole role = RaftRole::kFollower;
    absl::Time last_heard_leader = absl::InfinitePast();
    absl::Time election_deadline;
    absl::Time last_heartbeat_sent = absl::InfinitePast();
    absl::Time became_leader_at;
    absl::Time leader_lost_at;  // when leader became unknown
    std::map<uint64_t, absl::Time> last_ack;  // leader: peer store -> last heartbeat reply
    int votes = 0;
    bool missing_logged = false;
  };

  void ResetElectionTimer(Volatile& v, absl::Time now);
  void BecomeFollower(RegionMeta& r, Volatile& v, uint64_t term, uint64_t leader, absl::Time now);
  void BecomeLeader(RegionMeta& r, Volatile& v, absl::Time now,
                    std::map<uint64_t, std::vector<RaftMsg>>* out);
  void Broadcast(const RegionMeta& r, RaftMsgType type, uint64_t term,
                 std::map<uint64_t, std::vector<RaftMsg>>* out, bool force = false) const;
  void CampaignForTransfer(RegionMeta& r, Volatile& v, absl::Time now);
  bool InLease(const Volatile& v, absl::Time now) const;
  void Log(const RegionMeta& r, std::string source, std::string message, LogFields fields = {});
  uint64_t PeerId(const RegionMeta& r) const;
  uint64_t PeerIdOn(const RegionMeta& r, uint64_t store) const;

  uint64_t store_id_;
  std::vector<RegionMeta> regions_;
  std::map<uint64_t, size_t> index_;  // region id -> position
  std::vector<Volatile> vol_;
  RaftTimings timings_;
  double time_scale_;
  std::mt19937_64 rng_;
  std::vector<LogEvent> logs_;
  std::vector<uint64_t> new_leader_regions_;
  std::map<uint64_t, std::vector<RaftMsg>> outbox_;  // sent with the next Tick()
  bool dirty_ = false;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_RAFT_CORE_H_
