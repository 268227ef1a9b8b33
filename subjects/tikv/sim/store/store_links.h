// The store's outgoing traffic (docs/tikv-sim.md "Store -> PD" and "Store <-> store"): PdLink
// posts heartbeats to the PD leader's peer URL (finding and following the leader through the
// public /pd/api/v1/leader) and resolves store addresses; SendRaftBatches delivers one tick's
// raft batches to the peer stores and feeds their replies back into the StoreService.
//
// Both wait the store's injected network delay (network_delay fault, already scaled by
// --time-scale) before each outgoing request, so the fault slows the store's raft and PD
// traffic and not only its KV answers. Log lines use real TiKV v8.5.7 texts only.
// PdLink is thread-compatible (one per thread); SendRaftBatches is a free function.
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_STORE_LINKS_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_STORE_LINKS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/http/client.h"
#include "subjects/tikv/sim/common/time_scale.h"
#include "subjects/tikv/sim/store/raft_core.h"
#include "subjects/tikv/sim/store/store_service.h"

namespace ops::sim {

class PdLink {
 public:
  using LogSink = std::function<void(const LogEvent&)>;
  struct Options {
    std::vector<std::string> endpoints;  // PD client URLs
    uint64_t cluster_id = 0;
    // Log "connect to PD cluster" (TiKV common.rs) the first time the PD leader is reached.
    bool log_connect = false;
    // Wall-clock delay to wait before each request (the injected network delay); may be null.
    std::function<absl::Duration()> outgoing_delay;
    absl::Duration timeout = absl::Seconds(2);
  };
  // `client` and `sink` must outlive the link.
  PdLink(Options options, const http::Client* client, LogSink sink);

  // POSTs `body` to `path` on the PD leader's peer URL, following not_leader redirects (at most
  // 3 attempts). Returns the 200 answer's body; UNAVAILABLE when no leader answered.
  absl::StatusOr<std::string> Post(const std::string& path, const std::string& body);
  // A store's address from PD's public GET /pd/api/v1/store/{id}; "" when no member answers.
  std::string ResolveStore(uint64_t id);

 private:
  http::RequestOptions Opts() const;
  bool FindLeader();
  void Delay() const;

  Options options_;
  const http::Client* client_;
  LogSink sink_;
  std::string leader_peer_;
  bool connected_ = false;
};

// Peer store addresses: bootstrap hints first, PD (GET /store/{id}) otherwise. An address that
// stops answering is looked up again (at most once per `recheck`), because a hint persisted in
// store_state.json goes stale when the cluster is started again on new ports. A lookup that
// fails logs "resolve store address failed" (TiKV raft_client.rs).
struct PeerAddresses {
  std::map<uint64_t, std::string> addr;
  std::map<uint64_t, absl::Time> checked;
  absl::Duration recheck;

  void OnFailure(uint64_t store, PdLink& pd, const PdLink::LogSink& sink);
};

// Delivers `batches` (peer store -> messages) with one POST /sim/v1/raft each, feeds replies to
// `svc` and sends the follow-ups they produce (at most 4 rounds). `timeout` bounds each POST.
void SendRaftBatches(StoreService& svc, PdLink& pd, const http::Client& client,
                     PeerAddresses& addrs, const PdLink::LogSink& sink,
                     std::map<uint64_t, std::vector<RaftMsg>> batches, absl::Duration timeout);

// The store's PD thread body, until `stop`: a store heartbeat every 10 s (scaled), every led
// region's heartbeat every 60 s (scaled) and a new leader's at once. Between those, while the
// store leads a region, it posts an empty region heartbeat every `poll`: the simulator's stand-in
// for TiKV's always-open heartbeat stream, on which PD pushes schedule commands
// (transfer-leader) that ApplyPdCommands executes. Nothing is sent while partitioned.
void RunPdLoop(StoreService& svc, PdLink& pd, const TimeScale& scale, absl::Duration poll,
               const std::atomic<bool>& stop);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_STORE_LINKS_H_
