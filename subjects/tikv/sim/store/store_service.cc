// Simulated TiKV store logic; see store_service.h.
#include "subjects/tikv/sim/store/store_service.h"

#include <dirent.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {

using nlohmann::json;

std::string Ok(json j) { return j.dump(); }

}  // namespace

StoreService::StoreService(StoreConfig config, StoreState state, LogSink sink, absl::Time now)
    : config_(std::move(config)),
      state_(std::move(state)),
      sink_(std::move(sink)),
      raft_(state_.store_id, state_.regions, RaftTimings::Scaled(config_.scale),
            config_.scale.factor(), config_.seed, now),
      rng_(config_.seed + state_.store_id),
      start_(now),
      last_tick_(now) {
  for (const char* t : {"raw_get", "raw_put"}) grpc_.emplace(t, Histo(0.00005, 2, 22));
  FlushRaftLogs();
}

void StoreService::Log(std::string level, std::string source, std::string message,
                       LogFields f) {
  if (sink_) sink_({std::move(level), std::move(source), std::move(message), std::move(f)});
}

void StoreService::FlushRaftLogs() {
  for (const LogEvent& e : raft_.TakeLogs()) {
    if (sink_) sink_(e);
  }
}

HttpResult StoreService::Error(int status, const std::string& kind, const std::string& message,
                               uint64_t region_id, uint64_t leader_store_id,
                               absl::string_view type) {
  if (!type.empty()) grpc_fail_[std::string(type)] += 1;
  return {status,
          json{{"error", kind},
               {"message", message},
               {"region_id", region_id},
               {"leader_store_id", leader_store_id}}
              .dump(),
          absl::ZeroDuration()};
}

HttpResult StoreService::HandleKv(absl::string_view op, const std::string& body,
                                  absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string type = op == "get" ? "raw_get" : "raw_put";
  if (op != "get" && op != "put") return Error(404, "not_found", "unknown KV op", 0, 0, "");
  uint64_t region_id = 0;
  std::string raw_key, value;
  try {
    json j = json::parse(body);
    region_id = j.at("region_id").get<uint64_t>();
    raw_key = j.at("key").get<std::string>();
    if (op == "put") value = j.at("value").get<std::string>();
  } catch (const json::exception& e) {
    return Error(400, "bad_request", absl::StrCat("bad ", op, " request: ", e.what()), 0, 0,
                 type);
  }
  absl::StatusOr<std::string> key = NormalizeHexKey(raw_key);
  if (!key.ok()) return Error(400, "bad_request", std::string(key.status().message()), 0, 0, type);
  const RegionMeta* r = raft_.FindRegion(region_id);
  if (r == nullptr) {
    return Error(404, "region_not_found", absl::StrCat("region ", region_id, " is missing"),
                 region_id, 0, type);
  }
  if (!raft_.IsLeader(region_id)) {
    uint64_t leader = r->leader_store_id;
    const PeerMeta* lp = leader == 0 ? nullptr : r->PeerOnStore(leader);
    std::string hint = lp == nullptr ? "None"
                                     : absl::StrCat("Some(id: ", lp->id, " store_id: ",
                                                    lp->store_id, ")");
    return Error(409, "not_leader",
                 absl::StrCat("peer is not leader for region ", region_id, ", leader may ", hint),
                 region_id, lp == nullptr ? 0 : leader, type);
  }
  if (!r->ContainsKey(*key)) {
    return Error(409, "key_not_in_region",
                 absl::StrCat("key ", *key, " is not in region ", region_id), region_id,
                 state_.store_id, type);
  }
  // The client waits the wall-clock (scaled) delay; the gRPC histogram records cluster time,
  // like every duration the simulated cluster reports (down_seconds, slow score).
  absl::Duration delay = NetworkDelayLocked(now);
  double observed = faults_.Param("network_delay", "delay_ms", 0, now) / 1000.0;
  HttpResult res;
  if (op == "get") {
    auto it = kv_.find(*key);
    res.body = it == kv_.end() ? Ok({{"found", false}})
                               : Ok({{"found", true}, {"value", it->second}});
  } else {
    UpdateDisk(now);  // a fault's TTL may have just passed
    if (disk_state_ != "Normal") {
      // TiKV rejects ordinary writes (DiskFullOpt::NotAllowedOnFull) from AlmostFull on
      // (raftstore check_proposal_with_disk_full_opt; raftstore errors.rs DiskFull).
      return Error(507, "disk_full",
                   absl::StrCat("store ids [", state_.store_id,
                                "], errmsg propose failed: tikv disk full, cmd "
                                "diskFullOpt=NotAllowedOnFull, leader diskUsage=",
                                disk_state_),
                   region_id, state_.store_id, type);
    }
    if (faults_.Active("write_stall", now) != nullptr) {
      std::uniform_real_distribution<double> u(0, 1);
      if (u(rng_) < 0.5) {
        too_busy_["scheduler"] += 1;
        return Error(503, "server_is_busy", "scheduler is busy", region_id, state_.store_id,
                     type);
      }
    }
    absl::Duration disk = absl::Microseconds(50) +
                          absl::Milliseconds(faults_.Param("slow_disk", "latency_ms", 0, now));
    append_.Observe(absl::ToDoubleSeconds(disk));
    apply_.Observe(absl::ToDoubleSeconds(disk) / 2);
    delay += disk;
    observed += absl::ToDoubleSeconds(disk);
    auto it = kv_.find(*key);
    if (it != kv_.end()) kv_bytes_ -= it->first.size() / 2 + it->second.size() / 2;
    kv_[*key] = value;
    kv_bytes_ += key->size() / 2 + value.size() / 2;
    res.body = Ok({{"ok", true}});
  }
  res.delay = delay;
  grpc_.at(type).Observe(observed + 0.0002);
  return res;
}

