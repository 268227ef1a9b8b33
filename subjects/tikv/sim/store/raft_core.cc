// Mini raft for region leadership; see raft_core.h.
#include "subjects/tikv/sim/store/raft_core.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {

using nlohmann::json;

constexpr const char* kTypeNames[] = {"heartbeat", "heartbeat_resp", "prevote", "prevote_resp",
                                      "vote",      "vote_resp",      "timeout_now"};
constexpr int kTypeCount = static_cast<int>(std::size(kTypeNames));
constexpr int kQuorum = 2;  // majority of the region's 3 peers

const char* RaftMsgName(RaftMsgType t) {
  switch (t) {
    case RaftMsgType::kHeartbeat:
      return "MsgHeartbeat";
    case RaftMsgType::kHeartbeatResp:
      return "MsgHeartbeatResponse";
    case RaftMsgType::kPreVote:
      return "MsgRequestPreVote";
    case RaftMsgType::kPreVoteResp:
      return "MsgRequestPreVoteResponse";
    case RaftMsgType::kVote:
      return "MsgRequestVote";
    case RaftMsgType::kVoteResp:
      return "MsgRequestVoteResponse";
    case RaftMsgType::kTimeoutNow:
      return "MsgTimeoutNow";
  }
  return "";
}

}  // namespace

std::string RaftBatchToJson(uint64_t from_store, const std::vector<RaftMsg>& msgs) {
  json arr = json::array();
  for (const RaftMsg& m : msgs) {
    arr.push_back({{"type", kTypeNames[static_cast<int>(m.type)]},
                   {"region_id", m.region_id},
                   {"term", m.term},
                   {"reject", m.reject},
                   {"force", m.force}});
  }
  return json{{"from_store", from_store}, {"messages", arr}}.dump();
}

absl::StatusOr<std::vector<RaftMsg>> RaftBatchFromJson(const std::string& text,
                                                       uint64_t* from_store) {
  try {
    json j = json::parse(text);
    *from_store = j.at("from_store").get<uint64_t>();
    std::vector<RaftMsg> out;
    for (const json& m : j.at("messages")) {
      RaftMsg msg;
      std::string type = m.at("type").get<std::string>();
      bool known = false;
      for (int i = 0; i < kTypeCount; ++i) {
        if (type == kTypeNames[i]) {
          msg.type = static_cast<RaftMsgType>(i);
          known = true;
        }
      }
      if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown raft message ", type));
      msg.region_id = m.at("region_id").get<uint64_t>();
      msg.term = m.at("term").get<uint64_t>();
      msg.reject = m.value("reject", false);
      msg.force = m.value("force", false);
      msg.from_store = *from_store;
      out.push_back(msg);
    }
    return out;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad raft batch: ", e.what()));
  }
}

RaftTimings RaftTimings::Scaled(const TimeScale& s) {
  RaftTimings t;
  t.heartbeat = s(t.heartbeat);
  t.election_min = s(t.election_min);
  t.lease = s(t.lease);
  t.peer_down = s(t.peer_down);
  t.leader_missing = s(t.leader_missing);
  return t;
}

RaftCore::RaftCore(uint64_t store_id, std::vector<RegionMeta> regions, RaftTimings timings,
                   double time_scale, uint64_t seed, absl::Time now)
    : store_id_(store_id),
      regions_(std::move(regions)),
      timings_(timings),
      time_scale_(time_scale),
      rng_(seed ^ (store_id * 0x9E3779B97F4A7C15ull)) {
  vol_.resize(regions_.size());
  for (size_t i = 0; i < regions_.size(); ++i) {
    index_[regions_[i].id] = i;
    RegionMeta& r = regions_[i];
    Volatile& v = vol_[i];
    v.leader_lost_at = now;
    if (r.leader_store_id == store_id_) {
      v.role = RaftRole::kLeader;
      v.became_leader_at = now;
      for (const PeerMeta& p : r.peers) v.last_ack[p.store_id] = now;
    } else if (r.leader_store_id != 0) {
      v.last_heard_leader = now;
    }
    ResetElectionTimer(v, now);
  }
}

void RaftCore::ResetElectionTimer(Volatile& v, absl::Time now) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  v.election_deadline = now + timings_.election_min * (1.0 + u(rng_));
}

uint64_t RaftCore::PeerIdOn(const RegionMeta& r, uint64_t store) const {
  const PeerMeta* p = r.PeerOnStore(store);
  return p == nullptr ? 0 : p->id;
}

