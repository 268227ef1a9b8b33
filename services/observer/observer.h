// Observer: the observer service's engine. A loop thread takes a snapshot from the subject
// adapter every cycle (or at once when the adapter reports a change), evaluates the invariants
// (SignalEngine), and fans the results out:
//
//   - signal transitions -> SignalEvents on the signals hub (WatchSignals) and, for FIRING and
//     RESOLVED, the TicketReporter with the snapshot as evidence;
//   - firing signals are re-sent every resend_interval (resend = true), so a late subscriber
//     converges without replaying history;
//   - a HealthSummary on the health hub every health_interval (WatchHealth, the TUI);
//   - visibility changes (blind or not) -> TicketReporter, so tickets never auto-resolve while
//     the observer cannot see;
//   - the snapshot -> History and the "latest snapshot" (GetSnapshot).
//
// Thread safety: Start/Stop from one thread; every accessor is thread-safe. RunCycle is for
// tests that drive the loop by hand (do not Start() then).
#ifndef OPS_SERVICES_OBSERVER_OBSERVER_H_
#define OPS_SERVICES_OBSERVER_OBSERVER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/subject_adapter.h"
#include "libs/grpc/event_hub.h"
#include "ops/v1/observer.pb.h"
#include "services/observer/history.h"
#include "services/observer/signal_engine.h"
#include "services/observer/ticket_reporter.h"

namespace ops::observer {

namespace ov1 = ::ops::observer::v1;

class Observer {
 public:
  struct Options {
    std::string observer_id = "observer-1";
    // Name of the invariant that reports blindness (see SignalEngine).
    std::string blind_invariant = "observer_blind";
    absl::Duration cycle = absl::Milliseconds(250);
    absl::Duration health_interval = absl::Seconds(1);
    absl::Duration resend_interval = absl::Seconds(10);
    // Budget for one CollectSnapshot.
    absl::Duration collect_timeout = absl::Seconds(2);
    // Signal events kept for WatchSignals replays.
    size_t signal_log = 10000;
    size_t stream_queue = 1024;
    absl::Duration history_span = absl::Minutes(15);
  };

  // `adapter` must outlive the observer; `reporter` may be null (no tickets service).
  static absl::StatusOr<std::unique_ptr<Observer>> Create(core::SubjectAdapter* adapter,
                                                          TicketReporter* reporter,
                                                          Options options);
  ~Observer();

  // Starts the loop thread. Stop() ends it and closes the hubs (streams end OK).
  void Start();
  void Stop();

  // One cycle: collect, evaluate, publish. Returns the transitions it produced.
  absl::StatusOr<std::vector<core::SignalTransition>> RunCycle();

  grpcutil::EventHub<ov1::SignalEvent>& signal_hub() { return signal_hub_; }
  grpcutil::EventHub<ov1::HealthSummary>& health_hub() { return health_hub_; }
  const History& history() const { return history_; }

  // The newest snapshot (nullopt before the first cycle).
  std::optional<core::Snapshot> LatestSnapshot() const;
  // Stored signal events with seq >= from_seq (at most `limit`), oldest first; OUT_OF_RANGE
  // when from_seq is older than what is kept.
  absl::StatusOr<std::vector<ov1::SignalEvent>> SignalEventsFrom(uint64_t from_seq,
                                                                 size_t limit) const;
  // Pending and firing signals now, and the seq of the last signal event.
  std::pair<std::vector<core::Signal>, uint64_t> ActiveSignals() const;
  // The newest health summary (nullopt before the first one).
  std::optional<ov1::HealthSummary> LatestHealth() const;

  // Loop statistics for /metrics.
  struct Stats {
    uint64_t cycles = 0;
    absl::Duration last_cycle = absl::ZeroDuration();
    uint64_t collect_errors = 0;
  };
  Stats stats() const;

  const Options& options() const { return options_; }

 private:
  Observer(core::SubjectAdapter* adapter, TicketReporter* reporter, Options options);
  void Loop();
  void PublishSignal(const core::Signal& signal, bool resend, absl::Time at)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ov1::HealthSummary BuildHealth(const core::Snapshot& snap, absl::Time at)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  core::SubjectAdapter* const adapter_;
  TicketReporter* const reporter_;
  const Options options_;
  std::unique_ptr<SignalEngine> engine_;
  grpcutil::EventHub<ov1::SignalEvent> signal_hub_;
  grpcutil::EventHub<ov1::HealthSummary> health_hub_;
  History history_;

  mutable absl::Mutex mu_;
  std::optional<core::Snapshot> latest_ ABSL_GUARDED_BY(mu_);
  std::vector<core::Signal> active_ ABSL_GUARDED_BY(mu_);
  std::deque<ov1::SignalEvent> signal_log_ ABSL_GUARDED_BY(mu_);
  uint64_t signal_seq_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t health_seq_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<ov1::HealthSummary> latest_health_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> last_health_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::Time> last_resend_ ABSL_GUARDED_BY(mu_);
  std::optional<bool> last_blind_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread loop_;
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_OBSERVER_H_
