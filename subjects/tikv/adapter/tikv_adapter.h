// TikvAdapter: the TiKV implementation of core::SubjectAdapter. Background pollers keep the
// latest view of each source, and CollectSnapshot() assembles them without waiting on the
// network:
//   - PD (PdClient::Poll) every pd_interval: stores, members, health, region checks, config;
//   - each store's status port probed every probe_interval (StoreProber), which wakes the
//     observer when a store stops (or starts) answering;
//   - metrics every metrics_interval (MetricsCollector: scrape or Prometheus);
// then DerivedState adds restarts, leader changes, the throughput baseline and leaderless
// regions. When PD cannot be read at all the snapshot is blind.
//
// Thread safety: CollectSnapshot from one thread at a time; the rest is thread-safe.
#ifndef OPS_SUBJECTS_TIKV_ADAPTER_TIKV_ADAPTER_H_
#define OPS_SUBJECTS_TIKV_ADAPTER_TIKV_ADAPTER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "core/subject_adapter.h"
#include "libs/http/client.h"
#include "subjects/tikv/adapter/derived_state.h"
#include "subjects/tikv/adapter/metrics_collector.h"
#include "subjects/tikv/adapter/store_prober.h"
#include "subjects/tikv/invariants/thresholds.h"
#include "subjects/tikv/pd_client/pd_client.h"

namespace ops::tikv {

class TikvAdapter final : public core::SubjectAdapter {
 public:
  struct Options {
    std::vector<std::string> pd_endpoints;
    std::string cluster;  // name shown in snapshots; PD's cluster id when empty
    absl::Duration pd_interval = absl::Seconds(1);
    absl::Duration pd_timeout = absl::Seconds(2);
    bool probe = true;
    StoreProber::Options prober;
    absl::Duration metrics_interval = absl::Seconds(1);
    bool metrics = true;
    MetricsCollector::Options metrics_options;
    Thresholds thresholds;
  };

  // Builds the clients and starts the pollers. INVALID_ARGUMENT for bad options (no PD
  // endpoint, bad URLs).
  static absl::StatusOr<std::unique_ptr<TikvAdapter>> Create(Options options);
  ~TikvAdapter() override;

  std::string name() const override { return "tikv"; }
  absl::StatusOr<core::Snapshot> CollectSnapshot(absl::Time deadline) override;
  const std::vector<core::InvariantDefinition>& Invariants() const override { return invariants_; }
  const core::DiagnosisRulePack& RulePack() const override;
  std::vector<core::FaultTarget> FaultTargets(const core::Snapshot& snapshot) const override;
  void SetChangeCallback(std::function<void()> fn) override;

  // PD requests in the newest poll and in total ("PD requests per cycle").
  int last_pd_requests() const { return last_pd_requests_.load(); }
  int64_t total_pd_requests() const { return pd_->total_requests(); }
  // Duration of the newest PD poll.
  absl::Duration last_pd_poll() const;

 private:
  explicit TikvAdapter(Options options);
  void PollPd();
  void PollMetrics();

  const Options options_;
  std::vector<core::InvariantDefinition> invariants_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<PdClient> pd_;
  std::unique_ptr<StoreProber> prober_;
  std::unique_ptr<MetricsCollector> metrics_;
  DerivedState derived_;  // CollectSnapshot's thread only

  mutable absl::Mutex mu_;
  std::optional<PdView> pd_view_ ABSL_GUARDED_BY(mu_);
  std::string pd_error_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> last_full_view_ ABSL_GUARDED_BY(mu_);
  absl::Duration last_pd_poll_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  std::vector<core::StoreStatus> stores_ ABSL_GUARDED_BY(mu_);  // for the metrics poller
  MetricsCycle metrics_view_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> last_pd_requests_{0};

  absl::Notification stop_;
  std::thread pd_thread_;
  std::thread metrics_thread_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ADAPTER_TIKV_ADAPTER_H_
