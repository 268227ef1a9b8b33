// One running tikv-sim-pd member: the client URL server (public /pd/api/v1/... and /metrics),
// the peer URL server (store/region heartbeats from stores, election and replication between
// PD members, docs/tikv-sim.md), the election loop thread, and the unified-format log.
// Followers forward public API calls to the leader (header PD-Redirector), answer from their
// own replica when asked with PD-Allow-follower-handle: true, and refuse store heartbeats with
// 503 not_leader. Thread-safe; Stop() (or the destructor) shuts everything down.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_PD_MEMBER_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_PD_MEMBER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/http/client.h"
#include "libs/http/server.h"
#include "subjects/tikv/sim/common/time_scale.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/pd/api_render.h"
#include "subjects/tikv/sim/pd/cluster_state.h"
#include "subjects/tikv/sim/pd/election.h"
#include "subjects/tikv/sim/pd/scale_cluster.h"
#include "subjects/tikv/sim/pd/scheduler.h"

namespace ops::sim {

class PdMember {
 public:
  struct Options {
    std::string name = "pd1";
    std::string client_url = "http://127.0.0.1:2379";
    std::string peer_url = "http://127.0.0.1:2380";
    // "pd1=http://127.0.0.1:2380,pd2=..." (peer URLs); empty: a one-member cluster.
    std::string initial_cluster;
    std::string data_dir;
    std::string log_file;  // empty: no log file
    TimeScale time_scale;
    uint64_t seed = 1;
    absl::Duration max_store_down_time = absl::Minutes(30);  // real value; scaled here
    uint64_t cluster_id = 0;  // 0: derived from initial_cluster
    // Scale mode: serve a synthetic cluster (scale_cluster.h) as the leader of a one-member
    // cluster, with no election and no peer URL server.
    bool scale_mode = false;
    ScaleOptions scale;
  };

  // Parses the URLs, binds both ports (errors name the port), opens the log.
  static absl::StatusOr<std::unique_ptr<PdMember>> Create(Options options);
  ~PdMember();

  absl::Status Start();
  void Stop();

 private:
  struct Peer {
    std::string name;
    std::string peer_url;
    std::string client_url;  // learned from the peer's replies
  };
  class HttpTransport;

  PdMember(Options options, std::vector<Peer> peers, int self);
  void RegisterRoutes();
  void RegisterPeerRoutes();
  bool IsLeader() const { return options_.scale_mode || election_->is_leader(); }
  int LeaderIndex() const { return options_.scale_mode ? self_ : election_->leader(); }
  void Loop();
  http::Response Public(const http::Request& req);
  http::Response Forward(const http::Request& req, const std::string& leader_client_url);
  ApiReply Dispatch(const http::Request& req, absl::Time now);
  PdView ViewLocked() const;
  std::string ReplicationPayload();
  void ApplyReplication(const std::string& payload);
  void Log(absl::string_view level, absl::string_view source, absl::string_view msg,
           const LogFields& fields);
  void FlushSchedulerLogsLocked();

  Options options_;
  std::vector<Peer> peers_;  // all members, self included
  int self_;
  uint64_t cluster_id_;
  absl::Time start_time_;
  std::unique_ptr<UnifiedLog> log_;
  std::unique_ptr<http::Client> client_;
  std::unique_ptr<http::Server> client_server_;
  std::unique_ptr<http::Server> peer_server_;
  std::unique_ptr<Election> election_;
  std::unique_ptr<HttpTransport> transport_;

  // Guards state_, peers_[*].client_url, tso_events_, low_space_logged_, operators_.
  std::mutex mu_;
  ClusterState state_;
  uint64_t tso_events_ = 0;
  std::vector<uint64_t> low_space_logged_;
  OperatorController operators_{OperatorController::Options{}};  // leader only
  ScaleLayout scale_layout_;  // scale mode only; set before Start()

  std::atomic<bool> stop_{false};
  std::thread loop_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_PD_MEMBER_H_
