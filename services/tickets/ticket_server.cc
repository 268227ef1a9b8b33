#include "services/tickets/ticket_server.h"

#include <utility>

#include "libs/log/log.h"
#include "libs/pg/dsn.h"
#include "libs/status/status_macros.h"
#include "services/tickets/schema.h"

namespace ops::tickets {

absl::StatusOr<std::unique_ptr<TicketServer>> TicketServer::Create(Options options) {
  if (options.dsn.empty()) {
    return absl::InvalidArgumentError(
        "no PostgreSQL DSN: set --pg_dsn or OPS_PG_DSN (e.g. host=/tmp port=5432 dbname=operator)");
  }
  std::unique_ptr<TicketServer> server(new TicketServer(std::move(options)));
  RETURN_IF_ERROR(server->Init());
  return server;
}

absl::Status TicketServer::Init() {
  const core::Clock* clock = options_.clock ? options_.clock : core::RealClock::Get();
  ASSIGN_OR_RETURN(db_, pg::Database::Create(options_.dsn,
                                             {.pool_size = options_.pool_size,
                                              .connect_deadline = options_.connect_deadline}));
  RETURN_IF_ERROR(db_->Migrate(TicketMigrations()));
  store_ = std::make_unique<PgTicketStore>(db_.get(), clock, options_.store);
  hub_ = std::make_unique<grpcutil::EventHub<tv1::TicketEvent>>(
      grpcutil::EventHub<tv1::TicketEvent>::Options{.queue_capacity = options_.stream_queue});
  feed_ = std::make_unique<EventFeed>(options_.dsn, store_.get(), hub_.get(), options_.feed);
  RETURN_IF_ERROR(feed_->Start());
  service_ = std::make_unique<TicketServiceImpl>(store_.get(), hub_.get(), options_.service);

  ASSIGN_OR_RETURN(auto seq, registry_.AddGauge("ops_tickets_event_seq",
                                                "Seq of the last ticket event this replica "
                                                "published to its streams.", {}));
  ASSIGN_OR_RETURN(auto connected,
                   registry_.AddGauge("ops_tickets_feed_connected",
                                      "1 while the LISTEN connection to PostgreSQL is up.", {}));
  ASSIGN_OR_RETURN(auto streams, registry_.AddGauge("ops_tickets_watch_streams",
                                                    "Open WatchTickets streams.", {}));
  ASSIGN_OR_RETURN(auto resolved,
                   registry_.AddCounter("ops_tickets_auto_resolved_total",
                                        "Tickets resolved after their clear window.", {}));
  ASSIGN_OR_RETURN(auto errors, registry_.AddCounter("ops_tickets_sweep_errors_total",
                                                     "Auto-resolve sweeps that failed.", {}));
  published_seq_ = &seq->WithLabels({});
  feed_connected_ = &connected->WithLabels({});
  streams_ = &streams->WithLabels({});
  resolved_ = &resolved->WithLabels({});
  sweep_errors_ = &errors->WithLabels({});

  grpcutil::ServerRunner::Options run;
  run.listen_address = options_.listen_address;
  run.metrics_port = options_.metrics_port;
  run.metrics_text = [this] { return RenderMetrics(); };
  run.services = {service_.get()};
  run.on_shutdown = {[this] { hub_->Close(); }};
  ASSIGN_OR_RETURN(runner_, grpcutil::ServerRunner::Create(std::move(run)));
  if (options_.sweep_interval > absl::ZeroDuration()) {
    sweeper_ = std::thread([this] { Sweep(); });
  }
  log::Info("tickets service serving", {{"address", runner_->address()},
                                        {"database", db_->redacted_dsn()},
                                        {"events_from_seq", feed_->published_seq()}});
  return absl::OkStatus();
}

std::string TicketServer::RenderMetrics() {
  published_seq_->Set(static_cast<double>(feed_->published_seq()));
  feed_connected_->Set(feed_->connected() ? 1 : 0);
  streams_->Set(service_->active_streams());
  return registry_.Render();
}

void TicketServer::Sweep() {
  while (!stop_sweep_.WaitForNotificationWithTimeout(options_.sweep_interval)) {
    absl::StatusOr<int> n = store_->ResolveDueTickets();
    if (!n.ok()) {
      sweep_errors_->Increment();
      log::Warn("auto-resolve sweep failed; will retry", {{"error", n.status().ToString()}});
    } else if (*n > 0) {
      resolved_->Increment(*n);
    }
  }
}

void TicketServer::Shutdown() {
  if (runner_) runner_->Shutdown();
  if (!stop_sweep_.HasBeenNotified()) stop_sweep_.Notify();
  if (sweeper_.joinable()) sweeper_.join();
  if (feed_) feed_->Stop();
}

TicketServer::~TicketServer() { Shutdown(); }

}  // namespace ops::tickets
