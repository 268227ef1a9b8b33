#include "core/ticket_lifecycle.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ops::core {
namespace {

namespace tv1 = ::ops::tickets::v1;
using ::ops::common::v1::Severity;

std::string SeverityName(Severity s) {
  switch (s) {
    case ::ops::common::v1::SEVERITY_INFO:
      return "info";
    case ::ops::common::v1::SEVERITY_WARNING:
      return "warning";
    case ::ops::common::v1::SEVERITY_CRITICAL:
      return "critical";
    default:
      return "unspecified";
  }
}

// Raises the ticket's severity to `s` when higher; returns the event for it.
void RaiseSeverity(TicketState& t, Severity s, std::vector<TicketChange>& changes) {
  if (s <= t.severity) return;
  changes.push_back({tv1::TICKET_EVENT_TYPE_SEVERITY_CHANGED,
                     absl::StrCat("severity ", SeverityName(t.severity), " -> ", SeverityName(s))});
  t.severity = s;
}

std::string FormatWindow(absl::Duration d) { return absl::FormatDuration(d); }

}  // namespace

std::string StatusName(TicketStatus status) {
  switch (status) {
    case tv1::TICKET_STATUS_OPEN:
      return "OPEN";
    case tv1::TICKET_STATUS_DIAGNOSING:
      return "DIAGNOSING";
    case tv1::TICKET_STATUS_DIAGNOSED:
      return "DIAGNOSED";
    case tv1::TICKET_STATUS_RESOLVED:
      return "RESOLVED";
    default:
      return "UNSPECIFIED";
  }
}

TicketState NewTicket(Severity severity, absl::Time now) {
  TicketState t;
  t.status = tv1::TICKET_STATUS_OPEN;
  t.severity = severity;
  t.occurrences = 1;
  t.first_seen = now;
  t.last_seen = now;
  t.opened_at = now;
  return t;
}

bool ShouldReopen(const TicketState& latest, absl::Time now, const TicketPolicy& policy) {
  return latest.status == tv1::TICKET_STATUS_RESOLVED && latest.resolved_at.has_value() &&
         now - *latest.resolved_at < policy.flap_window;
}

std::vector<TicketChange> Reopen(TicketState& t, Severity severity, absl::Time now) {
  std::vector<TicketChange> changes;
  std::string ago = t.resolved_at ? FormatWindow(now - *t.resolved_at) : "recently";
  changes.push_back(
      {tv1::TICKET_EVENT_TYPE_REOPENED, absl::StrCat("fired again ", ago, " after resolving")});
  if (!t.flapping) {
    t.flapping = true;
    changes.push_back({tv1::TICKET_EVENT_TYPE_FLAPPING,
                       absl::StrCat("fired again ", ago, " after resolving")});
  }
  t.status = tv1::TICKET_STATUS_OPEN;
  t.occurrences += 1;
  t.last_seen = now;
  t.opened_at = now;
  t.clear_since.reset();
  t.resolved_at.reset();
  t.resolution_reason.clear();
  RaiseSeverity(t, severity, changes);
  return changes;
}

std::vector<TicketChange> RecordFiring(TicketState& t, Severity severity, absl::Time now) {
  std::vector<TicketChange> changes;
  std::string reason = t.clear_since ? "fired again during the clear window" : "";
  changes.push_back({tv1::TICKET_EVENT_TYPE_OCCURRED, std::move(reason)});
  t.occurrences += 1;
  t.last_seen = now;
  t.clear_since.reset();
  RaiseSeverity(t, severity, changes);
  return changes;
}

std::vector<TicketChange> RecordSignalResolved(TicketState& t, absl::Time now) {
  if (t.clear_since.has_value() || t.status == tv1::TICKET_STATUS_RESOLVED) return {};
  t.clear_since = now;
  return {{tv1::TICKET_EVENT_TYPE_SIGNAL_RESOLVED, "observer reports the signal clear"}};
}

bool DueForAutoResolve(const TicketState& t, absl::Time now, const TicketPolicy& policy,
                       bool observer_blind) {
  return t.status != tv1::TICKET_STATUS_RESOLVED && !t.held && !observer_blind &&
         t.clear_since.has_value() && now - *t.clear_since >= policy.resolve_after;
}

