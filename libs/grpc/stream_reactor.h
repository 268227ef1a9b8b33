// HubWriteReactor: the server side of every long-lived "Watch*" stream, in the shape of gRPC's
// own health Watch reactor. It writes an optional replay backlog (e.g. stored events after the
// client's from_seq), then follows an EventHub subscription, with at most one write in flight.
//
//   grpc::ServerWriteReactor<Event>* WatchTickets(grpc::CallbackServerContext* ctx,
//                                                const WatchRequest* req) override {
//     auto sub = hub_.Subscribe();  // before reading the backlog, so nothing falls between
//     if (!sub.ok()) return FinishedWriteReactor<Event>(ToGrpcStatus(sub.status()));
//     std::vector<Event> backlog = store_->EventsAfter(req->from_seq());
//     HubWriteReactor<Event>::Options options;
//     options.seq = [](const Event& e) { return e.seq(); };  // skips live events already replayed
//     options.after_seq = req->from_seq();
//     options.resume_hint = [](const Event* last) { return "resume from seq " + ...; };
//     return HubWriteReactor<Event>::Start(*std::move(sub), std::move(backlog), options);
//   }
//
// Endings: hub closed → the queued events, then OK. Subscriber queue overflowed (client too
// slow) → RESOURCE_EXHAUSTED "consumer too slow; <resume hint>". Client cancelled or gone →
// CANCELLED. The reactor deletes itself after OnDone.
//
// Thread safety: all state is guarded by one mutex; the hub may notify from any thread while
// gRPC runs reactions on its own threads. The object is owned through a shared_ptr so that a
// hub notification racing with OnDone never touches a deleted reactor.
#ifndef OPS_LIBS_GRPC_STREAM_REACTOR_H_
#define OPS_LIBS_GRPC_STREAM_REACTOR_H_

#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "libs/grpc/event_hub.h"
#include "libs/grpc/status_convert.h"

namespace ops::grpcutil {

template <typename T>
class HubWriteReactor : public grpc::ServerWriteReactor<T> {
 public:
  using Subscription = typename EventHub<T>::Subscription;

  struct Options {
    // The event's sequence number. When set, live events whose sequence is at or below the
    // last one written (or below after_seq) are skipped: they were already sent from the
    // backlog, or the client asked to start later.
    std::function<uint64_t(const T&)> seq;
    // With `seq`: the client's resume point (from_seq); only later events are written.
    uint64_t after_seq = 0;
    // Appended to "consumer too slow; " when the subscriber overflows. Gets the last event
    // written to the client, or nullptr when none was, e.g. returns "resume from seq 42".
    std::function<std::string(const T* last_written)> resume_hint;
    // Called from OnDone, once the stream is over (e.g. to count active streams).
    std::function<void()> on_done;
    // When set, the stream finishes with this status right after the backlog instead of
    // following the hub: for a backlog cut at a size limit, e.g. UNAVAILABLE "resume from seq
    // N" so the client reconnects and reads the next page.
    std::optional<grpc::Status> end_after_backlog;
    // When set, live events for which it returns false are skipped (e.g. a client that watches
    // only some tickets). The backlog is written as given.
    std::function<bool(const T&)> include;
  };

  // Creates the reactor, starts writing and returns it for gRPC to own. `subscription` must
  // come from EventHub::Subscribe() and is cancelled when the stream ends.
  static grpc::ServerWriteReactor<T>* Start(std::shared_ptr<Subscription> subscription,
                                            std::vector<T> backlog, Options options = {}) {
    std::shared_ptr<HubWriteReactor> reactor(
        new HubWriteReactor(std::move(subscription), std::move(backlog), std::move(options)));
    reactor->self_ = reactor;
    std::weak_ptr<HubWriteReactor> weak = reactor;
    reactor->sub_->SetNotify([weak] {
      if (auto strong = weak.lock()) strong->OnHubEvent();
    });
    reactor->OnHubEvent();
    return reactor.get();
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    write_in_flight_ = false;
    if (!ok) {
      // The stream is broken (client gone or call cancelled); nothing more can be written.
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed: stream closed"));
      return;
    }
    PumpLocked();
  }

  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_) {
    sub_->Cancel();
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    PumpLocked();  // with a write in flight, its OnWriteDone finishes the call
  }

  void OnDone() override {
    sub_->Cancel();
    if (options_.on_done) options_.on_done();
    // Drops gRPC's reference; the object dies here unless a hub notification still holds one.
    std::shared_ptr<HubWriteReactor> keep = std::move(self_);
  }

 private:
  HubWriteReactor(std::shared_ptr<Subscription> sub, std::vector<T> backlog, Options options)
      : sub_(std::move(sub)),
        backlog_(std::move(backlog)),
        options_(std::move(options)),
        last_seq_(options_.after_seq) {}

  void OnHubEvent() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    PumpLocked();
  }

  // Starts the next write, or finishes when the subscription has ended and is drained.
  // gRPC never runs a reaction inline from StartWrite/Finish on our threads (reactors are not
  // inlineable), so calling them under mu_ is safe, as gRPC's health reactor does.
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (write_in_flight_ || finish_called_) return;
    if (cancelled_) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled"));
      return;
    }
    if (next_backlog_ < backlog_.size()) {
      WriteLocked(&backlog_[next_backlog_++], nullptr);
      return;
    }
    if (options_.end_after_backlog) {
      FinishLocked(*options_.end_after_backlog);
      return;
    }
    while (std::shared_ptr<const T> event = sub_->TryPop()) {
      if (options_.seq && options_.seq(*event) <= last_seq_) {
        continue;  // already sent from the backlog, or before the client's resume point
      }
      if (options_.include && !options_.include(*event)) continue;
      const T* msg = event.get();
      WriteLocked(msg, std::move(event));
      return;
    }
    if (!sub_->ended()) return;  // wait for the next notification
    absl::Status status = sub_->status();
    if (status.code() == absl::StatusCode::kResourceExhausted) {
      std::string message = "consumer too slow";
      if (options_.resume_hint) message += "; " + options_.resume_hint(last_written_);
      FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message));
    } else {
      FinishLocked(ToGrpcStatus(status));
    }
  }

  void WriteLocked(const T* msg, std::shared_ptr<const T> holder)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    write_in_flight_ = true;
    last_written_ = msg;
    if (options_.seq) last_seq_ = options_.seq(*msg);
    // Keeps a live event alive until the next write replaces it (gRPC reads it until
    // OnWriteDone; the resume hint may read it later).
    last_holder_ = std::move(holder);
    this->StartWrite(msg);
  }

  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finish_called_) return;
    finish_called_ = true;
    this->Finish(std::move(status));
  }

  const std::shared_ptr<Subscription> sub_;
  const std::vector<T> backlog_;
  const Options options_;
  std::shared_ptr<HubWriteReactor> self_;  // gRPC's reference, dropped in OnDone

  absl::Mutex mu_;
  size_t next_backlog_ ABSL_GUARDED_BY(mu_) = 0;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  const T* last_written_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t last_seq_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const T> last_holder_ ABSL_GUARDED_BY(mu_);
};

// A stream reactor that only finishes with `status`, for when a Watch RPC cannot start (bad
// request, hub closed). Deletes itself after OnDone.
template <typename T>
grpc::ServerWriteReactor<T>* FinishedWriteReactor(grpc::Status status) {
  class Finished : public grpc::ServerWriteReactor<T> {
   public:
    explicit Finished(grpc::Status s) { this->Finish(std::move(s)); }
    void OnDone() override { delete this; }
  };
  return new Finished(std::move(status));
}

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_STREAM_REACTOR_H_