uint64_t RaftCore::PeerId(const RegionMeta& r) const { return PeerIdOn(r, store_id_); }

void RaftCore::Log(const RegionMeta& r, std::string source, std::string message,
                   LogFields fields) {
  fields.emplace_back("raft_id", absl::StrCat(PeerId(r)));
  fields.emplace_back("region_id", absl::StrCat(r.id));
  logs_.push_back({"INFO", std::move(source), std::move(message), std::move(fields)});
}

void RaftCore::Broadcast(const RegionMeta& r, RaftMsgType type, uint64_t term,
                         std::map<uint64_t, std::vector<RaftMsg>>* out, bool force) const {
  for (const PeerMeta& p : r.peers) {
    if (p.store_id == store_id_) continue;
    (*out)[p.store_id].push_back({type, r.id, term, store_id_, false, force});
  }
}

bool RaftCore::TransferLeader(uint64_t region_id, uint64_t to_store, absl::Time now) {
  (void)now;
  auto it = index_.find(region_id);
  if (it == index_.end() || vol_[it->second].role != RaftRole::kLeader) return false;
  RegionMeta& r = regions_[it->second];
  const uint64_t target = PeerIdOn(r, to_store);
  if (target == 0 || to_store == store_id_) return false;
  // TiKV peer.rs: info!("transfer leader"; "region_id", "peer_id", "peer" => ?peer).
  logs_.push_back({"INFO", "peer.rs:4055", "transfer leader",
                   {{"region_id", absl::StrCat(r.id)},
                    {"peer_id", absl::StrCat(PeerId(r))},
                    {"peer", absl::StrCat("id: ", target, " store_id: ", to_store)}}});
  outbox_[to_store].push_back({RaftMsgType::kTimeoutNow, r.id, r.term, store_id_, false, false});
  return true;
}

void RaftCore::CampaignForTransfer(RegionMeta& r, Volatile& v, absl::Time now) {
  // raft-rs hup(transfer_leader = true): no pre-vote, straight to candidate.
  Log(r, "raft.rs:1177", "starting a new election", {{"term", absl::StrCat(r.term)}});
  r.term += 1;
  r.vote = store_id_;
  r.leader_store_id = 0;
  dirty_ = true;
  v.role = RaftRole::kCandidate;
  v.votes = 1;
  v.leader_lost_at = now;
  Log(r, "raft.rs:807", absl::StrCat("became candidate at term ", r.term),
      {{"term", absl::StrCat(r.term)}});
  Broadcast(r, RaftMsgType::kVote, r.term, &outbox_, /*force=*/true);
  ResetElectionTimer(v, now);
}

bool RaftCore::InLease(const Volatile& v, absl::Time now) const {
  if (v.role == RaftRole::kLeader) {
    int active = 1;
    for (const auto& [store, t] : v.last_ack) {
      if (store != store_id_ && now - t <= timings_.lease) ++active;
    }
    return active >= kQuorum;
  }
  return now - v.last_heard_leader < timings_.election_min;
}

void RaftCore::BecomeFollower(RegionMeta& r, Volatile& v, uint64_t term, uint64_t leader,
                              absl::Time now) {
  if (term > r.term) {
    r.term = term;
    r.vote = 0;
    dirty_ = true;
  }
  if (r.leader_store_id != leader) {
    dirty_ = true;
    if (leader == 0) v.leader_lost_at = now;
  }
  r.leader_store_id = leader;
  v.role = RaftRole::kFollower;
  v.votes = 0;
  v.last_ack.clear();
  if (leader != 0) {
    v.last_heard_leader = now;
    v.missing_logged = false;
  }
  ResetElectionTimer(v, now);
  Log(r, "raft.rs:1127", absl::StrCat("became follower at term ", r.term),
      {{"term", absl::StrCat(r.term)}});
}

void RaftCore::BecomeLeader(RegionMeta& r, Volatile& v, absl::Time now,
                            std::map<uint64_t, std::vector<RaftMsg>>* out) {
  v.role = RaftRole::kLeader;
  r.leader_store_id = store_id_;
  v.became_leader_at = now;
  v.last_ack.clear();
  for (const PeerMeta& p : r.peers) v.last_ack[p.store_id] = now;
  dirty_ = true;
  Log(r, "raft.rs:874", absl::StrCat("became leader at term ", r.term),
      {{"term", absl::StrCat(r.term)}});
  new_leader_regions_.push_back(r.id);
  Broadcast(r, RaftMsgType::kHeartbeat, r.term, out);
  v.last_heartbeat_sent = now;
}