std::vector<TicketChange> AutoResolve(TicketState& t, absl::Time now,
                                      const TicketPolicy& policy) {
  std::string reason = absl::StrCat("signal clear for ", FormatWindow(policy.resolve_after));
  t.status = tv1::TICKET_STATUS_RESOLVED;
  t.resolved_at = now;
  t.resolution_reason = reason;
  t.clear_since.reset();
  return {{tv1::TICKET_EVENT_TYPE_RESOLVED, std::move(reason)}};
}

absl::StatusOr<std::vector<TicketChange>> Hold(TicketState& t, const std::string& actor,
                                               const std::string& reason) {
  if (actor.empty()) return absl::InvalidArgumentError("hold needs an actor (who holds it)");
  if (reason.empty()) return absl::InvalidArgumentError("hold needs a reason");
  if (t.status == tv1::TICKET_STATUS_RESOLVED) {
    return absl::FailedPreconditionError(
        "cannot hold a resolved ticket: it is already closed; if the problem is back, the "
        "observer reopens it when the signal fires again");
  }
  t.held = true;
  t.hold_actor = actor;
  t.hold_reason = reason;
  return std::vector<TicketChange>{{tv1::TICKET_EVENT_TYPE_HELD, reason}};
}

absl::StatusOr<std::vector<TicketChange>> Release(TicketState& t, const std::string& actor,
                                                  const std::string& reason) {
  if (actor.empty()) return absl::InvalidArgumentError("release needs an actor (who releases)");
  if (!t.held) return std::vector<TicketChange>{};
  t.held = false;
  t.hold_actor.clear();
  t.hold_reason.clear();
  return std::vector<TicketChange>{{tv1::TICKET_EVENT_TYPE_RELEASED, reason}};
}

absl::StatusOr<std::vector<TicketChange>> ResolveByPerson(TicketState& t,
                                                          const std::string& actor,
                                                          const std::string& reason,
                                                          absl::Time now) {
  if (actor.empty()) return absl::InvalidArgumentError("resolve needs an actor (who resolves)");
  if (reason.empty()) return absl::InvalidArgumentError("resolve needs a reason");
  if (t.status == tv1::TICKET_STATUS_RESOLVED) return std::vector<TicketChange>{};
  if (t.held) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "ticket is held by %s (%s); release it before resolving", t.hold_actor, t.hold_reason));
  }
  t.status = tv1::TICKET_STATUS_RESOLVED;
  t.resolved_at = now;
  t.resolution_reason = reason;
  t.clear_since.reset();
  return std::vector<TicketChange>{{tv1::TICKET_EVENT_TYPE_RESOLVED, reason}};
}

std::optional<std::vector<TicketChange>> Claim(TicketState& t, const std::string& diagnoser_id) {
  if (t.status != tv1::TICKET_STATUS_OPEN) return std::nullopt;
  t.status = tv1::TICKET_STATUS_DIAGNOSING;
  return std::vector<TicketChange>{{tv1::TICKET_EVENT_TYPE_STATUS_CHANGED,
                                    absl::StrCat("OPEN -> DIAGNOSING by ", diagnoser_id)}};
}

std::vector<TicketChange> AttachDiagnosis(TicketState& t, const std::string& diagnoser_id) {
  std::vector<TicketChange> changes;
  changes.push_back({tv1::TICKET_EVENT_TYPE_DIAGNOSIS_ATTACHED, absl::StrCat("by ", diagnoser_id)});
  if (t.status != tv1::TICKET_STATUS_RESOLVED && t.status != tv1::TICKET_STATUS_DIAGNOSED) {
    changes.push_back(
        {tv1::TICKET_EVENT_TYPE_STATUS_CHANGED,
         absl::StrCat(StatusName(t.status), " -> DIAGNOSED by ", diagnoser_id)});
    t.status = tv1::TICKET_STATUS_DIAGNOSED;
  }
  return changes;
}

}  // namespace ops::core
