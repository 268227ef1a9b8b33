// How tickets look on a terminal: names of statuses, severities and event types (and parsing
// them back from the command line), the `tickets list` table and the `tickets watch` event
// lines. The detail view of `tickets show` is in ticket_detail.h. Everything renders to
// strings; the current time comes in through ViewOptions so ages are testable.
//
// Pure functions; thread-safe.
#ifndef OPS_CLIENTS_CLI_TICKET_VIEW_H_
#define OPS_CLIENTS_CLI_TICKET_VIEW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/cli/format.h"
#include "google/protobuf/timestamp.pb.h"
#include "ops/v1/common.pb.h"
#include "ops/v1/tickets.pb.h"

namespace ops::cli {

// What every renderer needs to know about the terminal and the time.
struct ViewOptions {
  absl::Time now = absl::UnixEpoch();
  // Terminal columns; 0 means do not truncate.
  size_t width = 0;
  bool color = false;
};

// Lower-case names: "open", "diagnosing", "diagnosed", "resolved"; "critical", "warning",
// "info"; "-" for UNSPECIFIED and the number for values this build does not know.
std::string StatusName(tickets::v1::TicketStatus status);
std::string SeverityName(common::v1::Severity severity);
// "opened", "signal-resolved", "diagnosis-attached", ...
std::string EventTypeName(tickets::v1::TicketEventType type);

// Parses a comma-separated status list ("open,diagnosed"), case-insensitive. "active" stands
// for open, diagnosing and diagnosed. INVALID_ARGUMENT naming the bad word and the choices.
absl::StatusOr<std::vector<tickets::v1::TicketStatus>> ParseStatuses(absl::string_view text);
// Parses "info", "warning" or "critical" (case-insensitive; "warn" and "crit" too).
absl::StatusOr<common::v1::Severity> ParseSeverity(absl::string_view text);

ColorRole SeverityRole(common::v1::Severity severity);
ColorRole StatusRole(tickets::v1::TicketStatus status);

// "store 4", or just the kind when the entity has no id ("cluster"); "-" when empty.
std::string EntityText(const common::v1::Entity& entity);

// The time in a Timestamp field, or InfinitePast when `present` is false or it is invalid.
absl::Time TimeOrPast(const google::protobuf::Timestamp& ts, bool present);
// "2024-05-01 10:00:00 UTC", or "-" for InfinitePast.
std::string FormatTimestamp(absl::Time t);

// The status cell: "open", "open (held)", "diagnosed (held, flapping)".
std::string StatusText(const tickets::v1::Ticket& ticket);
// The ticket's summary, or its signal's when the ticket has none.
std::string SummaryText(const tickets::v1::Ticket& ticket);

// The `tickets list` table: ID, STATUS, SEVERITY, INVARIANT, ENTITY, OCC, LAST SEEN (relative
// to options.now), SUMMARY (truncated to options.width).
std::string RenderTicketTable(const std::vector<tickets::v1::Ticket>& tickets,
                              const ViewOptions& options);

// The header line of `tickets watch` and one aligned line per event (fixed column widths, so
// lines of a stream line up without knowing what comes later).
std::string RenderEventHeader(const ViewOptions& options);
std::string RenderEventLine(const tickets::v1::TicketEvent& event, const ViewOptions& options);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_TICKET_VIEW_H_
