// In-process publish/subscribe for the events a service streams to its clients (tickets,
// signals, diagnosis steps). Each subscriber has its own bounded queue; Publish() never blocks:
// a subscriber whose queue is full is dropped ("overflowed") and ends with RESOURCE_EXHAUSTED,
// so one stalled client cannot hold up the producer or the other clients. HubWriteReactor
// (stream_reactor.h) turns a subscription into a gRPC server stream.
//
//   EventHub<Event> hub({.queue_capacity = 1024});
//   ASSIGN_OR_RETURN(auto sub, hub.Subscribe());
//   hub.Publish(event);                     // from any thread
//   auto next = sub->Pop(absl::Seconds(1));  // or TryPop() from a reactor
//   hub.Close();                            // at shutdown: subscriptions drain, then end OK
//
// Thread safety: every method of EventHub and Subscription may be called from any thread.
// Events are shared between subscribers as std::shared_ptr<const T>, so T is copied once per
// Publish, not once per subscriber.
#ifndef OPS_LIBS_GRPC_EVENT_HUB_H_
#define OPS_LIBS_GRPC_EVENT_HUB_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ops::grpcutil {

template <typename T>
class EventHub {
 public:
  struct Options {
    // Events a subscriber may have queued before it counts as too slow and is dropped. A
    // burst of this many events must fit while a client reads one message.
    size_t queue_capacity = 1024;
  };

  // One subscriber's view of the hub: a bounded FIFO of the events published after
  // Subscribe() returned, in publish order.
  class Subscription {
   public:
    // Why a subscription ends.
    enum class State { kOpen, kClosed, kOverflowed, kCancelled };

    explicit Subscription(size_t capacity) : capacity_(capacity) {}
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // Returns the oldest queued event, or nullptr when the queue is empty. Never blocks.
    std::shared_ptr<const T> TryPop() ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      return PopLocked();
    }

    // Waits up to `timeout` for an event. Returns nullptr on timeout or when the subscription
    // has ended and its queue is drained (see ended()).
    std::shared_ptr<const T> Pop(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || state_ != State::kOpen;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
      return PopLocked();
    }

    // True once nothing more will arrive and the queue is empty. After a hub Close() the
    // events published before it are still delivered first; an overflow discards the queue.
    bool ended() const ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      return state_ != State::kOpen && queue_.empty();
    }

    State state() const ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      return state_;
    }

    // OK while open and after the hub was closed; RESOURCE_EXHAUSTED after an overflow;
    // CANCELLED after Cancel().
    absl::Status status() const ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      switch (state_) {
        case State::kOverflowed:
          return absl::ResourceExhaustedError("subscriber queue overflowed: consumer too slow");
        case State::kCancelled:
          return absl::CancelledError("subscription cancelled");
        default:
          return absl::OkStatus();
      }
    }

    // Sets the function called after an event lands in an empty queue and when the
    // subscription ends, so a consumer that drains with TryPop() knows to look again. It runs on
    // the publishing (or closing) thread with no hub lock held, may run concurrently on
    // several threads, and may still run once shortly after Cancel() returns: capture a
    // weak_ptr, not a raw pointer to something Cancel()'s caller then destroys.
    void SetNotify(std::function<void()> notify) ABSL_LOCKS_EXCLUDED(mu_) {
      auto fn = notify ? std::make_shared<const std::function<void()>>(std::move(notify)) : nullptr;
      absl::MutexLock lock(&mu_);
      notify_ = std::move(fn);
    }

    // Leaves the hub: drops queued events and the notify function. Idempotent. The hub forgets
    // the subscription on its next Publish/Subscribe.
    void Cancel() ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      if (state_ == State::kOpen) state_ = State::kCancelled;
      queue_.clear();
      notify_ = nullptr;
    }

   private:
    friend class EventHub;
    using NotifyFn = std::shared_ptr<const std::function<void()>>;

    std::shared_ptr<const T> PopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (queue_.empty()) return nullptr;
      std::shared_ptr<const T> event = std::move(queue_.front());
      queue_.pop_front();
      return event;
    }

    // Called by the hub. Returns the notify function to run once the hub lock is released,
    // or nullptr. Sets *still_open to false when the subscription ended (now or before).
    NotifyFn Offer(const std::shared_ptr<const T>& event, bool* still_open)
        ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      if (state_ != State::kOpen) {
        *still_open = false;
        return nullptr;
      }
      if (queue_.size() >= capacity_) {
        state_ = State::kOverflowed;
        queue_.clear();  // the consumer must resume from its last event anyway
        *still_open = false;
        return notify_;
      }
      queue_.push_back(event);
      *still_open = true;
      return queue_.size() == 1 ? notify_ : nullptr;
    }

    NotifyFn End() ABSL_LOCKS_EXCLUDED(mu_) {
      absl::MutexLock lock(&mu_);
      if (state_ != State::kOpen) return nullptr;
      state_ = State::kClosed;
      return notify_;
    }

    const size_t capacity_;
    mutable absl::Mutex mu_;
    std::deque<std::shared_ptr<const T>> queue_ ABSL_GUARDED_BY(mu_);
    State state_ ABSL_GUARDED_BY(mu_) = State::kOpen;
    NotifyFn notify_ ABSL_GUARDED_BY(mu_);
  };

  explicit EventHub(Options options = {}) : options_(options) {
    if (options_.queue_capacity == 0) options_.queue_capacity = 1;
  }
  // Closes the hub. Subscriptions stay valid (they are shared with their holders).
  ~EventHub() { Close(); }
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Adds a subscriber that receives every event published after this call returns. Fails with
  // UNAVAILABLE once the hub is closed.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::UnavailableError("event hub closed: server shutting down");
    PruneLocked();
    auto sub = std::make_shared<Subscription>(options_.queue_capacity);
    subscribers_.push_back(sub);
    return sub;
  }

  // Queues `event` for every open subscriber; drops subscribers whose queue is full. Never
  // blocks on a consumer. Ignored after Close().
  void Publish(T event) ABSL_LOCKS_EXCLUDED(mu_) {
    auto shared = std::make_shared<const T>(std::move(event));
    std::vector<typename Subscription::NotifyFn> to_notify;
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      size_t kept = 0;
      for (size_t i = 0; i < subscribers_.size(); ++i) {
        bool still_open = false;
        auto fn = subscribers_[i]->Offer(shared, &still_open);
        if (fn) to_notify.push_back(std::move(fn));
        if (still_open) subscribers_[kept++] = std::move(subscribers_[i]);
      }
      subscribers_.resize(kept);
    }
    for (const auto& fn : to_notify) (*fn)();
  }

  // Ends every subscription (each delivers what it has queued, then ends with OK) and makes
  // later Subscribe() calls fail. Idempotent.
  void Close() ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<typename Subscription::NotifyFn> to_notify;
    {
      absl::MutexLock lock(&mu_);
      if (closed_) return;
      closed_ = true;
      for (auto& sub : subscribers_) {
        if (auto fn = sub->End()) to_notify.push_back(std::move(fn));
      }
      subscribers_.clear();
    }
    for (const auto& fn : to_notify) (*fn)();
  }

  bool closed() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return closed_;
  }

  // Open subscriptions (for metrics and tests).
  size_t subscriber_count() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    size_t n = 0;
    for (const auto& sub : subscribers_) {
      if (sub->state() == Subscription::State::kOpen) ++n;
    }
    return n;
  }

 private:
  void PruneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::erase_if(subscribers_,
                  [](const auto& sub) { return sub->state() != Subscription::State::kOpen; });
  }

  Options options_;
  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::shared_ptr<Subscription>> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_EVENT_HUB_H_
