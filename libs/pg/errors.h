// Maps libpqxx and libpq failures to absl::Status, so no pqxx exception leaves libs/pg.
//
// By SQLSTATE where the server sent one, otherwise by exception type:
//   connection lost / class 08 / 57P01-57P03 / too many connections  -> UNAVAILABLE
//   57014 query_canceled (statement_timeout)                         -> DEADLINE_EXCEEDED
//   23505 unique_violation                                           -> ALREADY_EXISTS
//   40001 serialization failure, 40P01 deadlock, other class 40      -> ABORTED
//   23503 foreign key                                                -> FAILED_PRECONDITION
//   other class 23 and class 22 (bad data)                           -> INVALID_ARGUMENT
//   class 42 (syntax error, undefined table/column)                  -> INTERNAL (a code bug)
//   42501 insufficient privilege                                     -> PERMISSION_DENIED
//   class 53 (out of memory, disk full)                              -> RESOURCE_EXHAUSTED
//   in-doubt commit                                                  -> UNKNOWN
// Messages carry the server's text and the SQLSTATE, never the query or its parameters.
// Thread-safe (pure functions).
#ifndef OPS_LIBS_PG_ERRORS_H_
#define OPS_LIBS_PG_ERRORS_H_

#include <exception>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ops::pg {

// The status code for a five-character SQLSTATE (see the table above).
absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// Maps any exception thrown by libpqxx (or by user code inside a transaction) to a status.
// Exceptions that are not from libpqxx map to INTERNAL (std::bad_alloc: RESOURCE_EXHAUSTED).
absl::Status FromPqxx(const std::exception& e);

// True when `e` means the connection it came from is no longer usable.
bool IsConnectionLost(const std::exception& e);

}  // namespace ops::pg

#endif  // OPS_LIBS_PG_ERRORS_H_