std::map<uint64_t, std::vector<RaftMsg>> RaftCore::Tick(absl::Time now) {
  std::map<uint64_t, std::vector<RaftMsg>> out = std::exchange(outbox_, {});
  for (size_t i = 0; i < regions_.size(); ++i) {
    RegionMeta& r = regions_[i];
    Volatile& v = vol_[i];
    if (v.role == RaftRole::kLeader) {
      if (!InLease(v, now) && now - v.became_leader_at >= timings_.lease) {
        // raft-rs check-quorum step-down; it logs "became follower at term N" (the
        // "quorum is not active" warning is not in the v8.5.7 catalog).
        BecomeFollower(r, v, r.term, 0, now);
        continue;
      }
      if (now - v.last_heartbeat_sent >= timings_.heartbeat) {
        Broadcast(r, RaftMsgType::kHeartbeat, r.term, &out);
        v.last_heartbeat_sent = now;
      }
      continue;
    }
    if (r.leader_store_id == 0 && !v.missing_logged &&
        now - v.leader_lost_at > timings_.leader_missing) {
      v.missing_logged = true;
      logs_.push_back({"WARN", "peer.rs:6952",
                       "leader missing longer than abnormal_leader_missing_duration",
                       {{"region_id", absl::StrCat(r.id)},
                        {"peer_id", absl::StrCat(PeerId(r))},
                        {"expect", "10m"}}});
    }
    if (now >= v.election_deadline) {
      Log(r, "raft.rs:1177", "starting a new election", {{"term", absl::StrCat(r.term)}});
      v.role = RaftRole::kPreCandidate;
      v.votes = 1;
      Log(r, "raft.rs:833", absl::StrCat("became pre-candidate at term ", r.term),
          {{"term", absl::StrCat(r.term)}});
      Broadcast(r, RaftMsgType::kPreVote, r.term + 1, &out);
      ResetElectionTimer(v, now);
    }
  }
  return out;
}

std::vector<RaftMsg> RaftCore::Receive(uint64_t from_store, const std::vector<RaftMsg>& msgs,
                                       absl::Time now) {
  std::vector<RaftMsg> replies;
  for (const RaftMsg& m : msgs) {
    auto it = index_.find(m.region_id);
    if (it == index_.end()) continue;
    RegionMeta& r = regions_[it->second];
    Volatile& v = vol_[it->second];
    if (PeerIdOn(r, from_store) == 0) continue;
    auto reply = [&](RaftMsgType type, uint64_t term, bool reject) {
      replies.push_back({type, r.id, term, store_id_, reject});
    };
    auto higher_term_log = [&]() {
      Log(r, "raft.rs:1362",
          absl::StrCat("received a message with higher term from ", PeerIdOn(r, from_store)),
          {{"msg type", RaftMsgName(m.type)},
           {"message_term", absl::StrCat(m.term)},
           {"term", absl::StrCat(r.term)},
           {"from", absl::StrCat(PeerIdOn(r, from_store))}});
    };
    switch (m.type) {
      case RaftMsgType::kHeartbeat:
        if (m.term < r.term) {
          reply(RaftMsgType::kHeartbeatResp, r.term, true);
          break;
        }
        if (m.term > r.term) higher_term_log();
        if (m.term > r.term || v.role != RaftRole::kFollower || r.leader_store_id != from_store) {
          BecomeFollower(r, v, m.term, from_store, now);
        } else {
          v.last_heard_leader = now;
          ResetElectionTimer(v, now);
        }
        reply(RaftMsgType::kHeartbeatResp, r.term, false);
        break;
      case RaftMsgType::kPreVote: {
        bool grant = m.term > r.term && !InLease(v, now);
        reply(RaftMsgType::kPreVoteResp, grant ? m.term : r.term, !grant);
        break;
      }
      case RaftMsgType::kTimeoutNow:
        if (m.term == r.term && v.role != RaftRole::kLeader && r.leader_store_id == from_store) {
          CampaignForTransfer(r, v, now);
        }
        break;
      case RaftMsgType::kVote: {
        if (m.term > r.term) {
          if (InLease(v, now) && !m.force) {
            reply(RaftMsgType::kVoteResp, r.term, true);
            break;
          }
          higher_term_log();
          BecomeFollower(r, v, m.term, 0, now);
        }
        bool grant = m.term == r.term && v.role != RaftRole::kLeader &&
                     (r.vote == 0 || r.vote == from_store);
        if (grant) {
          r.vote = from_store;
          dirty_ = true;
          ResetElectionTimer(v, now);
        }
        reply(RaftMsgType::kVoteResp, r.term, !grant);
        break;
      }
      default:
        break;  // replies arrive through ReceiveReplies
    }
  }
  return replies;
}

