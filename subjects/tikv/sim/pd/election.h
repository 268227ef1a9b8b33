// PD leader election among tikv-sim-pd members, in the shape of etcd's raft election that real PD
// rides on: terms, one vote per term, a majority to win, randomized election timeouts (base 3 s,
// up to 2x), leader heartbeats every 500 ms that also carry the replicated cluster state, and a
// leader lease (5 s): a leader that cannot reach a majority within the lease steps down.
// A follower that heard from a live leader within the election timeout refuses votes, so a
// partitioned member cannot depose a healthy leader.
//
// Time comes in as an argument; peers are reached through PeerTransport (HTTP in the process, a
// fake in tests). Thread-safe: an internal mutex guards the state and is released while Tick()
// talks to peers, so handlers (OnVote/OnHeartbeat) may run concurrently.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_ELECTION_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_ELECTION_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ops::sim {

struct VoteRequest {
  uint64_t term = 0;
  int candidate = -1;
};
struct VoteResponse {
  uint64_t term = 0;
  bool granted = false;
};
struct HeartbeatRequest {
  uint64_t term = 0;
  int leader = -1;
  std::string payload;  // the leader's cluster state (JSON text)
};
struct HeartbeatResponse {
  uint64_t term = 0;
  bool ok = false;
};

// Reaches other members by index. Implementations bound each call in time.
class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  virtual absl::StatusOr<VoteResponse> RequestVote(int peer, const VoteRequest& req) = 0;
  virtual absl::StatusOr<HeartbeatResponse> Heartbeat(int peer, const HeartbeatRequest& req) = 0;
};

class Election {
 public:
  struct Options {
    absl::Duration election_timeout = absl::Seconds(3);  // randomized in [1x, 2x)
    absl::Duration heartbeat_interval = absl::Milliseconds(500);
    absl::Duration lease = absl::Seconds(5);
  };
  struct Events {
    bool became_leader = false;
    bool stepped_down = false;  // lost leadership (lease expired or higher term seen)
  };

  // `self` in [0, members); `seed` drives the timeout randomization.
  Election(int self, int members, Options options, uint64_t seed, absl::Time now);

  // Does what is due at `now`: a leader sends heartbeats (payload from `payload`), a follower
  // whose election timeout passed campaigns. Call often (every heartbeat_interval / 5 or so).
  Events Tick(absl::Time now, PeerTransport& transport, const std::function<std::string()>& payload);

  VoteResponse OnVote(const VoteRequest& req, absl::Time now);
  // Accepts a heartbeat from a current leader; the caller applies the payload when ok.
  HeartbeatResponse OnHeartbeat(const HeartbeatRequest& req, absl::Time now);

  bool is_leader() const;
  int leader() const;  // -1 when unknown
  uint64_t term() const;

 private:
  void ResetDeadlineLocked(absl::Time now);
  void StepDownLocked(uint64_t term, absl::Time now);

  const int self_;
  const int members_;
  const Options options_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  uint64_t term_ = 0;
  int voted_for_ = -1;
  int leader_ = -1;
  bool is_leader_ = false;
  absl::Time election_deadline_;
  absl::Time last_heard_ = absl::InfinitePast();
  absl::Time next_heartbeat_ = absl::InfinitePast();
  absl::Time lease_expiry_ = absl::InfinitePast();
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_ELECTION_H_
