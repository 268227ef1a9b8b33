// PgTicketStore: reads (list, get, the event log).
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/proto_time.h"
#include "libs/status/status_macros.h"
#include "services/tickets/pg_ticket_store.h"

namespace ops::tickets {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

// Page tokens are "<last_seen micros>:<id>" of the last ticket returned (keyset paging on
// the tickets_by_last_seen index, stable while tickets change).
std::string PageToken(const tv1::Ticket& t, int64_t id) {
  return absl::StrCat(absl::ToUnixMicros(*core::TimeFromProto(t.last_seen())), ":", id);
}

absl::Status ParsePageToken(const std::string& token, int64_t* micros, int64_t* id) {
  std::vector<std::string> parts = absl::StrSplit(token, ':');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], micros) ||
      !absl::SimpleAtoi(parts[1], id)) {
    return absl::InvalidArgumentError("bad page_token: pass next_page_token unchanged");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<tv1::ListTicketsResponse> PgTicketStore::ListTickets(
    const tv1::ListTicketsRequest& request) {
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size must be >= 0");
  const int page_size = request.page_size() == 0 ? kDefaultPageSize
                                                 : std::min(request.page_size(), kMaxPageSize);
  std::string statuses;  // "{1,2}" or "" for any
  for (int s : request.statuses()) {
    if (s <= 0 || !tv1::TicketStatus_IsValid(s)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown status ", s, " in statuses"));
    }
    absl::StrAppend(&statuses, statuses.empty() ? "{" : ",", s);
  }
  if (!statuses.empty()) statuses += "}";
  std::string since;
  if (request.has_since()) {
    ASSIGN_OR_RETURN(absl::Time t, core::TimeFromProto(request.since()));
    since = PgTime(t);
  }
  int64_t after_micros = 0, after_id = 0;
  const bool paged = !request.page_token().empty();
  if (paged) RETURN_IF_ERROR(ParsePageToken(request.page_token(), &after_micros, &after_id));

  tv1::ListTicketsResponse response;
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(db_->WithTransaction([&](pqxx::work& tx) -> absl::Status {
    response.Clear();
    ids.clear();
    pqxx::result r = tx.exec_params(
        absl::StrCat(
            "SELECT ", kTicketColumns, " FROM tickets t WHERE "
            "($1 = '' OR t.status = ANY($1::smallint[])) AND t.severity >= $2 AND "
            "($3 = '' OR t.last_seen >= NULLIF($3, '')::timestamptz) AND "
            "($4 = '' OR t.subject = $4) AND "
            "(NOT $5 OR (t.last_seen, t.id) < (to_timestamp($6::double precision / 1000000), $7)) "
            "ORDER BY t.last_seen DESC, t.id DESC LIMIT $8"),
        statuses, static_cast<int>(request.min_severity()), since, request.subject(), paged,
        after_micros, after_id, page_size + 1);
    for (const pqxx::row& row : r) {
      ASSIGN_OR_RETURN(StoredTicket t, FromTicketRow(row));
      if (static_cast<int>(ids.size()) == page_size) {
        break;
      }
      ids.push_back(t.id);
      if (request.summary_only()) t.ticket.clear_first_snapshot();
      *response.add_tickets() = std::move(t.ticket);
    }
    if (static_cast<int>(r.size()) > page_size) {
      response.set_next_page_token(PageToken(response.tickets(page_size - 1), ids.back()));
    }
    return absl::OkStatus();
  }));
  if (!request.summary_only()) {
    for (tv1::Ticket& t : *response.mutable_tickets()) {
      ASSIGN_OR_RETURN(t, GetTicket(t.id()));
    }
  }
  return response;
}

absl::StatusOr<tv1::Ticket> PgTicketStore::GetTicket(const std::string& ticket_id) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketId(ticket_id));
  tv1::Ticket ticket;
  RETURN_IF_ERROR(db_->WithTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    pqxx::result r = tx.exec_params(
        absl::StrCat("SELECT ", kTicketColumns, " FROM tickets t WHERE t.id = $1"), id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("ticket ", TicketIdString(id), " not found"));
    ASSIGN_OR_RETURN(StoredTicket t, FromTicketRow(r[0]));
    ticket = std::move(t.ticket);
    for (const pqxx::row& row : tx.exec_params(
             "SELECT snapshot FROM ticket_snapshots WHERE ticket_id = $1 ORDER BY n", id)) {
      RETURN_IF_ERROR(ParseBlob(row[0], *ticket.add_later_snapshots(), "ticket_snapshots"));
    }
    for (const pqxx::row& row : tx.exec_params(
             "SELECT diagnosis FROM ticket_diagnoses WHERE ticket_id = $1 ORDER BY n", id)) {
      RETURN_IF_ERROR(ParseBlob(row[0], *ticket.add_diagnoses(), "ticket_diagnoses"));
    }
    return absl::OkStatus();
  }));
  return ticket;
}

absl::StatusOr<std::vector<tv1::TicketEvent>> PgTicketStore::EventsAfter(uint64_t after_seq,
                                                                         size_t limit) {
  std::vector<tv1::TicketEvent> events;
  RETURN_IF_ERROR(db_->WithTransaction([&](pqxx::work& tx) -> absl::Status {
    events.clear();
    pqxx::result r = ExecPrepared(
        tx, "events_after",
        "SELECT seq, event FROM ticket_events WHERE seq > $1 ORDER BY seq LIMIT $2",
        static_cast<int64_t>(after_seq), static_cast<int64_t>(limit));
    events.reserve(r.size());
    for (const pqxx::row& row : r) {
      events.emplace_back();
      RETURN_IF_ERROR(ParseBlob(row[1], events.back(), "ticket_events.event"));
      events.back().set_seq(row[0].as<uint64_t>());
    }
    return absl::OkStatus();
  }));
  return events;
}

absl::StatusOr<uint64_t> PgTicketStore::LastSeq() {
  uint64_t seq = 0;
  RETURN_IF_ERROR(db_->WithTransaction([&](pqxx::work& tx) -> absl::Status {
    seq = tx.exec("SELECT coalesce(max(seq), 0) FROM ticket_events")[0][0].as<uint64_t>();
    return absl::OkStatus();
  }));
  return seq;
}

}  // namespace ops::tickets
