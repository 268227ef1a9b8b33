// TicketReporter: delivers the observer's signal transitions (FIRING and RESOLVED, each with the
// snapshot taken at that moment as evidence) and its visibility changes to the tickets service,
// in order, from one background thread. While the tickets service is unavailable it retries the
// head of the queue with capped exponential backoff; reports wait in a bounded queue, so a
// tickets restart loses nothing unless more than max_queue reports pile up (then the oldest are
// dropped and counted). A report the service rejects as invalid is logged and dropped (retrying
// cannot fix it).
//
// Thread safety: Enqueue* from any thread; the sender runs on its own thread.
#ifndef OPS_SERVICES_OBSERVER_TICKET_REPORTER_H_
#define OPS_SERVICES_OBSERVER_TICKET_REPORTER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/signal.h"
#include "core/snapshot.h"
#include "libs/status/retry.h"
#include "ops/v1/tickets.grpc.pb.h"

namespace ops::observer {

class TicketReporter {
 public:
  struct Options {
    std::string observer_id;
    std::string subject;
    size_t max_queue = 1000;
    absl::Duration rpc_timeout = absl::Seconds(5);
    Backoff backoff{absl::Milliseconds(100), absl::Seconds(5), 2.0};
  };

  // `stub` must outlive the reporter. Starts the sender thread.
  TicketReporter(::ops::tickets::v1::TicketService::StubInterface* stub, Options options);
  // Stops the sender (reports still queued are abandoned; see queued()).
  ~TicketReporter();
  TicketReporter(const TicketReporter&) = delete;
  TicketReporter& operator=(const TicketReporter&) = delete;

  // Queues a signal transition; PENDING and INACTIVE are not reported (they open nothing).
  void EnqueueSignal(const core::Signal& signal, const core::Snapshot& snapshot);
  // Queues a visibility report (send on every change of `blind`).
  void EnqueueVisibility(const core::Visibility& visibility, absl::Time at);

  size_t queued() const;
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t rejected() const { return rejected_.load(); }
  // False while the last attempt failed with a retryable error.
  bool healthy() const { return healthy_.load(); }

  // Waits until the queue is empty or `timeout` passes; true when empty (tests, shutdown).
  bool Drain(absl::Duration timeout);

 private:
  struct Item {
    std::unique_ptr<::ops::tickets::v1::ReportSignalRequest> signal;
    std::unique_ptr<::ops::tickets::v1::ReportObserverStatusRequest> status;
  };
  void Push(Item item);
  void Run();
  grpc::Status Send(const Item& item);

  ::ops::tickets::v1::TicketService::StubInterface* const stub_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;  // the sender holds a report
  std::atomic<uint64_t> delivered_{0}, dropped_{0}, rejected_{0};
  std::atomic<bool> healthy_{true};
  std::thread sender_;
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_TICKET_REPORTER_H_
