#include "clients/cli/ticket_view.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/proto_time.h"

namespace ops::cli {
namespace {

using tickets::v1::Ticket;
using tickets::v1::TicketEvent;
using tickets::v1::TicketEventType;
using tickets::v1::TicketStatus;

// "TICKET_EVENT_TYPE_SIGNAL_RESOLVED" -> "signal-resolved"; unknown values print as numbers
// so a newer server never breaks an older client.
std::string ShortEnumName(const std::string& full, absl::string_view prefix, int value) {
  if (full.empty()) return absl::StrCat(value);
  absl::string_view name = full;
  if (absl::EndsWith(name, "_UNSPECIFIED")) return "-";
  absl::ConsumePrefix(&name, prefix);
  return absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}});
}

// Events a person or a service caused on purpose: show who and why. The others are about the
// problem itself: show what it is.
bool IsActionEvent(TicketEventType type) {
  switch (type) {
    case tickets::v1::TICKET_EVENT_TYPE_HELD:
    case tickets::v1::TICKET_EVENT_TYPE_RELEASED:
    case tickets::v1::TICKET_EVENT_TYPE_RESOLVED:
    case tickets::v1::TICKET_EVENT_TYPE_STATUS_CHANGED:
    case tickets::v1::TICKET_EVENT_TYPE_DIAGNOSIS_ATTACHED:
    case tickets::v1::TICKET_EVENT_TYPE_OBSERVER_STATUS:
      return true;
    default:
      return false;
  }
}

std::string EventDetail(const TicketEvent& event) {
  const Ticket& ticket = event.ticket();
  if (!IsActionEvent(event.type())) {
    return absl::StrCat(ticket.invariant(), " ", EntityText(ticket.entity()), ": ",
                        SummaryText(ticket));
  }
  std::string reason = event.reason();
  if (reason.empty() && event.type() == tickets::v1::TICKET_EVENT_TYPE_RESOLVED) {
    reason = ticket.resolution_reason();
  }
  std::vector<std::string> parts;
  if (!event.actor().empty()) parts.push_back(absl::StrCat("by ", event.actor()));
  if (!reason.empty()) parts.push_back(reason);
  if (event.type() == tickets::v1::TICKET_EVENT_TYPE_DIAGNOSIS_ATTACHED &&
      ticket.diagnoses_size() > 0) {
    const auto& cause = ticket.diagnoses(ticket.diagnoses_size() - 1).root_cause();
    if (!cause.category().empty()) {
      parts.push_back(
          absl::StrFormat("root cause %s (%.2f)", cause.category(), cause.confidence()));
    }
  }
  return absl::StrJoin(parts, ": ");
}

// Observer-wide events carry no ticket: who reported and what.
std::string ObserverDetail(const TicketEvent& event) {
  std::vector<std::string> parts;
  for (const std::string& part : {event.actor(), event.reason()}) {
    if (!part.empty()) parts.push_back(part);
  }
  return absl::StrJoin(parts, ": ");
}

// Column widths of the watch stream; the last column (DETAIL) takes the rest of the line.
const std::vector<size_t>& EventWidths() {
  // SEQ, AT ("11-14 22:12:20"), EVENT ("diagnosis-attached"), TICKET, STATUS ("diagnosing"),
  // SEVERITY, DETAIL.
  static const std::vector<size_t> kWidths = {6, 14, 18, 9, 10, 8, 0};
  return kWidths;
}

}  // namespace

std::string StatusName(TicketStatus status) {
  return ShortEnumName(tickets::v1::TicketStatus_Name(status), "TICKET_STATUS_", status);
}

std::string SeverityName(common::v1::Severity severity) {
  return ShortEnumName(common::v1::Severity_Name(severity), "SEVERITY_", severity);
}

std::string EventTypeName(TicketEventType type) {
  return ShortEnumName(tickets::v1::TicketEventType_Name(type), "TICKET_EVENT_TYPE_", type);
}

absl::StatusOr<std::vector<TicketStatus>> ParseStatuses(absl::string_view text) {
  std::vector<TicketStatus> out;
  for (absl::string_view word : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(word));
    if (lower == "active") {
      out.insert(out.end(), {tickets::v1::TICKET_STATUS_OPEN, tickets::v1::TICKET_STATUS_DIAGNOSING,
                             tickets::v1::TICKET_STATUS_DIAGNOSED});
      continue;
    }
    TicketStatus status;
    if (!tickets::v1::TicketStatus_Parse(
            absl::StrCat("TICKET_STATUS_", absl::AsciiStrToUpper(lower)), &status) ||
        status == tickets::v1::TICKET_STATUS_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown status \"", word, "\" (want open, diagnosing, diagnosed, resolved or active)"));
    }
    out.push_back(status);
  }
  if (out.empty()) return absl::InvalidArgumentError("--status needs at least one status");
  return out;
}

