// StoreProber: Operator's own liveness check of TiKV stores. Each store's status address is
// probed (GET http://<status_address>/status) every interval with a short timeout, one thread
// per store, over a kept-alive connection, so a dead store is seen within one interval —
// long before PD's 20 s Disconnected. A refused connection (nothing listens: the process is
// gone) is marked `refused`; a timeout (hung, overloaded or cut off) only counts towards the
// failure streak. The change callback runs when a store's reachability flips, so the observer
// evaluates at once instead of at its next cycle.
//
// Thread safety: thread-safe. SetTargets and Results from any thread.
#ifndef OPS_SUBJECTS_TIKV_ADAPTER_STORE_PROBER_H_
#define OPS_SUBJECTS_TIKV_ADAPTER_STORE_PROBER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/snapshot.h"
#include "libs/http/client.h"

namespace ops::tikv {

class StoreProber {
 public:
  struct Options {
    absl::Duration interval = absl::Milliseconds(250);
    absl::Duration timeout = absl::Milliseconds(200);
  };

  // `client` must outlive the prober (share one; it pools connections). `on_change` may be
  // empty; it must be cheap and must not call back into the prober.
  StoreProber(const http::Client* client, Options options, std::function<void()> on_change);
  ~StoreProber();
  StoreProber(const StoreProber&) = delete;
  StoreProber& operator=(const StoreProber&) = delete;

  // The stores to probe, id -> status address ("host:port"). Starts probing new ones, stops
  // probing removed ones, restarts a store whose address changed.
  void SetTargets(const std::map<std::string, std::string>& targets);

  // The latest result per store id (stores not probed yet are absent).
  std::map<std::string, core::ProbeResult> Results() const;

  // Replaces the change callback (null: none).
  void SetOnChange(std::function<void()> on_change);

 private:
  class Worker;
  void Report(const std::string& id, const core::ProbeResult& result);

  const http::Client* const client_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::function<void()> on_change_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, core::ProbeResult> results_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // touched by SetTargets only
  absl::Mutex targets_mu_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ADAPTER_STORE_PROBER_H_
