// The ticket lifecycle as a pure state machine: OPEN -> DIAGNOSING -> DIAGNOSED -> RESOLVED,
// holds by a person, the clear window after which a ticket resolves by itself, and reopening a
// recently resolved ticket as flapping. The tickets service loads a ticket's state (under a row
// lock), applies one of these functions with the time from its Clock, stores the result and
// appends the returned events; nothing here reads the clock or does I/O.
//
//   TicketState t = ...;                       // from the row
//   ASSIGN_OR_RETURN(std::vector<TicketChange> changes, Hold(t, "alice", "upgrade in progress"));
//
// Rules (see docs/tickets.md):
// - A FIRING report records an occurrence on the unresolved ticket of its fingerprint and stops
//   its clear window; with no unresolved ticket it reopens the latest one when that resolved
//   less than flap_window ago (marking it flapping), and otherwise opens a new ticket.
// - A RESOLVED report starts the clear window (kept if already running). The ticket resolves
//   once the window has run `resolve_after`, unless it is held or the subject's observer is
//   blind.
// - Invalid transitions (holding a resolved ticket, resolving a held one) fail with
//   FAILED_PRECONDITION and a message saying why and what to do.
//
// Thread safety: plain values and pure functions.
#ifndef OPS_CORE_TICKET_LIFECYCLE_H_
#define OPS_CORE_TICKET_LIFECYCLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ops/v1/common.pb.h"
#include "ops/v1/tickets.pb.h"

namespace ops::core {

using TicketStatus = ::ops::tickets::v1::TicketStatus;
using TicketEventType = ::ops::tickets::v1::TicketEventType;

struct TicketPolicy {
  // How long a signal must stay clear (reported RESOLVED, not firing again) before its ticket
  // resolves by itself.
  absl::Duration resolve_after = absl::Minutes(2);
  // A fingerprint that fires again within this long after its ticket resolved reopens that
  // ticket, marked flapping, instead of opening a new one.
  absl::Duration flap_window = absl::Minutes(15);
};

// The part of a ticket the lifecycle decides on. Plain value.
struct TicketState {
  TicketStatus status = ::ops::tickets::v1::TICKET_STATUS_OPEN;
  ::ops::common::v1::Severity severity = ::ops::common::v1::SEVERITY_UNSPECIFIED;
  bool held = false;
  std::string hold_actor;
  std::string hold_reason;
  bool flapping = false;
  uint64_t occurrences = 0;
  absl::Time first_seen = absl::InfinitePast();
  absl::Time last_seen = absl::InfinitePast();
  absl::Time opened_at = absl::InfinitePast();
  // When the signal was last reported RESOLVED with no firing since; the clear window's start.
  std::optional<absl::Time> clear_since;
  std::optional<absl::Time> resolved_at;
  std::string resolution_reason;

  friend bool operator==(const TicketState&, const TicketState&) = default;
};

// One event to append to the ticket's log.
struct TicketChange {
  TicketEventType type = ::ops::tickets::v1::TICKET_EVENT_TYPE_UNSPECIFIED;
  std::string reason;

  friend bool operator==(const TicketChange&, const TicketChange&) = default;
};

// The state of a brand-new ticket for a FIRING signal seen at `now`.
TicketState NewTicket(::ops::common::v1::Severity severity, absl::Time now);

// True when `latest` (the newest ticket of a fingerprint, resolved) should be reopened by a
// FIRING report at `now` rather than a new ticket opened.
bool ShouldReopen(const TicketState& latest, absl::Time now, const TicketPolicy& policy);

// Reopens a resolved ticket as flapping: OPEN, clear window and resolution cleared, one more
// occurrence. Returns REOPENED, plus FLAPPING when it was not flapping before and
// SEVERITY_CHANGED when `severity` is higher. Precondition: t.status is RESOLVED.
std::vector<TicketChange> Reopen(TicketState& t, ::ops::common::v1::Severity severity,
                                 absl::Time now);

// A FIRING report for an unresolved ticket: one more occurrence, last_seen = now, the clear
// window stops. Returns OCCURRED (and SEVERITY_CHANGED when `severity` is higher).
std::vector<TicketChange> RecordFiring(TicketState& t, ::ops::common::v1::Severity severity,
                                       absl::Time now);

// A RESOLVED report for an unresolved ticket: starts the clear window unless it is running.
// Returns SIGNAL_RESOLVED when the window started, nothing when it was already running.
std::vector<TicketChange> RecordSignalResolved(TicketState& t, absl::Time now);

// True when the ticket may resolve by itself at `now`: unresolved, not held, clear for at
// least policy.resolve_after, and the subject's observer is not blind.
bool DueForAutoResolve(const TicketState& t, absl::Time now, const TicketPolicy& policy,
                       bool observer_blind);

// Resolves the ticket by itself (caller checked DueForAutoResolve). Returns RESOLVED with the
// reason "signal clear for <window>".
std::vector<TicketChange> AutoResolve(TicketState& t, absl::Time now,
                                      const TicketPolicy& policy);

// A person holds the ticket. Holding a held ticket replaces actor and reason. INVALID_ARGUMENT
// without actor or reason; FAILED_PRECONDITION when the ticket is resolved.
absl::StatusOr<std::vector<TicketChange>> Hold(TicketState& t, const std::string& actor,
                                               const std::string& reason);

// A person releases the hold; a no-op (no events) when not held. INVALID_ARGUMENT without actor.
absl::StatusOr<std::vector<TicketChange>> Release(TicketState& t, const std::string& actor,
                                                  const std::string& reason);

// A person resolves the ticket; a no-op when already resolved. INVALID_ARGUMENT without actor
// or reason; FAILED_PRECONDITION while held (release it first).
absl::StatusOr<std::vector<TicketChange>> ResolveByPerson(TicketState& t,
                                                          const std::string& actor,
                                                          const std::string& reason,
                                                          absl::Time now);

// A diagnoser claims the ticket: OPEN -> DIAGNOSING. Returns nullopt (and changes nothing) when
// the ticket is not OPEN.
std::optional<std::vector<TicketChange>> Claim(TicketState& t, const std::string& diagnoser_id);

// A diagnosis is attached: DIAGNOSED, unless the ticket is RESOLVED (it stays resolved).
// Returns DIAGNOSIS_ATTACHED, plus STATUS_CHANGED when the status changed.
std::vector<TicketChange> AttachDiagnosis(TicketState& t, const std::string& diagnoser_id);

// "OPEN", "DIAGNOSING", ... for messages.
std::string StatusName(TicketStatus status);

}  // namespace ops::core

#endif  // OPS_CORE_TICKET_LIFECYCLE_H_
