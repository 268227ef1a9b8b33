// The store's outgoing PD and raft traffic; see store_links.h.
#include "subjects/tikv/sim/store/store_links.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {

using nlohmann::json;

http::RequestOptions OneAttempt(absl::Duration timeout, absl::Duration connect_timeout) {
  http::RequestOptions o;
  o.timeout = timeout;
  o.connect_timeout = connect_timeout;
  http::RetryPolicy p;
  p.max_attempts = 1;
  o.retry = p;
  return o;
}

}  // namespace

PdLink::PdLink(Options options, const http::Client* client, LogSink sink)
    : options_(std::move(options)), client_(client), sink_(std::move(sink)) {}

http::RequestOptions PdLink::Opts() const {
  return OneAttempt(options_.timeout, absl::Milliseconds(500));
}

void PdLink::Delay() const {
  if (!options_.outgoing_delay) return;
  absl::Duration d = options_.outgoing_delay();
  if (d > absl::ZeroDuration()) absl::SleepFor(d);
}

absl::StatusOr<std::string> PdLink::Post(const std::string& path, const std::string& body) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (leader_peer_.empty() && !FindLeader()) break;
    Delay();
    auto r = client_->Do({"POST", leader_peer_ + path, body, "application/json", Opts()});
    if (!r.ok()) {
      leader_peer_.clear();
      continue;
    }
    if (r->status == 200) return std::move(r->body);
    std::string next;
    json j = json::parse(r->body, nullptr, false);
    if (j.is_object() && j.value("error", "") == "not_leader") {
      next = j.value("leader_peer_url", "");
    }
    leader_peer_ = next;
  }
  return absl::UnavailableError(absl::StrCat("no PD leader accepted ", path));
}

std::string PdLink::ResolveStore(uint64_t id) {
  for (const std::string& ep : options_.endpoints) {
    Delay();
    auto r = client_->Do({"GET", absl::StrCat(ep, "/pd/api/v1/store/", id), "", "", Opts()});
    if (!r.ok() || r->status != 200) continue;
    json j = json::parse(r->body, nullptr, false);
    if (j.is_object() && j.contains("store") && j["store"].is_object() &&
        j["store"].contains("address") && j["store"]["address"].is_string()) {
      return j["store"]["address"].get<std::string>();
    }
  }
  return "";
}

bool PdLink::FindLeader() {
  for (const std::string& ep : options_.endpoints) {
    Delay();
    auto r = client_->Do({"GET", ep + "/pd/api/v1/leader", "", "", Opts()});
    if (!r.ok() || r->status != 200) continue;
    json j = json::parse(r->body, nullptr, false);
    if (!j.is_object() || !j.contains("peer_urls") || !j["peer_urls"].is_array() ||
        j["peer_urls"].empty() || !j["peer_urls"][0].is_string()) {
      continue;
    }
    leader_peer_ = j["peer_urls"][0].get<std::string>();
    if (options_.log_connect && !connected_ && sink_) {
      sink_({"INFO",
             "common.rs:327",
             "connect to PD cluster",
             {{"cluster_id", absl::StrCat(options_.cluster_id)}}});
    }
    connected_ = true;
    return true;
  }
  return false;
}

void PeerAddresses::OnFailure(uint64_t store, PdLink& pd, const PdLink::LogSink& sink) {
  const absl::Time now = absl::Now();
  auto it = checked.find(store);
  if (it != checked.end() && now - it->second < recheck) return;
  checked[store] = now;
  std::string fresh = pd.ResolveStore(store);
  if (!fresh.empty()) {
    addr[store] = fresh;
  } else if (sink) {
    sink({"ERROR",
          "raft_client.rs:851",
          "resolve store address failed",
          {{"store_id", absl::StrCat(store)},
           {"err", absl::StrCat("Other(\"no PD member answered GetStore ", store, "\")")}}});
  }
}

void SendRaftBatches(StoreService& svc, PdLink& pd, const http::Client& client,
                     PeerAddresses& addrs, const PdLink::LogSink& sink,
                     std::map<uint64_t, std::vector<RaftMsg>> batches, absl::Duration timeout) {
  for (int round = 0; round < 4 && !batches.empty(); ++round) {
    std::map<uint64_t, std::vector<RaftMsg>> next;
    for (auto& [store, msgs] : batches) {
      if (msgs.empty()) continue;
      std::string& addr = addrs.addr[store];
      if (addr.empty()) {
        addrs.OnFailure(store, pd, sink);
        addr = addrs.addr[store];
      }
      if (addr.empty()) {
        svc.OnUnreachable(store, "", true, absl::Now());
        continue;
      }
      absl::Duration delay = svc.NetworkDelay(absl::Now());
      if (delay > absl::ZeroDuration()) absl::SleepFor(delay);
      auto r = client.Do({"POST", absl::StrCat("http://", addr, "/sim/v1/raft"),
                          RaftBatchToJson(svc.store_id(), msgs), "application/json",
                          OneAttempt(timeout, timeout)});
      if (!r.ok() || r->status != 200) {
        bool connect = !r.ok() && absl::IsDeadlineExceeded(r.status());
        svc.OnUnreachable(store, addr, connect, absl::Now());
        if (!r.ok()) addrs.OnFailure(store, pd, sink);
        continue;
      }
      uint64_t from = 0;
      auto replies = RaftBatchFromJson(r->body, &from);
      if (!replies.ok()) continue;
      svc.OnReachable(store);
      for (auto& [s, m] : svc.OnReplies(store, *replies, absl::Now())) {
        auto& v = next[s];
        v.insert(v.end(), m.begin(), m.end());
      }
    }
    batches = std::move(next);
  }
}

void RunPdLoop(StoreService& svc, PdLink& pd, const TimeScale& scale, absl::Duration poll,
               const std::atomic<bool>& stop) {
  absl::Time next_store = absl::InfinitePast(), next_region = absl::InfinitePast();
  while (!stop) {
    const absl::Time now = absl::Now();
    if (!svc.Partitioned(now)) {
      // A heartbeat that did not reach the PD leader (PD starting, electing, unreachable) is
      // retried on the next pass instead of waiting a whole interval: otherwise a store that
      // starts before PD has a leader would hide its regions for 60 s.
      if (now >= next_store) {
        const absl::Duration injected = svc.NetworkDelay(now);
        auto r = pd.Post("/sim/v1/store-heartbeat", svc.StoreHeartbeatJson(now));
        if (r.ok()) {
          svc.ObservePdRequest("store_heartbeat", absl::Now() - now, injected);
          next_store = now + scale(absl::Seconds(10));
        }
      }
      const bool all = now >= next_region;
      bool empty = true;
      std::string body = svc.RegionHeartbeatJson(!all, now, &empty);
      if (!empty || svc.LeadsAnyRegion()) {
        auto r = pd.Post("/sim/v1/region-heartbeat", body);
        if (r.ok()) {
          svc.ApplyPdCommands(*r, absl::Now());
          if (all) next_region = now + scale(absl::Seconds(60));
        }
      } else if (all) {
        next_region = now + scale(absl::Seconds(60));
      }
    }
    absl::SleepFor(poll);
  }
}

}  // namespace ops::sim
