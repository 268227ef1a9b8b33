#include "services/tickets/pg_ticket_store.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/proto_time.h"
#include "libs/status/status_macros.h"
#include "services/tickets/schema.h"

namespace ops::tickets {
namespace {

using ::ops::common::v1::SIGNAL_STATE_FIRING;
using ::ops::common::v1::SIGNAL_STATE_PENDING;
using ::ops::common::v1::SIGNAL_STATE_RESOLVED;

std::string NullableTime(const std::optional<absl::Time>& t) { return t ? PgTime(*t) : ""; }

std::string ObserverActor(const std::string& observer_id) {
  return observer_id.empty() ? "observer" : "observer:" + observer_id;
}

absl::Status ValidateSignal(const tv1::ReportSignalRequest& request) {
  const auto& s = request.signal();
  if (s.fingerprint().empty()) return absl::InvalidArgumentError("signal.fingerprint is required");
  if (s.subject().empty()) return absl::InvalidArgumentError("signal.subject is required");
  if (s.invariant().empty()) return absl::InvalidArgumentError("signal.invariant is required");
  if (s.state() != SIGNAL_STATE_FIRING && s.state() != SIGNAL_STATE_RESOLVED &&
      s.state() != SIGNAL_STATE_PENDING) {
    return absl::InvalidArgumentError("signal.state must be PENDING, FIRING or RESOLVED");
  }
  if (s.state() == SIGNAL_STATE_FIRING &&
      s.severity() == ::ops::common::v1::SEVERITY_UNSPECIFIED) {
    return absl::InvalidArgumentError("a FIRING signal needs a severity");
  }
  return absl::OkStatus();
}

tv1::EvidenceSnapshot Evidence(const tv1::ReportSignalRequest& request, const char* reason) {
  tv1::EvidenceSnapshot e;
  e.set_reason(reason);
  *e.mutable_snapshot() = request.snapshot();
  return e;
}

}  // namespace

PgTicketStore::PgTicketStore(pg::Database* db, const core::Clock* clock, Options options)
    : db_(db), clock_(clock), options_(std::move(options)) {}

absl::Status PgTicketStore::WriteWithRetry(const std::function<absl::Status(WriteTxn&)>& fn) {
  absl::Status status;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    status = db_->WithConnection([&](pqxx::connection& conn) -> absl::Status {
      WriteTxn tx(conn);
      tx.exec("BEGIN");
      absl::Status s;
      try {
        s = fn(tx);
        if (s.ok()) {
          tx.exec(tx.commit_tail + "COMMIT");
          return absl::OkStatus();
        }
      } catch (...) {
        // Leave the pooled connection outside any transaction before it goes back.
        try {
          if (conn.is_open()) tx.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
      }
      tx.exec("ROLLBACK");
      return s;
    });
    if (status.code() != absl::StatusCode::kAlreadyExists &&
        status.code() != absl::StatusCode::kAborted) {
      return status;
    }
  }
  return status;
}

absl::StatusOr<std::optional<StoredTicket>> PgTicketStore::LockTicket(WriteTxn& tx,
                                                                      int64_t id) {
  pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT ", kTicketColumns, " FROM tickets t WHERE t.id = $1 FOR UPDATE"), id);
  if (r.empty()) return std::optional<StoredTicket>();
  ASSIGN_OR_RETURN(StoredTicket t, FromTicketRow(r[0]));
  return std::optional<StoredTicket>(std::move(t));
}

void PgTicketStore::SaveState(WriteTxn& tx, const StoredTicket& t,
                              const tv1::EvidenceSnapshot* snapshot, absl::Time now) {
  const core::TicketState& s = t.state;
  // With a snapshot, one statement also stores it and drops those beyond the bound: every
  // round trip counts on the hot path (a repeated FIRING report).
  const std::string prefix =
      snapshot == nullptr
          ? std::string()
          : "WITH added AS (INSERT INTO ticket_snapshots (ticket_id, n, taken_at, snapshot) "
            "VALUES ($1, $16, $17, $18)), "
            "dropped AS (DELETE FROM ticket_snapshots WHERE ticket_id = $1 AND n <= $19) ";
  const std::string update = absl::StrCat(
      prefix,
      "UPDATE tickets SET status = $2, severity = $3, held = $4, hold_actor = $5, "
      "hold_reason = $6, flapping = $7, occurrences = $8, last_seen = $9, opened_at = $10, "
      "clear_since = NULLIF($11, '')::timestamptz, resolved_at = NULLIF($12, '')::timestamptz, "
      "resolution_reason = $13, summary = $14, signal = $15",
      snapshot == nullptr ? "" : ", snapshot_count = $16", " WHERE id = $1");
  if (snapshot == nullptr) {
    ExecPrepared(tx, "save_state", update, t.id, static_cast<int>(s.status), static_cast<int>(s.severity), s.held,
                   s.hold_actor, s.hold_reason, s.flapping, static_cast<int64_t>(s.occurrences),
                   PgTime(s.last_seen), PgTime(s.opened_at), NullableTime(s.clear_since),
                   NullableTime(s.resolved_at), s.resolution_reason, t.ticket.summary(),
                   Blob(t.ticket.signal()));
    return;
  }
  ExecPrepared(tx, "save_state_with_snapshot", update, t.id, static_cast<int>(s.status),
                 static_cast<int>(s.severity), s.held, s.hold_actor, s.hold_reason, s.flapping, static_cast<int64_t>(s.occurrences),
                 PgTime(s.last_seen), PgTime(s.opened_at), NullableTime(s.clear_since),
                 NullableTime(s.resolved_at), s.resolution_reason, t.ticket.summary(),
                 Blob(t.ticket.signal()), t.snapshot_count, PgTime(now), Blob(*snapshot),
                 t.snapshot_count - options_.max_later_snapshots);
}

absl::Status PgTicketStore::AppendEvents(WriteTxn& tx, const StoredTicket* t,
                                         const std::vector<core::TicketChange>& changes,
                                         const std::string& actor, absl::Time now) {
  if (changes.empty()) return absl::OkStatus();
  // The stored blob has no seq: the column is the truth, filled in when events are read.
  tv1::TicketEvent event;
  *event.mutable_at() = core::TimeToProto(now);
  event.set_actor(actor);
  if (t != nullptr) {
    event.set_ticket_id(t->ticket.id());
    *event.mutable_ticket() = t->ticket;
    event.mutable_ticket()->clear_first_snapshot();
    event.mutable_ticket()->clear_later_snapshots();
    event.mutable_ticket()->clear_diagnoses();
  }
  for (const core::TicketChange& change : changes) {
    event.set_type(change.type);
    event.set_reason(change.reason);
    const std::string blob = event.SerializeAsString();
    absl::StrAppend(&tx.commit_tail, "SELECT ops_append_ticket_event(", kEventAppendLock, ", ",
                    tx.quote(std::string(kEventChannel)), ", ", t ? t->id : int64_t{0}, ", ",
                    static_cast<int>(change.type), "::smallint, ", tx.quote(PgTime(now)),
                    "::timestamptz, ", tx.quote(actor), ", ", tx.quote(change.reason), ", ",
                    tx.quote_raw(blob), "::bytea); ");
  }
  return absl::OkStatus();
}

absl::StatusOr<tv1::ReportSignalResponse> PgTicketStore::ReportSignal(
    const tv1::ReportSignalRequest& request) {
  RETURN_IF_ERROR(ValidateSignal(request));
  const tv1::ReportSignalRequest& req = request;
  const auto& signal = req.signal();
  const std::string actor = ObserverActor(req.observer_id());
  tv1::ReportSignalResponse response;
  RETURN_IF_ERROR(WriteWithRetry([&](WriteTxn& tx) -> absl::Status {
    response.Clear();
    const absl::Time now = clock_->Now();
    pqxx::result r = ExecPrepared(
        tx, "lock_by_fingerprint",
        absl::StrCat("SELECT ", kTicketColumnsNoSnapshot,
                     " FROM tickets t WHERE t.fingerprint = $1 "
                     "ORDER BY (t.status <> 4) DESC, t.id DESC LIMIT 1 FOR UPDATE"),
        signal.fingerprint());
    std::optional<StoredTicket> t;
    if (!r.empty()) {
      ASSIGN_OR_RETURN(StoredTicket row, FromTicketRow(r[0]));
      t = std::move(row);
    }
    const bool unresolved = t && t->state.status != tv1::TICKET_STATUS_RESOLVED;
    std::vector<core::TicketChange> changes;

    if (signal.state() == SIGNAL_STATE_FIRING && !unresolved &&
        !(t && core::ShouldReopen(t->state, now, options_.policy))) {
      StoredTicket created;
      created.state = core::NewTicket(signal.severity(), now);
      created.ticket.set_fingerprint(signal.fingerprint());
      created.ticket.set_subject(signal.subject());
      created.ticket.set_invariant(signal.invariant());
      created.ticket.set_summary(signal.summary());
      *created.ticket.mutable_entity() = signal.entity();
      *created.ticket.mutable_signal() = signal;
      *created.ticket.mutable_first_snapshot() = Evidence(req, "opened");
      const core::TicketState& s = created.state;
      // A concurrent first report of the same fingerprint fails here with a unique violation
      // (ALREADY_EXISTS); WriteWithRetry runs the transaction again and it records an occurrence.
      pqxx::result ins = tx.exec_params(
          "INSERT INTO tickets (fingerprint, subject, invariant, entity_kind, entity_id, "
          "severity, status, occurrences, first_seen, last_seen, opened_at, summary, signal, "
          "first_snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10, $11, $12) "
          "RETURNING id",
          signal.fingerprint(), signal.subject(), signal.invariant(), signal.entity().kind(),
          signal.entity().id(), static_cast<int>(s.severity), static_cast<int>(s.status),
          static_cast<int64_t>(s.occurrences), PgTime(now), signal.summary(), Blob(signal),
          Blob(created.ticket.first_snapshot()));
      created.id = ins[0][0].as<int64_t>();
      created.ticket.set_id(TicketIdString(created.id));
      ApplyState(created.state, created.ticket);
      RETURN_IF_ERROR(AppendEvents(tx, &created, {{tv1::TICKET_EVENT_TYPE_OPENED, signal.summary()}},
                                   actor, now));
      *response.mutable_ticket() = std::move(created.ticket);
      response.mutable_ticket()->clear_first_snapshot();
      response.set_created(true);
      return absl::OkStatus();
    }
    if (!t) return absl::OkStatus();  // PENDING or RESOLVED with no ticket: nothing to do

    std::optional<tv1::EvidenceSnapshot> evidence;
    if (signal.state() == SIGNAL_STATE_FIRING) {
      if (unresolved) {
        changes = core::RecordFiring(t->state, signal.severity(), now);
        evidence = Evidence(req, "occurred");
      } else {
        changes = core::Reopen(t->state, signal.severity(), now);
        evidence = Evidence(req, "reopened");
        response.set_created(true);
      }
      ++t->snapshot_count;
      *t->ticket.mutable_signal() = signal;
      t->ticket.set_summary(signal.summary());
    } else if (signal.state() == SIGNAL_STATE_RESOLVED && unresolved) {
      changes = core::RecordSignalResolved(t->state, now);
      *t->ticket.mutable_signal() = signal;
    }
    if (!changes.empty()) {
      ApplyState(t->state, t->ticket);
      SaveState(tx, *t, evidence ? &*evidence : nullptr, now);
      RETURN_IF_ERROR(AppendEvents(tx, &*t, changes, actor, now));
    }
    if (unresolved || response.created()) *response.mutable_ticket() = std::move(t->ticket);
    return absl::OkStatus();
  }));
  return response;
}

absl::Status PgTicketStore::ReportObserverStatus(const tv1::ReportObserverStatusRequest& request) {
  if (request.observer_id().empty()) return absl::InvalidArgumentError("observer_id is required");
  if (request.subject().empty()) return absl::InvalidArgumentError("subject is required");
  const bool blind = request.visibility().blind();
  const std::string actor = ObserverActor(request.observer_id());
  return WriteWithRetry([&](WriteTxn& tx) -> absl::Status {
    const absl::Time now = clock_->Now();
    pqxx::result prev = tx.exec_params(
        "SELECT blind FROM observer_status WHERE observer_id = $1 FOR UPDATE",
        request.observer_id());
    const bool was_blind = !prev.empty() && prev[0][0].as<bool>();
    tx.exec_params(
        "INSERT INTO observer_status (observer_id, subject, blind, visibility, reported_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (observer_id) DO UPDATE SET "
        "subject = EXCLUDED.subject, blind = EXCLUDED.blind, visibility = EXCLUDED.visibility, "
        "reported_at = EXCLUDED.reported_at",
        request.observer_id(), request.subject(), blind, Blob(request.visibility()), PgTime(now));
    if (blind == was_blind && !prev.empty()) return absl::OkStatus();
    if (was_blind && !blind) {
      // Clear windows that ran while the observer was blind prove nothing: restart them.
      tx.exec_params(
          "UPDATE tickets SET clear_since = $2 WHERE subject = $1 AND clear_since IS NOT NULL "
          "AND status <> 4",
          request.subject(), PgTime(now));
    }
    std::string reason = blind ? "observer is blind" : "observer can see the cluster";
    for (const std::string& source : request.visibility().unavailable_sources()) {
      absl::StrAppend(&reason, "; ", source);
    }
    return AppendEvents(tx, nullptr, {{tv1::TICKET_EVENT_TYPE_OBSERVER_STATUS, reason}}, actor,
                        now);
  });
}

bool PgTicketStore::SubjectBlind(WriteTxn& tx, const std::string& subject) {
  return !tx.exec_params("SELECT 1 FROM observer_status WHERE subject = $1 AND blind LIMIT 1",
                         subject)
              .empty();
}

absl::StatusOr<int> PgTicketStore::ResolveDueTickets() {
  const absl::Time now = clock_->Now();
  const absl::Time cutoff = now - options_.policy.resolve_after;
  int resolved = 0;
  // One transaction per ticket keeps the append lock short; SKIP LOCKED lets replicas share.
  for (;;) {
    bool found = false;
    RETURN_IF_ERROR(WriteWithRetry([&](WriteTxn& tx) -> absl::Status {
      found = false;
      pqxx::result r = tx.exec_params(
          absl::StrCat("SELECT ", kTicketColumns,
                       " FROM tickets t WHERE t.clear_since <= $1 AND t.status <> 4 "
                       "AND NOT t.held AND NOT EXISTS (SELECT 1 FROM observer_status o "
                       "WHERE o.subject = t.subject AND o.blind) "
                       "ORDER BY t.clear_since LIMIT 1 FOR UPDATE SKIP LOCKED"),
          PgTime(cutoff));
      if (r.empty()) return absl::OkStatus();
      ASSIGN_OR_RETURN(StoredTicket t, FromTicketRow(r[0]));
      if (!core::DueForAutoResolve(t.state, now, options_.policy,
                                   SubjectBlind(tx, t.ticket.subject()))) {
        return absl::OkStatus();
      }
      found = true;
      auto changes = core::AutoResolve(t.state, now, options_.policy);
      ApplyState(t.state, t.ticket);
      SaveState(tx, t);
      return AppendEvents(tx, &t, changes, "system", now);
    }));
    if (!found) return resolved;
    ++resolved;
  }
}

}  // namespace ops::tickets
