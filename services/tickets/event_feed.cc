#include "services/tickets/event_feed.h"

#include <memory>
#include <utility>
#include <vector>

#include "libs/log/log.h"
#include "libs/pg/dsn.h"
#include "libs/pg/errors.h"
#include "pqxx/connection"
#include "pqxx/notification"
#include "services/tickets/schema.h"

namespace ops::tickets {
namespace {

// Counts notifications; the payload (a seq) is only a hint, the feed reads by seq anyway.
class Receiver final : public pqxx::notification_receiver {
 public:
  explicit Receiver(pqxx::connection_base& conn)
      : pqxx::notification_receiver(conn, kEventChannel) {}
  void operator()(const std::string&, int) override { ++count; }
  int count = 0;
};

// Sleeps up to `d`, in short steps so Stop() is prompt.
void SleepUnlessStopped(absl::Duration d, const std::atomic<bool>& stop) {
  const absl::Time until = absl::Now() + d;
  while (!stop.load() && absl::Now() < until) {
    absl::SleepFor(std::min(absl::Milliseconds(50), until - absl::Now()));
  }
}

}  // namespace

EventFeed::EventFeed(std::string dsn, TicketStore* store,
                     grpcutil::EventHub<tv1::TicketEvent>* hub, Options options)
    : dsn_(std::move(dsn)), store_(store), hub_(hub), options_(std::move(options)) {}

EventFeed::~EventFeed() { Stop(); }

absl::Status EventFeed::Start() {
  absl::StatusOr<uint64_t> last = store_->LastSeq();
  if (!last.ok()) return last.status();
  published_seq_ = *last;
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void EventFeed::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool EventFeed::CatchUp() {
  const uint64_t before = published_seq_.load();
  for (;;) {
    absl::StatusOr<std::vector<tv1::TicketEvent>> events =
        store_->EventsAfter(published_seq_.load(), options_.batch);
    if (!events.ok()) {
      log::Warn("ticket event feed cannot read events", {{"error", events.status().ToString()}});
      return false;
    }
    for (tv1::TicketEvent& event : *events) {
      published_seq_ = event.seq();
      hub_->Publish(std::move(event));
    }
    if (events->size() < options_.batch) break;
  }
  if (published_seq_.load() != before && options_.coalesce > absl::ZeroDuration()) {
    SleepUnlessStopped(options_.coalesce, stop_);
  }
  return true;
}

void EventFeed::Run() {
  int attempt = 0;
  while (!stop_.load()) {
    try {
      pqxx::connection conn(dsn_);
      Receiver receiver(conn);
      connected_ = true;
      if (attempt > 0) log::Info("ticket event feed reconnected", {{"attempts", attempt}});
      attempt = 0;
      // Anything committed while disconnected (or before LISTEN) is read here.
      CatchUp();
      const int64_t poll_us = absl::ToInt64Microseconds(options_.poll_interval);
      while (!stop_.load()) {
        // Wakes on a notification, or after the poll interval at most.
        conn.await_notification(poll_us / 1000000, poll_us % 1000000);
        receiver.count = 0;
        if (!CatchUp()) SleepUnlessStopped(absl::Milliseconds(200), stop_);
        if (!conn.is_open()) throw pqxx::broken_connection("listen connection closed");
      }
    } catch (const std::exception& e) {
      connected_ = false;
      if (stop_.load()) break;
      log::Warn("ticket event feed lost its database connection; reconnecting",
                {{"error", pg::FromPqxx(e).ToString()}, {"attempt", attempt + 1}});
      SleepUnlessStopped(options_.reconnect_backoff.Delay(attempt++, UnitRandom()), stop_);
    }
  }
  connected_ = false;
}

}  // namespace ops::tickets
