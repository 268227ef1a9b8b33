// One workload operation against the KV API (docs/tikv-sim.md, "Workload -> store"): routes
// the key to its region's leader store from the region table, POSTs /kv/v1/get or /kv/v1/put,
// and on `not_leader` retries at the hinted store (bounded, like a real client's region-error
// retry). Classifies the outcome by error kind for the metrics and says when the caller should
// refresh its region table from PD. The transport is an interface so tests inject a fake.
// KvClient is thread-safe if its transport is.
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KV_CLIENT_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KV_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "subjects/tikv/sim/workload/region_table.h"

namespace ops::sim {

struct KvReply {
  int status = 0;
  std::string body;
};

class KvTransport {
 public:
  virtual ~KvTransport() = default;
  // POSTs a JSON body to http://<addr><path>. An error only for transport failures.
  virtual absl::StatusOr<KvReply> Post(const std::string& addr, const std::string& path,
                                       const std::string& body) = 0;
};

struct OpOutcome {
  // "ok", "not_leader", "region_not_found", "key_not_in_region", "server_is_busy",
  // "disk_full", "unavailable" (transport error), "no_leader" (no route known), "other".
  std::string result;
  int attempts = 0;
  bool refresh = false;  // the region table looks stale
};

class KvClient {
 public:
  // `max_attempts` >= 1 bounds the not_leader retries.
  KvClient(KvTransport* transport, int max_attempts = 3);
  OpOutcome Execute(const RegionTable& table, bool is_read, const std::string& key,
                    const std::string& value) const;

 private:
  KvTransport* transport_;
  int max_attempts_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KV_CLIENT_H_
