#include "services/observer/ticket_reporter.h"

#include <utility>

#include "core/proto_conversion.h"
#include "core/proto_time.h"
#include "libs/grpc/channel.h"
#include "libs/grpc/status_convert.h"
#include "libs/log/log.h"

namespace ops::observer {

namespace tv1 = ::ops::tickets::v1;
namespace pb = ::ops::common::v1;

TicketReporter::TicketReporter(tv1::TicketService::StubInterface* stub, Options options)
    : stub_(stub), options_(std::move(options)) {
  sender_ = std::thread([this] { Run(); });
}

TicketReporter::~TicketReporter() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  sender_.join();
}

void TicketReporter::EnqueueSignal(const core::Signal& signal, const core::Snapshot& snapshot) {
  if (signal.state != pb::SIGNAL_STATE_FIRING && signal.state != pb::SIGNAL_STATE_RESOLVED) return;
  Item item;
  item.signal = std::make_unique<tv1::ReportSignalRequest>();
  *item.signal->mutable_signal() = core::ToProto(signal);
  *item.signal->mutable_snapshot() = core::ToProto(snapshot);
  item.signal->set_observer_id(options_.observer_id);
  Push(std::move(item));
}

void TicketReporter::EnqueueVisibility(const core::Visibility& visibility, absl::Time at) {
  Item item;
  item.status = std::make_unique<tv1::ReportObserverStatusRequest>();
  item.status->set_observer_id(options_.observer_id);
  item.status->set_subject(options_.subject);
  *item.status->mutable_visibility() = core::ToProto(visibility);
  *item.status->mutable_at() = core::TimeToProto(at);
  Push(std::move(item));
}

void TicketReporter::Push(Item item) {
  absl::MutexLock lock(&mu_);
  if (queue_.size() >= options_.max_queue) {
    queue_.pop_front();
    ++dropped_;
    log::Warn("ticket report queue full; dropped the oldest report",
              {{"max_queue", static_cast<unsigned long>(options_.max_queue)}});
  }
  queue_.push_back(std::move(item));
}

size_t TicketReporter::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size() + (in_flight_ ? 1 : 0);
}

bool TicketReporter::Drain(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto empty = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return queue_.empty() && !in_flight_; };
  return mu_.AwaitWithTimeout(absl::Condition(&empty), timeout);
}

grpc::Status TicketReporter::Send(const Item& item) {
  grpc::ClientContext ctx;
  grpcutil::SetDeadline(&ctx, options_.rpc_timeout);
  if (item.signal) {
    tv1::ReportSignalResponse resp;
    return stub_->ReportSignal(&ctx, *item.signal, &resp);
  }
  tv1::ReportObserverStatusResponse resp;
  return stub_->ReportObserverStatus(&ctx, *item.status, &resp);
}

void TicketReporter::Run() {
  int attempt = 0;
  for (;;) {
    Item item;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (stop_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
    }
    // Retries this report until it is delivered or rejected; it is never dropped meanwhile.
    for (;;) {
      grpc::Status s = Send(item);
      absl::Status status = grpcutil::ToAbslStatus(s);
      if (s.ok() || !IsRetryable(status)) {
        if (s.ok()) {
          ++delivered_;
        } else {
          ++rejected_;
          log::Error("tickets service rejected a report; dropping it",
                     {{"error", status.ToString()}});
        }
        if (!healthy_.exchange(true)) log::Info("tickets service reachable again", {});
        attempt = 0;
        break;
      }
      if (healthy_.exchange(false)) {
        log::Warn("tickets service unavailable; queueing reports and retrying",
                  {{"error", status.ToString()}});
      }
      const absl::Duration delay = options_.backoff.Delay(attempt++, UnitRandom());
      absl::MutexLock lock(&mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stop_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), delay)) return;
    }
    absl::MutexLock lock(&mu_);
    in_flight_ = false;
  }
}

}  // namespace ops::observer
