#include "subjects/tikv/adapter/tikv_adapter.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/log/log.h"
#include "subjects/tikv/invariants/invariants.h"
#include "subjects/tikv/pd_client/snapshot_fill.h"

namespace ops::tikv {
namespace {

// Until the TiKV diagnosis rules exist (diagnoser issue), the pack scores nothing.
class EmptyRulePack final : public core::DiagnosisRulePack {
 public:
  std::string name() const override { return "tikv-rules-v0"; }
  std::vector<core::Hypothesis> Score(const core::EvidencePack&) const override { return {}; }
};

// Sums the stores' workloads into the cluster's.
core::Workload ClusterWorkload(const std::vector<core::StoreStatus>& stores) {
  core::Workload w;
  for (const core::StoreStatus& s : stores) {
    w.ops_per_sec += s.workload.ops_per_sec;
    w.errors_per_sec += s.workload.errors_per_sec;
    w.cpu_cores += s.workload.cpu_cores;
    w.p99_latency = std::max(w.p99_latency, s.workload.p99_latency);
    w.write_stall = w.write_stall || s.workload.write_stall;
  }
  const double total = w.ops_per_sec + w.errors_per_sec;
  w.error_rate = total > 0 ? std::min(1.0, w.errors_per_sec / total) : 0;
  return w;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TikvAdapter>> TikvAdapter::Create(Options options) {
  std::unique_ptr<TikvAdapter> a(new TikvAdapter(std::move(options)));
  http::Client::Options http;
  http.connect_timeout = a->options_.prober.timeout;
  http.max_idle_handles = 32;
  http.retry.max_attempts = 1;
  absl::StatusOr<std::unique_ptr<http::Client>> client = http::Client::Create(http);
  if (!client.ok()) return client.status();
  a->http_ = *std::move(client);
  absl::StatusOr<std::unique_ptr<PdClient>> pd =
      PdClient::Create({.endpoints = a->options_.pd_endpoints});
  if (!pd.ok()) return pd.status();
  a->pd_ = *std::move(pd);
  if (a->options_.metrics) {
    auto metrics = MetricsCollector::Create(a->http_.get(), a->options_.metrics_options);
    if (!metrics.ok()) return metrics.status();
    a->metrics_ = *std::move(metrics);
  }
  if (a->options_.probe) {
    a->prober_ = std::make_unique<StoreProber>(a->http_.get(), a->options_.prober, nullptr);
  }
  a->pd_thread_ = std::thread([p = a.get()] { p->PollPd(); });
  if (a->metrics_) a->metrics_thread_ = std::thread([p = a.get()] { p->PollMetrics(); });
  return a;
}

TikvAdapter::TikvAdapter(Options options)
    : options_(std::move(options)), invariants_(TikvInvariants(options_.thresholds)) {}

TikvAdapter::~TikvAdapter() {
  stop_.Notify();
  if (pd_thread_.joinable()) pd_thread_.join();
  if (metrics_thread_.joinable()) metrics_thread_.join();
  prober_.reset();
}

const core::DiagnosisRulePack& TikvAdapter::RulePack() const {
  static const EmptyRulePack kPack;
  return kPack;
}

void TikvAdapter::SetChangeCallback(std::function<void()> fn) {
  if (prober_) prober_->SetOnChange(std::move(fn));
}

absl::Duration TikvAdapter::last_pd_poll() const {
  absl::MutexLock lock(&mu_);
  return last_pd_poll_;
}

void TikvAdapter::PollPd() {
  do {
    const absl::Time started = absl::Now();
    absl::StatusOr<PdView> view = pd_->Poll(started + options_.pd_timeout);
    std::map<std::string, std::string> targets;
    {
      absl::MutexLock lock(&mu_);
      last_pd_poll_ = absl::Now() - started;
      if (view.ok()) {
        last_pd_requests_ = view->requests;
        core::Snapshot scratch;
        FillSnapshot(*view, &scratch);
        if (view->stores) {
          stores_ = scratch.stores;
          if (view->errors.empty()) last_full_view_ = absl::Now();
        }
        pd_view_ = *std::move(view);
        pd_error_.clear();
      } else {
        pd_view_.reset();
        pd_error_ = std::string(view.status().message());
      }
      for (const core::StoreStatus& s : stores_) {
        if (s.state != ::ops::common::v1::STORE_STATE_TOMBSTONE) targets[s.id] = s.status_address;
      }
    }
    if (prober_) prober_->SetTargets(targets);
  } while (!stop_.WaitForNotificationWithTimeout(options_.pd_interval));
}

void TikvAdapter::PollMetrics() {
  do {
    std::vector<core::StoreStatus> stores;
    {
      absl::MutexLock lock(&mu_);
      stores = stores_;
    }
    MetricsCycle cycle = metrics_->Collect(stores, absl::Now());
    absl::MutexLock lock(&mu_);
    metrics_view_ = std::move(cycle);
  } while (!stop_.WaitForNotificationWithTimeout(options_.metrics_interval));
}

absl::StatusOr<core::Snapshot> TikvAdapter::CollectSnapshot(absl::Time) {
  core::Snapshot snap;
  snap.subject = name();
  snap.cluster = options_.cluster;
  snap.captured_at = absl::Now();
  std::map<std::string, core::ProbeResult> probes;
  if (prober_) probes = prober_->Results();
  {
    absl::MutexLock lock(&mu_);
    if (pd_view_) {
      FillSnapshot(*pd_view_, &snap);
      if (pd_view_->config) {
        snap.settings["low_space_ratio"] = pd_view_->config->low_space_ratio;
        snap.settings["max_store_down_time_seconds"] =
            absl::ToDoubleSeconds(pd_view_->config->max_store_down_time);
      }
    } else {
      // PD unreachable: keep the last known stores so probes still show, but judge nothing.
      snap.stores = stores_;
      snap.visibility.blind = true;
      snap.visibility.unavailable_sources.push_back(
          pd_error_.empty() ? "pd: not polled yet" : absl::StrCat("pd: ", pd_error_));
    }
    snap.visibility.last_full_view = last_full_view_;
    for (core::StoreStatus& s : snap.stores) {
      auto m = metrics_view_.stores.find(s.id);
      if (m == metrics_view_.stores.end()) continue;
      const StoreMetricsView& v = m->second;
      s.workload = v.workload;
      // Metrics are fresher than PD's heartbeat-fed numbers (every 10 s).
      if (v.slow_score && *v.slow_score > s.slow_score) s.slow_score = *v.slow_score;
      if (v.capacity_bytes && v.available_bytes && *v.capacity_bytes > 0) {
        s.capacity_bytes = static_cast<uint64_t>(*v.capacity_bytes);
        s.available_bytes = static_cast<uint64_t>(*v.available_bytes);
      }
      if (v.start_time) s.start_time = v.start_time;
    }
    for (const std::string& e : metrics_view_.errors) {
      snap.visibility.unavailable_sources.push_back(e);
    }
  }
  for (core::StoreStatus& s : snap.stores) {
    if (auto p = probes.find(s.id); p != probes.end()) s.probe = p->second;
  }
  snap.workload = ClusterWorkload(snap.stores);
  derived_.Apply(snap);
  return snap;
}

std::vector<core::FaultTarget> TikvAdapter::FaultTargets(const core::Snapshot& snapshot) const {
  std::vector<core::FaultTarget> out;
  for (const core::StoreStatus& s : snapshot.stores) out.push_back({"store", s.id, s.address});
  for (const core::ControlPlaneMember& m : snapshot.members) {
    out.push_back({"pd_member", m.name, m.client_urls.empty() ? "" : m.client_urls.front()});
  }
  return out;
}

}  // namespace ops::tikv