absl::StatusOr<common::v1::Severity> ParseSeverity(absl::string_view text) {
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (upper == "WARN") upper = "WARNING";
  if (upper == "CRIT") upper = "CRITICAL";
  common::v1::Severity severity;
  if (!common::v1::Severity_Parse(absl::StrCat("SEVERITY_", upper), &severity) ||
      severity == common::v1::SEVERITY_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown severity \"", text, "\" (want info, warning or critical)"));
  }
  return severity;
}

ColorRole SeverityRole(common::v1::Severity severity) {
  switch (severity) {
    case common::v1::SEVERITY_CRITICAL:
      return ColorRole::kCritical;
    case common::v1::SEVERITY_WARNING:
      return ColorRole::kWarning;
    case common::v1::SEVERITY_INFO:
      return ColorRole::kInfo;
    default:
      return ColorRole::kNone;
  }
}

ColorRole StatusRole(TicketStatus status) {
  switch (status) {
    case tickets::v1::TICKET_STATUS_OPEN:
      return ColorRole::kWarning;
    case tickets::v1::TICKET_STATUS_DIAGNOSING:
      return ColorRole::kInfo;
    case tickets::v1::TICKET_STATUS_DIAGNOSED:
      return ColorRole::kBold;
    case tickets::v1::TICKET_STATUS_RESOLVED:
      return ColorRole::kOk;
    default:
      return ColorRole::kNone;
  }
}

std::string EntityText(const common::v1::Entity& entity) {
  if (entity.kind().empty() && entity.id().empty()) return "-";
  if (entity.id().empty()) return entity.kind();
  if (entity.kind().empty()) return entity.id();
  return absl::StrCat(entity.kind(), " ", entity.id());
}

absl::Time TimeOrPast(const google::protobuf::Timestamp& ts, bool present) {
  if (!present) return absl::InfinitePast();
  absl::StatusOr<absl::Time> t = core::TimeFromProto(ts);
  return t.ok() ? *t : absl::InfinitePast();
}

std::string FormatTimestamp(absl::Time t) {
  if (t == absl::InfinitePast()) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

std::string StatusText(const Ticket& ticket) {
  std::vector<absl::string_view> flags;
  if (ticket.held()) flags.push_back("held");
  if (ticket.flapping()) flags.push_back("flapping");
  std::string text = StatusName(ticket.status());
  if (!flags.empty()) absl::StrAppend(&text, " (", absl::StrJoin(flags, ", "), ")");
  return text;
}

std::string SummaryText(const Ticket& ticket) {
  return ticket.summary().empty() ? ticket.signal().summary() : ticket.summary();
}

std::string RenderTicketTable(const std::vector<Ticket>& tickets, const ViewOptions& options) {
  Table table({"ID", "STATUS", "SEVERITY", "INVARIANT", "ENTITY", "OCC", "LAST SEEN", "SUMMARY"});
  for (const Ticket& t : tickets) {
    table.AddRow({t.id(), Cell(StatusText(t), StatusRole(t.status())),
                  Cell(SeverityName(t.severity()), SeverityRole(t.severity())), t.invariant(),
                  EntityText(t.entity()), absl::StrCat(t.occurrences()),
                  FormatAge(options.now, TimeOrPast(t.last_seen(), t.has_last_seen())),
                  SummaryText(t)});
  }
  return table.Render(options.width, options.color);
}

std::string RenderEventHeader(const ViewOptions& options) {
  std::vector<Cell> cells;
  for (const char* h : {"SEQ", "AT (UTC)", "EVENT", "TICKET", "STATUS", "SEVERITY", "DETAIL"}) {
    cells.emplace_back(h, ColorRole::kBold);
  }
  return RenderRow(cells, EventWidths(), options.width, options.color);
}

std::string RenderEventLine(const TicketEvent& event, const ViewOptions& options) {
  const Ticket& ticket = event.ticket();
  const bool has_ticket = event.has_ticket() && !event.ticket_id().empty();
  const absl::Time at = TimeOrPast(event.at(), event.has_at());
  std::vector<Cell> cells = {
      absl::StrCat(event.seq()),
      at == absl::InfinitePast() ? std::string("-")
                                 : absl::FormatTime("%m-%d %H:%M:%S", at, absl::UTCTimeZone()),
      EventTypeName(event.type()),
      event.ticket_id().empty() ? std::string("-") : event.ticket_id(),
      has_ticket ? Cell(StatusName(ticket.status()), StatusRole(ticket.status())) : Cell("-"),
      has_ticket ? Cell(SeverityName(ticket.severity()), SeverityRole(ticket.severity()))
                 : Cell("-"),
      has_ticket ? EventDetail(event) : ObserverDetail(event),
  };
  return RenderRow(cells, EventWidths(), options.width, options.color);
}

}  // namespace ops::cli
