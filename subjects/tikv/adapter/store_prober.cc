#include "subjects/tikv/adapter/store_prober.h"

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "libs/http/http_status.h"

namespace ops::tikv {

// Probes one store on its own thread until destroyed.
class StoreProber::Worker {
 public:
  Worker(StoreProber* owner, std::string id, std::string address)
      : owner_(owner), id_(std::move(id)), address_(std::move(address)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Worker() {
    stop_.Notify();
    thread_.join();
  }
  const std::string& address() const { return address_; }

 private:
  void Run() {
    http::RequestOptions request;
    request.timeout = owner_->options_.timeout;
    request.connect_timeout = owner_->options_.timeout;
    request.max_response_bytes = 64 << 10;
    request.retry = http::RetryPolicy{.max_attempts = 1};
    const std::string url = absl::StrCat("http://", address_, "/status");
    uint32_t failures = 0;
    do {
      const absl::Time started = absl::Now();
      absl::StatusOr<http::ClientResponse> r = owner_->client_->Get(url, request);
      core::ProbeResult result;
      result.probed_at = absl::Now();
      result.latency = *result.probed_at - started;
      result.reachable = r.ok();
      if (r.ok()) {
        failures = 0;
      } else {
        ++failures;
        result.error = std::string(r.status().message());
        // Transport UNAVAILABLE is a refused or reset connection; an HTTP error status
        // (the process answers) or a timeout is not.
        result.refused = r.status().code() == absl::StatusCode::kUnavailable &&
                         !http::HttpCodeFromStatus(r.status()).has_value();
      }
      result.consecutive_failures = failures;
      owner_->Report(id_, result);
    } while (!stop_.WaitForNotificationWithTimeout(owner_->options_.interval));
  }

  StoreProber* const owner_;
  const std::string id_;
  const std::string address_;
  absl::Notification stop_;
  std::thread thread_;
};

StoreProber::StoreProber(const http::Client* client, Options options,
                         std::function<void()> on_change)
    : client_(client), options_(options), on_change_(std::move(on_change)) {}

StoreProber::~StoreProber() {
  absl::MutexLock lock(&targets_mu_);
  workers_.clear();
}

void StoreProber::SetOnChange(std::function<void()> on_change) {
  absl::MutexLock lock(&mu_);
  on_change_ = std::move(on_change);
}

void StoreProber::SetTargets(const std::map<std::string, std::string>& targets) {
  absl::MutexLock lock(&targets_mu_);
  for (auto it = workers_.begin(); it != workers_.end();) {
    auto t = targets.find(it->first);
    if (t == targets.end() || t->second != it->second->address()) {
      std::string id = it->first;
      it = workers_.erase(it);  // joins the worker
      absl::MutexLock results_lock(&mu_);
      results_.erase(id);
    } else {
      ++it;
    }
  }
  for (const auto& [id, address] : targets) {
    if (!workers_.contains(id) && !address.empty()) {
      workers_[id] = std::make_unique<Worker>(this, id, address);
    }
  }
}

std::map<std::string, core::ProbeResult> StoreProber::Results() const {
  absl::MutexLock lock(&mu_);
  return results_;
}

void StoreProber::Report(const std::string& id, const core::ProbeResult& result) {
  std::function<void()> notify;
  {
    absl::MutexLock lock(&mu_);
    auto it = results_.find(id);
    const bool flipped = it == results_.end() ? !result.reachable
                                              : it->second.reachable != result.reachable ||
                                                    it->second.consecutive_failures !=
                                                        result.consecutive_failures;
    results_[id] = result;
    if (flipped) notify = on_change_;
  }
  if (notify) notify();
}

}  // namespace ops::tikv