HttpResult StoreService::HandleRaft(const std::string& body, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (faults_.Active("partition", now) != nullptr) {
    return {503, Ok({{"error", "partitioned"}}), absl::ZeroDuration()};
  }
  uint64_t from = 0;
  absl::StatusOr<std::vector<RaftMsg>> msgs = RaftBatchFromJson(body, &from);
  if (!msgs.ok()) {
    return {400, Ok({{"error", "bad_request"}, {"message", msgs.status().message()}}),
            absl::ZeroDuration()};
  }
  std::vector<RaftMsg> replies = raft_.Receive(from, *msgs, now);
  FlushRaftLogs();
  return {200, RaftBatchToJson(state_.store_id, replies), NetworkDelayLocked(now)};
}

HttpResult StoreService::HandleFaultPost(const std::string& body, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<Fault> f = faults_.Add(body, now);
  if (!f.ok()) {
    return {400, Ok({{"error", "bad_request"}, {"message", f.status().message()}}),
            absl::ZeroDuration()};
  }
  UpdateDisk(now);
  return {200, Ok({{"kind", f->kind}, {"expires_at_unix_ms", absl::ToUnixMillis(f->expires_at)}}),
          absl::ZeroDuration()};
}

HttpResult StoreService::HandleFaultDelete(absl::string_view kind, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status s = faults_.Remove(kind, now);
  if (!s.ok()) {
    return {404, Ok({{"error", "not_found"}, {"message", s.message()}}), absl::ZeroDuration()};
  }
  UpdateDisk(now);
  return {200, Ok({{"ok", true}}), absl::ZeroDuration()};
}

HttpResult StoreService::HandleFaultList(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return {200, faults_.ListJson(now), absl::ZeroDuration()};
}

double StoreService::AvailableBytes(absl::Time now) {
  double ratio = faults_.Param("disk_full", "available_ratio", -1, now);
  return ratio >= 0 ? ratio * config_.capacity : config_.capacity * 0.7;
}

void StoreService::UpdateDisk(absl::Time now) {
  // TiKV server.rs: AlmostFull when available <= storage.reserve-space (5 GiB), AlreadyFull at
  // or below half of it (reference/tikv.md section 4.3).
  constexpr double kReserve = 5.0 * (1ull << 30);
  double available = AvailableBytes(now);
  std::string next = available <= kReserve / 2 ? "AlreadyFull"
                     : available <= kReserve   ? "AlmostFull"
                                               : "Normal";
  if (next == disk_state_) return;
  Log("WARN", "server.rs:1539",
      absl::StrCat("disk usage ", disk_state_, "->", next,
                   " (raft engine usage: Normal, kv engine usage: ", next,
                   "), seperated raft mount=false, kv available=",
                   static_cast<uint64_t>(available), ", snap=0, kv=", kv_bytes_,
                   ", raft=0, capacity=", config_.capacity));
  disk_state_ = next;
}

