// `operator tickets ...`: list, show, hold, release, resolve and watch against
// ops.tickets.v1.TicketService. The group's table (names, options, help, examples) is built
// here; the handlers of the unary commands live in tickets_commands.cc and `watch` in
// tickets_watch.cc.
#ifndef OPS_CLIENTS_CLI_TICKETS_COMMANDS_H_
#define OPS_CLIENTS_CLI_TICKETS_COMMANDS_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/cli/command.h"
#include "clients/cli/rpc_error.h"

namespace ops::cli {

// The `tickets` command group.
CommandGroup TicketsCommandGroup();

// The handlers, one per command. Each gets its stub from inv.ctx->clients.tickets.
int RunTicketsList(const Invocation& inv);
int RunTicketsShow(const Invocation& inv);
int RunTicketsHold(const Invocation& inv);
int RunTicketsRelease(const Invocation& inv);
int RunTicketsResolve(const Invocation& inv);
int RunTicketsWatch(const Invocation& inv);

// The tickets service as named in messages (address from the global options).
ServiceTarget TicketsTarget(const Invocation& inv);

// --since: a duration back from `now` ("90m", "2h", "3d", "1h30m") or an RFC 3339 time
// ("2024-05-01T10:00:00Z"). INVALID_ARGUMENT otherwise (negative durations too).
absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_TICKETS_COMMANDS_H_
