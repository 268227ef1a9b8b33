// Mapping between the tickets tables (schema.h) and the domain/proto types: ticket ids
// ("T-000123" <-> 123), timestamps as PostgreSQL parameters and results, the ticket row's
// columns, and protobuf blobs in bytea columns. Used by PgTicketStore only.
//
// Thread safety: pure functions.
#ifndef OPS_SERVICES_TICKETS_TICKET_ROWS_H_
#define OPS_SERVICES_TICKETS_TICKET_ROWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/ticket_lifecycle.h"
#include "google/protobuf/message_lite.h"
#include "ops/v1/tickets.pb.h"
#include "pqxx/binarystring"
#include "pqxx/result"
#include "pqxx/row"
#include "pqxx/transaction_base"

namespace ops::tickets {

namespace tv1 = ::ops::tickets::v1;

// "T-000123" for 123.
std::string TicketIdString(int64_t id);

// Accepts "T-000123", "T-123", "t-123" and "123". INVALID_ARGUMENT for anything else.
absl::StatusOr<int64_t> ParseTicketId(absl::string_view text);

// A timestamptz parameter: RFC 3339 UTC with microseconds.
std::string PgTime(absl::Time t);
// Same, or std::nullopt (SQL NULL).
std::optional<std::string> PgTime(const std::optional<absl::Time>& t);

// Microseconds since the epoch, read from a column selected as
// `(extract(epoch from col) * 1000000)::bigint`.
absl::Time FromMicros(int64_t micros);

// The SELECT list that FromTicketRow expects, for table alias `t`.
extern const char kTicketColumns[];
// The same without the first evidence snapshot (read as NULL): for hot paths that neither
// change nor return it.
extern const char kTicketColumnsNoSnapshot[];

// One row of `tickets`: the lifecycle state and the proto (without later snapshots and
// diagnoses, which live in their own tables).
struct StoredTicket {
  int64_t id = 0;
  int64_t snapshot_count = 0;  // later snapshots ever taken (ticket_snapshots.n of the newest)
  core::TicketState state;
  tv1::Ticket ticket;
};

// Parses a row selected with kTicketColumns. DATA_LOSS when a blob does not parse.
absl::StatusOr<StoredTicket> FromTicketRow(const pqxx::row& row);

// Copies the lifecycle fields of `state` into `ticket` (status, held, times, ...).
void ApplyState(const core::TicketState& state, tv1::Ticket& ticket);

// Runs `sql` as the connection's prepared statement `name` (prepared on first use per
// connection), so PostgreSQL plans the hot statements once instead of on every call. `name`
// must always go with the same `sql`.
template <typename... Args>
pqxx::result ExecPrepared(pqxx::transaction_base& tx, const std::string& name,
                          const std::string& sql, Args&&... args) {
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// Serialized message as a bytea parameter.
pqxx::binarystring Blob(const google::protobuf::MessageLite& message);

// Parses a bytea field into `message`; DATA_LOSS naming `what` when it does not parse.
absl::Status ParseBlob(const pqxx::field& field, google::protobuf::MessageLite& message,
                       absl::string_view what);

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_TICKET_ROWS_H_