std::map<uint64_t, std::vector<RaftMsg>> RaftCore::ReceiveReplies(
    uint64_t from_store, const std::vector<RaftMsg>& msgs, absl::Time now) {
  std::map<uint64_t, std::vector<RaftMsg>> out;
  for (const RaftMsg& m : msgs) {
    auto it = index_.find(m.region_id);
    if (it == index_.end()) continue;
    RegionMeta& r = regions_[it->second];
    Volatile& v = vol_[it->second];
    switch (m.type) {
      case RaftMsgType::kHeartbeatResp:
        if (m.term > r.term) {
          BecomeFollower(r, v, m.term, 0, now);
        } else if (v.role == RaftRole::kLeader && m.term == r.term && !m.reject) {
          v.last_ack[from_store] = now;
        }
        break;
      case RaftMsgType::kPreVoteResp:
        if (v.role != RaftRole::kPreCandidate) break;
        if (m.reject) {
          if (m.term > r.term) BecomeFollower(r, v, m.term, 0, now);
          break;
        }
        if (m.term != r.term + 1) break;
        if (++v.votes >= kQuorum) {
          r.term += 1;
          r.vote = store_id_;
          r.leader_store_id = 0;
          dirty_ = true;
          v.role = RaftRole::kCandidate;
          v.votes = 1;
          Log(r, "raft.rs:807", absl::StrCat("became candidate at term ", r.term),
              {{"term", absl::StrCat(r.term)}});
          Broadcast(r, RaftMsgType::kVote, r.term, &out);
        }
        break;
      case RaftMsgType::kVoteResp:
        if (m.term > r.term) {
          BecomeFollower(r, v, m.term, 0, now);
          break;
        }
        if (v.role != RaftRole::kCandidate || m.term != r.term || m.reject) break;
        if (++v.votes >= kQuorum) BecomeLeader(r, v, now, &out);
        break;
      default:
        break;
    }
  }
  return out;
}

std::vector<LogEvent> RaftCore::TakeLogs() { return std::exchange(logs_, {}); }
std::vector<uint64_t> RaftCore::TakeNewLeaderRegions() {
  return std::exchange(new_leader_regions_, {});
}
bool RaftCore::TakeDirty() { return std::exchange(dirty_, false); }

const RegionMeta* RaftCore::FindRegion(uint64_t region_id) const {
  auto it = index_.find(region_id);
  return it == index_.end() ? nullptr : &regions_[it->second];
}

bool RaftCore::IsLeader(uint64_t region_id) const {
  auto it = index_.find(region_id);
  return it != index_.end() && vol_[it->second].role == RaftRole::kLeader;
}

RaftRole RaftCore::role(uint64_t region_id) const {
  auto it = index_.find(region_id);
  return it == index_.end() ? RaftRole::kFollower : vol_[it->second].role;
}

int RaftCore::LeaderCount() const {
  int n = 0;
  for (const Volatile& v : vol_) n += v.role == RaftRole::kLeader ? 1 : 0;
  return n;
}

int RaftCore::LeaderMissingCount(absl::Time now) const {
  int n = 0;
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i].leader_store_id == 0 && now - vol_[i].leader_lost_at > timings_.leader_missing)
      ++n;
  }
  return n;
}

std::vector<DownPeer> RaftCore::DownPeers(uint64_t region_id, absl::Time now) const {
  std::vector<DownPeer> out;
  auto it = index_.find(region_id);
  if (it == index_.end() || vol_[it->second].role != RaftRole::kLeader) return out;
  const RegionMeta& r = regions_[it->second];
  const Volatile& v = vol_[it->second];
  for (const PeerMeta& p : r.peers) {
    if (p.store_id == store_id_) continue;
    auto a = v.last_ack.find(p.store_id);
    absl::Time last = a == v.last_ack.end() ? v.became_leader_at : a->second;
    if (now - last > timings_.peer_down) {
      out.push_back({p, static_cast<int64_t>(absl::ToDoubleSeconds(now - last) / time_scale_)});
    }
  }
  return out;
}

}  // namespace ops::sim
