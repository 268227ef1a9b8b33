// EventFeed: follows the ticket_events log and publishes every committed event to an EventHub,
// in seq order, each exactly once. It holds its own connection with LISTEN on kEventChannel and
// wakes on each NOTIFY, reads the new events through the TicketStore, and also polls every
// poll_interval in case a notification was lost. After losing the connection (database
// restart) it reconnects with backoff and catches up by seq, so streams see no gap.
//
// Because seqs are assigned under the append lock and committed in order (schema.h), "all
// events with seq > published_seq()" is always exactly what the feed has not published yet;
// every replica of the service therefore publishes the same sequence.
//
// Thread safety: Start/Stop from one thread; published_seq() and connected() from any.
#ifndef OPS_SERVICES_TICKETS_EVENT_FEED_H_
#define OPS_SERVICES_TICKETS_EVENT_FEED_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/grpc/event_hub.h"
#include "libs/status/retry.h"
#include "ops/v1/tickets.pb.h"
#include "services/tickets/ticket_store.h"

namespace ops::tickets {

class EventFeed {
 public:
  struct Options {
    // Safety-net poll when no notification arrives.
    absl::Duration poll_interval = absl::Seconds(1);
    // Events read per query while catching up.
    size_t batch = 1000;
    // After publishing, wait this long before reading again, so a burst of commits is read
    // with one query instead of one per NOTIFY (adds at most this much delivery latency).
    absl::Duration coalesce = absl::Milliseconds(2);
    Backoff reconnect_backoff{absl::Milliseconds(100), absl::Seconds(2), 2.0};
  };

  // `store` and `hub` must outlive the feed. `dsn` is the database's DSN (for the LISTEN
  // connection; reads go through the store).
  EventFeed(std::string dsn, TicketStore* store, grpcutil::EventHub<tv1::TicketEvent>* hub,
            Options options);
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // Starts following from the newest committed event (earlier ones are replayed from storage by
  // WatchTickets). UNAVAILABLE when the database cannot be read.
  absl::Status Start();

  // Stops the thread; idempotent.
  void Stop();

  // The seq of the last event published.
  uint64_t published_seq() const { return published_seq_.load(); }

  // True while the LISTEN connection is up.
  bool connected() const { return connected_.load(); }

 private:
  void Run();
  // Publishes everything after published_seq_. Returns false on a read error.
  bool CatchUp();

  const std::string dsn_;
  TicketStore* const store_;
  grpcutil::EventHub<tv1::TicketEvent>* const hub_;
  const Options options_;
  std::atomic<uint64_t> published_seq_{0};
  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_EVENT_FEED_H_