std::map<uint64_t, std::vector<RaftMsg>> StoreService::Tick(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  double dt = absl::ToDoubleSeconds(now - last_tick_) / config_.scale.factor();
  last_tick_ = now;
  // Slow score: climbs to 100 within ~30 s (scaled) of a slow disk, decays back to 1.
  double step = 99.0 / 30.0 * dt;
  slow_score_ = faults_.Active("slow_disk", now) != nullptr ? std::min(100.0, slow_score_ + step)
                                                            : std::max(1.0, slow_score_ - step);
  UpdateDisk(now);
  auto out = raft_.Tick(now);
  FlushRaftLogs();
  if (faults_.Active("partition", now) != nullptr) return {};
  return out;
}

std::map<uint64_t, std::vector<RaftMsg>> StoreService::OnReplies(uint64_t from,
                                                                 const std::vector<RaftMsg>& r,
                                                                 absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto out = raft_.ReceiveReplies(from, r, now);
  FlushRaftLogs();
  if (faults_.Active("partition", now) != nullptr) return {};
  return out;
}

void StoreService::OnUnreachable(uint64_t store, const std::string& addr, bool connect_phase,
                                 absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  unreachable_[store] += 1;
  auto it = unreachable_logged_.find(store);
  if (it != unreachable_logged_.end() && now - it->second < config_.scale(absl::Seconds(10))) {
    return;
  }
  unreachable_logged_[store] = now;
  std::string sid = absl::StrCat(store);
  if (connect_phase) {
    Log("WARN", "raft_client.rs:876", "wait connect timeout", {{"store_id", sid}, {"addr", addr}});
  } else {
    Log("WARN", "raft_client.rs:595", "connection aborted",
        {{"store_id", sid},
         {"sink_error", "Some(RpcFinished(Some(RpcStatus { code: 14-UNAVAILABLE, message: "
                        "\"Connection reset by peer\", details: [] })))"},
         {"receiver_err", "None"},
         {"addr", addr}});
  }
  Log("INFO", "store.rs:3315", "broadcasting unreachable",
      {{"store_id", absl::StrCat(state_.store_id)}, {"unreachable_store_id", sid}});
}

void StoreService::OnReachable(uint64_t store) {
  std::lock_guard<std::mutex> lock(mu_);
  unreachable_logged_.erase(store);
}

bool StoreService::Partitioned(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_.Active("partition", now) != nullptr;
}

absl::Duration StoreService::NetworkDelay(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return NetworkDelayLocked(now);
}

absl::Duration StoreService::NetworkDelayLocked(absl::Time now) {
  return config_.scale(absl::Milliseconds(faults_.Param("network_delay", "delay_ms", 0, now)));
}

bool StoreService::LeadsAnyRegion() {
  std::lock_guard<std::mutex> lock(mu_);
  return raft_.LeaderCount() > 0;
}

void StoreService::ObservePdRequest(const std::string& type, absl::Duration wall,
                                    absl::Duration injected) {
  std::lock_guard<std::mutex> lock(mu_);
  // The injected part in cluster time (it was waited scaled); the rest as measured.
  double seconds = absl::ToDoubleSeconds(wall - injected) +
                   absl::ToDoubleSeconds(injected) / config_.scale.factor();
  pd_requests_.try_emplace(type, Histo::DefaultBuckets()).first->second.Observe(seconds);
}

void StoreService::ApplyPdCommands(const std::string& answer, absl::Time now) {
  json j = json::parse(answer, nullptr, false);
  if (!j.is_object() || !j.contains("commands") || !j["commands"].is_array()) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const json& c : j["commands"]) {
    if (!c.is_object() || !c.contains("transfer_leader")) continue;
    const json& tl = c["transfer_leader"];
    if (!tl.is_object() || !tl.contains("peer") || !tl["peer"].is_object()) continue;
    raft_.TransferLeader(c.value("region_id", uint64_t{0}),
                         tl["peer"].value("store_id", uint64_t{0}), now);
  }
  FlushRaftLogs();
}

