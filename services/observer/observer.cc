#include "services/observer/observer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/proto_conversion.h"
#include "core/proto_time.h"
#include "libs/log/log.h"
#include "libs/status/status_macros.h"

namespace ops::observer {

namespace pb = ::ops::common::v1;

absl::StatusOr<std::unique_ptr<Observer>> Observer::Create(core::SubjectAdapter* adapter,
                                                           TicketReporter* reporter,
                                                           Options options) {
  if (options.cycle <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("cycle must be positive");
  }
  std::unique_ptr<Observer> o(new Observer(adapter, reporter, std::move(options)));
  ASSIGN_OR_RETURN(o->engine_, SignalEngine::Create(adapter->name(), adapter->Invariants(),
                                                    o->options_.blind_invariant));
  return o;
}

Observer::Observer(core::SubjectAdapter* adapter, TicketReporter* reporter, Options options)
    : adapter_(adapter),
      reporter_(reporter),
      options_(std::move(options)),
      signal_hub_({.queue_capacity = options_.stream_queue}),
      health_hub_({.queue_capacity = 64}),
      history_(options_.history_span) {}

Observer::~Observer() { Stop(); }

void Observer::Start() {
  adapter_->SetChangeCallback([this] {
    absl::MutexLock lock(&mu_);
    woken_ = true;
  });
  loop_ = std::thread([this] { Loop(); });
}

void Observer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (loop_.joinable()) loop_.join();
  adapter_->SetChangeCallback(nullptr);
  signal_hub_.Close();
  health_hub_.Close();
}

void Observer::Loop() {
  for (;;) {
    const absl::Time started = absl::Now();
    absl::StatusOr<std::vector<core::SignalTransition>> r = RunCycle();
    if (!r.ok()) log::Warn("observer cycle failed", {{"error", r.status().ToString()}});
    const absl::Time next = started + options_.cycle;
    absl::MutexLock lock(&mu_);
    auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || woken_; };
    mu_.AwaitWithDeadline(absl::Condition(&wake), next);
    if (stop_) return;
    woken_ = false;
  }
}

absl::StatusOr<std::vector<core::SignalTransition>> Observer::RunCycle() {
  const absl::Time t0 = absl::Now();
  absl::StatusOr<core::Snapshot> snap = adapter_->CollectSnapshot(t0 + options_.collect_timeout);
  if (!snap.ok()) {
    absl::MutexLock lock(&mu_);
    ++stats_.collect_errors;
    return snap.status();
  }
  ASSIGN_OR_RETURN(std::vector<core::SignalTransition> transitions, engine_->Evaluate(*snap));
  history_.Record(*snap);

  absl::MutexLock lock(&mu_);
  const absl::Time now = snap->captured_at;
  for (const core::SignalTransition& t : transitions) {
    PublishSignal(t.signal, /*resend=*/false, now);
    if (reporter_ != nullptr) reporter_->EnqueueSignal(t.signal, *snap);
  }
  active_ = engine_->ActiveSignals();
  if (!last_blind_ || *last_blind_ != snap->visibility.blind) {
    if (last_blind_ || snap->visibility.blind) {
      log::Info(snap->visibility.blind ? "observer is blind" : "observer can see the cluster",
                {{"unavailable", static_cast<unsigned long>(
                                     snap->visibility.unavailable_sources.size())}});
    }
    last_blind_ = snap->visibility.blind;
    if (reporter_ != nullptr) reporter_->EnqueueVisibility(snap->visibility, now);
  }
  if (!last_resend_ || now - *last_resend_ >= options_.resend_interval) {
    if (last_resend_) {
      for (const core::Signal& s : active_) {
        if (s.state == pb::SIGNAL_STATE_FIRING) PublishSignal(s, /*resend=*/true, now);
      }
    }
    last_resend_ = now;
  }
  if (!last_health_ || now - *last_health_ >= options_.health_interval) {
    ov1::HealthSummary h = BuildHealth(*snap, now);
    latest_health_ = h;
    health_hub_.Publish(std::move(h));
    last_health_ = now;
  }
  latest_ = *std::move(snap);
  ++stats_.cycles;
  stats_.last_cycle = absl::Now() - t0;
  return transitions;
}

void Observer::PublishSignal(const core::Signal& signal, bool resend, absl::Time at) {
  ov1::SignalEvent e;
  e.set_seq(++signal_seq_);
  *e.mutable_at() = core::TimeToProto(at);
  e.set_observer_id(options_.observer_id);
  *e.mutable_signal() = core::ToProto(signal);
  e.set_resend(resend);
  signal_log_.push_back(e);
  while (signal_log_.size() > options_.signal_log) signal_log_.pop_front();
  signal_hub_.Publish(std::move(e));
}

ov1::HealthSummary Observer::BuildHealth(const core::Snapshot& snap, absl::Time at) {
  ov1::HealthSummary h;
  h.set_seq(++health_seq_);
  *h.mutable_at() = core::TimeToProto(at);
  h.set_observer_id(options_.observer_id);
  h.set_subject(snap.subject);
  for (const core::StoreStatus& s : snap.stores) {
    ov1::StoreHealth* sh = h.add_stores();
    sh->set_id(s.id);
    sh->set_address(s.address);
    sh->set_state(s.state);
    sh->set_state_name(s.state_name);
    sh->set_ops_per_sec(s.workload.ops_per_sec);
    uint32_t firing = 0;
    for (const core::Signal& sig : active_) {
      if (sig.state == pb::SIGNAL_STATE_FIRING && sig.entity.kind == "store" &&
          sig.entity.id == s.id) {
        ++firing;
      }
    }
    sh->set_firing_signals(firing);
  }
  *h.mutable_workload() = core::ToProto(snap.workload);
  uint32_t firing = 0, pending = 0;
  for (const core::Signal& s : active_) {
    if (s.state == pb::SIGNAL_STATE_FIRING) ++firing;
    if (s.state == pb::SIGNAL_STATE_PENDING) ++pending;
  }
  h.set_firing_signals(firing);
  h.set_pending_signals(pending);
  *h.mutable_visibility() = core::ToProto(snap.visibility);
  return h;
}

std::optional<core::Snapshot> Observer::LatestSnapshot() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

std::optional<ov1::HealthSummary> Observer::LatestHealth() const {
  absl::MutexLock lock(&mu_);
  return latest_health_;
}

absl::StatusOr<std::vector<ov1::SignalEvent>> Observer::SignalEventsFrom(uint64_t from_seq,
                                                                         size_t limit) const {
  absl::MutexLock lock(&mu_);
  std::vector<ov1::SignalEvent> out;
  if (signal_log_.empty()) return out;
  if (from_seq < signal_log_.front().seq()) {
    return absl::OutOfRangeError(absl::StrCat(
        "seq ", from_seq, " is no longer kept; the oldest is ", signal_log_.front().seq(),
        ": call ListSignals for the current state, then watch from its as_of_seq + 1"));
  }
  for (const ov1::SignalEvent& e : signal_log_) {
    if (e.seq() < from_seq) continue;
    if (out.size() >= limit) break;
    out.push_back(e);
  }
  return out;
}

std::pair<std::vector<core::Signal>, uint64_t> Observer::ActiveSignals() const {
  absl::MutexLock lock(&mu_);
  return {active_, signal_seq_};
}

Observer::Stats Observer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace ops::observer
