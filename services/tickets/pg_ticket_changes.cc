// PgTicketStore: changes made by people and diagnosers (hold, release, resolve, claim, attach).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/proto_conversion.h"
#include "core/proto_time.h"
#include "libs/status/status_macros.h"
#include "services/tickets/pg_ticket_store.h"

namespace ops::tickets {

absl::StatusOr<tv1::Ticket> PgTicketStore::ChangeTicket(const std::string& ticket_id,
                                                        const std::string& actor,
                                                        const Step& step) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketId(ticket_id));
  RETURN_IF_ERROR(WriteWithRetry([&](WriteTxn& tx) -> absl::Status {
    const absl::Time now = clock_->Now();
    ASSIGN_OR_RETURN(std::optional<StoredTicket> t, LockTicket(tx, id));
    if (!t) return absl::NotFoundError(absl::StrCat("ticket ", TicketIdString(id), " not found"));
    ASSIGN_OR_RETURN(std::vector<core::TicketChange> changes, step(tx, *t, now));
    if (!changes.empty()) {
      ApplyState(t->state, t->ticket);
      SaveState(tx, *t);
      RETURN_IF_ERROR(AppendEvents(tx, &*t, changes, actor, now));
    }
    return absl::OkStatus();
  }));
  return GetTicket(TicketIdString(id));
}

absl::StatusOr<tv1::Ticket> PgTicketStore::HoldTicket(const tv1::HoldTicketRequest& request) {
  return ChangeTicket(request.ticket_id(), request.actor(), [&](WriteTxn&, StoredTicket& t, absl::Time) {
    return core::Hold(t.state, request.actor(), request.reason());
  });
}

absl::StatusOr<tv1::Ticket> PgTicketStore::ReleaseTicket(
    const tv1::ReleaseTicketRequest& request) {
  return ChangeTicket(request.ticket_id(), request.actor(), [&](WriteTxn&, StoredTicket& t, absl::Time) {
    return core::Release(t.state, request.actor(), request.reason());
  });
}

absl::StatusOr<tv1::Ticket> PgTicketStore::ResolveTicket(
    const tv1::ResolveTicketRequest& request) {
  return ChangeTicket(request.ticket_id(), request.actor(), [&](WriteTxn&, StoredTicket& t, absl::Time now) {
    return core::ResolveByPerson(t.state, request.actor(), request.reason(), now);
  });
}

absl::StatusOr<tv1::ClaimForDiagnosisResponse> PgTicketStore::ClaimForDiagnosis(
    const tv1::ClaimForDiagnosisRequest& request) {
  if (request.diagnoser_id().empty()) {
    return absl::InvalidArgumentError("diagnoser_id is required");
  }
  const std::string actor = "diagnoser:" + request.diagnoser_id();
  tv1::ClaimForDiagnosisResponse response;
  if (!request.ticket_id().empty()) {
    bool claimed = false;
    ASSIGN_OR_RETURN(tv1::Ticket ticket,
                     ChangeTicket(request.ticket_id(), actor,
                                  [&](WriteTxn&, StoredTicket& t, absl::Time)
                                      -> absl::StatusOr<std::vector<core::TicketChange>> {
                                    auto changes = core::Claim(t.state, request.diagnoser_id());
                                    claimed = changes.has_value();
                                    if (!claimed) return std::vector<core::TicketChange>{};
                                    return *std::move(changes);
                                  }));
    *response.mutable_ticket() = std::move(ticket);
    response.set_claimed(claimed);
    return response;
  }
  RETURN_IF_ERROR(WriteWithRetry([&](WriteTxn& tx) -> absl::Status {
    response.Clear();
    const absl::Time now = clock_->Now();
    pqxx::result r = tx.exec(absl::StrCat(
        "SELECT ", kTicketColumns,
        " FROM tickets t WHERE t.status = 1 ORDER BY t.opened_at, t.id LIMIT 1 "
        "FOR UPDATE SKIP LOCKED"));
    if (r.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(StoredTicket t, FromTicketRow(r[0]));
    auto changes = core::Claim(t.state, request.diagnoser_id());
    if (!changes) return absl::OkStatus();
    ApplyState(t.state, t.ticket);
    SaveState(tx, t);
    tx.exec_params("UPDATE tickets SET claimed_by = $2 WHERE id = $1", t.id,
                   request.diagnoser_id());
    RETURN_IF_ERROR(AppendEvents(tx, &t, *changes, actor, now));
    *response.mutable_ticket() = std::move(t.ticket);
    response.set_claimed(true);
    return absl::OkStatus();
  }));
  return response;
}

absl::StatusOr<tv1::Ticket> PgTicketStore::AttachDiagnosis(
    const tv1::AttachDiagnosisRequest& request) {
  if (request.diagnoser_id().empty()) {
    return absl::InvalidArgumentError("diagnoser_id is required");
  }
  if (auto valid = core::FromProto(request.diagnosis()); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid diagnosis: ", valid.status().message()));
  }
  const std::string actor = "diagnoser:" + request.diagnoser_id();
  return ChangeTicket(
      request.ticket_id(), actor,
      [&](WriteTxn& tx, StoredTicket& t,
          absl::Time now) -> absl::StatusOr<std::vector<core::TicketChange>> {
        // The row lock taken by ChangeTicket serializes attaches to one ticket, so
        // max(n) + 1 is free.
        ::ops::common::v1::Diagnosis stored = request.diagnosis();
        stored.set_ticket_id(t.ticket.id());
        tx.exec_params(
            "INSERT INTO ticket_diagnoses (ticket_id, n, diagnoser_id, attached_at, diagnosis, "
            "markdown) SELECT $1, coalesce(max(n), 0) + 1, $2, $3, $4, $5 "
            "FROM ticket_diagnoses WHERE ticket_id = $1",
            t.id, request.diagnoser_id(), PgTime(now), Blob(stored), stored.markdown());
        return core::AttachDiagnosis(t.state, request.diagnoser_id());
      });
}

}  // namespace ops::tickets