std::string StoreService::StoreHeartbeatJson(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t used = kv_bytes_ + (64ull << 20);
  uint64_t available = static_cast<uint64_t>(AvailableBytes(now));
  json j = {{"store",
             {{"id", state_.store_id},
              {"address", config_.addr},
              {"status_address", config_.status_addr},
              {"peer_address", config_.addr},
              {"version", "8.5.7"},
              {"git_hash", "3f446cfa9eb1d5c653031d261e185911495d0359"},
              {"start_timestamp", absl::ToUnixSeconds(start_)},
              {"deploy_path", config_.deploy_path},
              {"labels", json::array()}}},
            {"stats",
             {{"capacity", config_.capacity},
              {"available", available},
              {"used_size", used},
              {"region_count", raft_.regions().size()},
              {"leader_count", raft_.LeaderCount()},
              {"sending_snap_count", 0},
              {"receiving_snap_count", 0},
              {"is_busy", faults_.Active("write_stall", now) != nullptr},
              {"slow_score", static_cast<int>(std::lround(slow_score_))}}}};
  return j.dump();
}

std::string StoreService::RegionHeartbeatJson(bool only_new, absl::Time now, bool* empty) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> ids;
  if (only_new) {
    ids = raft_.TakeNewLeaderRegions();
  } else {
    raft_.TakeNewLeaderRegions();
    for (const RegionMeta& r : raft_.regions()) {
      if (raft_.IsLeader(r.id)) ids.push_back(r.id);
    }
  }
  json regions = json::array();
  uint64_t keys_per_region = kv_.size() / std::max<size_t>(1, raft_.regions().size());
  for (uint64_t id : ids) {
    const RegionMeta* r = raft_.FindRegion(id);
    if (r == nullptr || !raft_.IsLeader(id)) continue;
    json peers = json::array();
    for (const PeerMeta& p : r->peers) peers.push_back({{"id", p.id}, {"store_id", p.store_id}});
    json down = json::array();
    for (const DownPeer& d : raft_.DownPeers(id, now)) {
      down.push_back({{"peer", {{"id", d.peer.id}, {"store_id", d.peer.store_id}}},
                      {"down_seconds", d.down_seconds}});
    }
    const PeerMeta* self = r->PeerOnStore(state_.store_id);
    regions.push_back({{"id", r->id},
                       {"start_key", r->start_key},
                       {"end_key", r->end_key},
                       {"term", r->term},
                       {"epoch", {{"conf_ver", r->conf_ver}, {"version", r->version}}},
                       {"peers", peers},
                       {"leader", {{"id", self->id}, {"store_id", state_.store_id}}},
                       {"down_peers", down},
                       {"pending_peers", json::array()},
                       {"written_bytes", 0},
                       {"read_bytes", 0},
                       {"written_keys", 0},
                       {"read_keys", 0},
                       {"approximate_size", std::max<uint64_t>(1, kv_bytes_ >> 20)},
                       {"approximate_keys", keys_per_region},
                       {"cpu_usage", 0}});
  }
  *empty = regions.empty();
  return json{{"store_id", state_.store_id}, {"regions", regions}}.dump();
}

bool StoreService::TakeStateIfDirty(StoreState* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!raft_.TakeDirty()) return false;
  state_.regions = raft_.regions();
  *out = state_;
  return true;
}

std::map<uint64_t, std::string> StoreService::store_addresses() {
  std::lock_guard<std::mutex> lock(mu_);
  return state_.store_addresses;
}

std::string StoreService::RenderMetrics(absl::Time now) {
  StoreMetricsSnapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.grpc = grpc_;
    s.grpc_fail = grpc_fail_;
    s.region_count = raft_.regions().size();
    s.leader_count = raft_.LeaderCount();
    s.leader_missing = raft_.LeaderMissingCount(now);
    s.capacity = config_.capacity;
    s.available = AvailableBytes(now);
    s.kv_bytes = kv_bytes_;
    s.slow_score = slow_score_;
    s.network_delay = faults_.Active("network_delay", now) != nullptr;
    s.write_stall = faults_.Active("write_stall", now) != nullptr;
    s.l0_files = faults_.Param("write_stall", "l0_files", 2, now);
    s.too_busy = too_busy_;
    s.pd_requests = pd_requests_;
    s.append = append_;
    s.apply = apply_;
    s.unreachable = unreachable_;
    s.start = start_;
  }
  return RenderStoreMetrics(s);
}

}  // namespace ops::sim
