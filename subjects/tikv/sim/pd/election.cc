#include "subjects/tikv/sim/pd/election.h"

#include <vector>

namespace ops::sim {

Election::Election(int self, int members, Options options, uint64_t seed, absl::Time now)
    : self_(self), members_(members), options_(options), rng_(seed ^ (uint64_t(self) << 32)) {
  ResetDeadlineLocked(now);
}

void Election::ResetDeadlineLocked(absl::Time now) {
  std::uniform_real_distribution<double> jitter(1.0, 2.0);
  election_deadline_ = now + options_.election_timeout * jitter(rng_);
}

void Election::StepDownLocked(uint64_t term, absl::Time now) {
  if (term > term_) {
    term_ = term;
    voted_for_ = -1;
  }
  is_leader_ = false;
  ResetDeadlineLocked(now);
}

Election::Events Election::Tick(absl::Time now, PeerTransport& transport,
                                const std::function<std::string()>& payload) {
  Events events;
  std::unique_lock<std::mutex> lock(mu_);
  const int majority = members_ / 2 + 1;
  if (is_leader_) {
    if (now > lease_expiry_) {
      is_leader_ = false;
      leader_ = -1;
      events.stepped_down = true;
      ResetDeadlineLocked(now);
      return events;
    }
    if (now < next_heartbeat_) return events;
    next_heartbeat_ = now + options_.heartbeat_interval;
    HeartbeatRequest req{term_, self_, ""};
    lock.unlock();
    req.payload = payload();
    int acks = 1;
    uint64_t max_term = req.term;
    for (int p = 0; p < members_; ++p) {
      if (p == self_) continue;
      auto resp = transport.Heartbeat(p, req);
      if (!resp.ok()) continue;
      if (resp->ok) ++acks;
      if (resp->term > max_term) max_term = resp->term;
    }
    lock.lock();
    if (term_ != req.term || !is_leader_) return events;
    if (max_term > term_) {
      leader_ = -1;
      StepDownLocked(max_term, now);
      events.stepped_down = true;
    } else if (acks >= majority) {
      lease_expiry_ = now + options_.lease;
    }
    return events;
  }
  if (now < election_deadline_) return events;
  // Campaign.
  ++term_;
  voted_for_ = self_;
  leader_ = -1;
  ResetDeadlineLocked(now);
  VoteRequest req{term_, self_};
  lock.unlock();
  int votes = 1;
  uint64_t max_term = req.term;
  for (int p = 0; p < members_; ++p) {
    if (p == self_) continue;
    auto resp = transport.RequestVote(p, req);
    if (!resp.ok()) continue;
    if (resp->granted) ++votes;
    if (resp->term > max_term) max_term = resp->term;
  }
  lock.lock();
  if (term_ != req.term || voted_for_ != self_) return events;  // moved on meanwhile
  if (max_term > term_) {
    StepDownLocked(max_term, now);
    return events;
  }
  if (votes >= majority) {
    is_leader_ = true;
    leader_ = self_;
    lease_expiry_ = now + options_.lease;
    next_heartbeat_ = absl::InfinitePast();
    events.became_leader = true;
  }
  return events;
}

VoteResponse Election::OnVote(const VoteRequest& req, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  // Leader stickiness: a live leader (or being one) means no vote for anyone else.
  bool leader_alive = is_leader_ || now - last_heard_ < options_.election_timeout;
  if (req.term < term_ || leader_alive) return {term_, false};
  if (req.term > term_) {
    term_ = req.term;
    voted_for_ = -1;
    is_leader_ = false;
    leader_ = -1;
  }
  if (voted_for_ == -1 || voted_for_ == req.candidate) {
    voted_for_ = req.candidate;
    ResetDeadlineLocked(now);
    return {term_, true};
  }
  return {term_, false};
}

HeartbeatResponse Election::OnHeartbeat(const HeartbeatRequest& req, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (req.term < term_) return {term_, false};
  if (req.term > term_) voted_for_ = -1;
  term_ = req.term;
  is_leader_ = req.leader == self_;
  leader_ = req.leader;
  last_heard_ = now;
  ResetDeadlineLocked(now);
  return {term_, true};
}

bool Election::is_leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return is_leader_;
}
int Election::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leader_;
}
uint64_t Election::term() const {
  std::lock_guard<std::mutex> lock(mu_);
  return term_;
}

}  // namespace ops::sim
