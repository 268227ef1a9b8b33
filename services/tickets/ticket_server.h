// TicketServer: a whole tickets service in one object, as main.cc and the cross-service tests
// run it: database pool and migrations, PgTicketStore, EventHub + EventFeed, the gRPC service
// with reflection/health/metrics (ServerRunner), and the sweeper that auto-resolves tickets
// whose clear window has run out.
//
//   ASSIGN_OR_RETURN(auto server, TicketServer::Create({.dsn = dsn}));
//   server->Wait();  // until SIGTERM (after InstallSignalHandlers) or Shutdown()
//
// Thread safety: Shutdown/Wait from any thread; the sweeper and feed run on their own threads.
#ifndef OPS_SERVICES_TICKETS_TICKET_SERVER_H_
#define OPS_SERVICES_TICKETS_TICKET_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "core/clock.h"
#include "libs/grpc/event_hub.h"
#include "libs/grpc/server_runner.h"
#include "libs/pg/database.h"
#include "libs/prom/registry.h"
#include "services/tickets/event_feed.h"
#include "services/tickets/pg_ticket_store.h"
#include "services/tickets/ticket_service.h"

namespace ops::tickets {

class TicketServer {
 public:
  struct Options {
    std::string dsn;
    std::string listen_address = "127.0.0.1:50052";
    int metrics_port = -1;  // -1: no /metrics, 0: pick one
    int pool_size = 8;
    absl::Duration connect_deadline = absl::Seconds(30);
    PgTicketStore::Options store;
    TicketServiceImpl::Options service;
    EventFeed::Options feed;
    // Events a WatchTickets client may fall behind before it is dropped.
    size_t stream_queue = 1024;
    // How often the sweeper looks for tickets to auto-resolve; zero disables it (tests drive
    // store()->ResolveDueTickets() themselves).
    absl::Duration sweep_interval = absl::Seconds(1);
    // Time source for the store; RealClock when null.
    const core::Clock* clock = nullptr;
  };

  // Connects (retrying until connect_deadline), migrates, starts the feed, the sweeper and the
  // gRPC server. UNAVAILABLE naming the redacted DSN or the address when that fails.
  static absl::StatusOr<std::unique_ptr<TicketServer>> Create(Options options);

  ~TicketServer();

  // The gRPC address clients in this process can dial.
  std::string address() const { return runner_->address(); }
  int metrics_port() const { return runner_->metrics_port(); }
  TicketStore* store() { return store_.get(); }
  const EventFeed& feed() const { return *feed_; }
  absl::Status InstallSignalHandlers() { return runner_->InstallSignalHandlers(); }
  void Wait() { runner_->Wait(); }
  // Stops serving (streams end with OK), then the sweeper and the feed. Idempotent.
  void Shutdown();

 private:
  explicit TicketServer(Options options) : options_(std::move(options)) {}
  absl::Status Init();
  void Sweep();
  std::string RenderMetrics();

  Options options_;
  std::unique_ptr<pg::Database> db_;
  std::unique_ptr<PgTicketStore> store_;
  std::unique_ptr<grpcutil::EventHub<tv1::TicketEvent>> hub_;
  std::unique_ptr<EventFeed> feed_;
  std::unique_ptr<TicketServiceImpl> service_;
  std::unique_ptr<grpcutil::ServerRunner> runner_;
  prom::Registry registry_;
  prom::Gauge* published_seq_ = nullptr;
  prom::Gauge* feed_connected_ = nullptr;
  prom::Gauge* streams_ = nullptr;
  prom::Counter* resolved_ = nullptr;
  prom::Counter* sweep_errors_ = nullptr;
  absl::Notification stop_sweep_;
  std::thread sweeper_;
};

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_TICKET_SERVER_H_
