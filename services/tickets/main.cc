// tickets: the Operator tickets service (docs/tickets.md). Keeps tickets in PostgreSQL, opens
// them from observer signals, and streams every change to watchers.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "libs/config/config.h"
#include "services/tickets/ticket_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052", "gRPC address to serve on (host:port).");
ABSL_FLAG(int, metrics_port, 9102, "Port for GET /metrics; -1 disables it, 0 picks one.");
ABSL_FLAG(std::string, pg_dsn, "",
          "PostgreSQL connection string, e.g. 'host=/var/run/postgresql dbname=operator'. "
          "Prefer env OPS_PG_DSN when it holds a password.");
ABSL_FLAG(int, pg_pool_size, 8, "PostgreSQL connections kept open.");
ABSL_FLAG(absl::Duration, resolve_after, absl::Minutes(2),
          "How long a signal must stay clear before its ticket resolves by itself.");
ABSL_FLAG(absl::Duration, flap_window, absl::Minutes(15),
          "A signal firing again within this long after its ticket resolved reopens it as "
          "flapping.");
ABSL_FLAG(int, max_snapshots, 10, "Later evidence snapshots kept per ticket.");
ABSL_FLAG(absl::Duration, sweep_interval, absl::Seconds(1),
          "How often to look for tickets to auto-resolve.");

int main(int argc, char** argv) {
  auto args = ops::config::Init(
      argc, argv, {.usage = "tickets: the Operator tickets service (PostgreSQL-backed tickets "
                            "and their event stream).\nExample: tickets --pg_dsn='host=/tmp "
                            "port=5432 dbname=operator' --listen=127.0.0.1:50052"});
  if (!args.ok()) {
    std::cerr << "tickets: " << args.status().message() << "\n";
    return 2;
  }
  ops::tickets::TicketServer::Options o;
  o.dsn = absl::GetFlag(FLAGS_pg_dsn);
  o.listen_address = absl::GetFlag(FLAGS_listen);
  o.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  o.pool_size = absl::GetFlag(FLAGS_pg_pool_size);
  o.store.policy.resolve_after = absl::GetFlag(FLAGS_resolve_after);
  o.store.policy.flap_window = absl::GetFlag(FLAGS_flap_window);
  o.store.max_later_snapshots = absl::GetFlag(FLAGS_max_snapshots);
  o.sweep_interval = absl::GetFlag(FLAGS_sweep_interval);
  auto server = ops::tickets::TicketServer::Create(o);
  if (!server.ok()) {
    std::cerr << "tickets: " << server.status().message() << "\n";
    return 1;
  }
  if (auto s = (*server)->InstallSignalHandlers(); !s.ok()) {
    std::cerr << "tickets: " << s.message() << "\n";
    return 1;
  }
  (*server)->Wait();
  (*server)->Shutdown();
  return 0;
}
