#include "libs/pg/errors.h"

#include <new>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pqxx/except"

namespace ops::pg {
namespace {

std::string Clean(const char* what) {
  // libpq messages end with a newline and may span lines ("ERROR: ...\nLINE 1: ...").
  std::string text(absl::StripAsciiWhitespace(what));
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

absl::StatusCode CodeForSqlState(absl::string_view s) {
  if (s.size() != 5) return absl::StatusCode::kUnknown;
  if (s == "23505") return absl::StatusCode::kAlreadyExists;
  if (s == "23503") return absl::StatusCode::kFailedPrecondition;
  if (s == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (s == "57P01" || s == "57P02" || s == "57P03" || s == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  if (s == "42501") return absl::StatusCode::kPermissionDenied;
  if (s == "55P03") return absl::StatusCode::kAborted;  // lock_not_available (NOWAIT)
  if (s == "0A000") return absl::StatusCode::kUnimplemented;
  if (s == "P0001") return absl::StatusCode::kFailedPrecondition;  // RAISE EXCEPTION
  absl::string_view cls = s.substr(0, 2);
  if (cls == "08") return absl::StatusCode::kUnavailable;
  if (cls == "40") return absl::StatusCode::kAborted;
  if (cls == "22" || cls == "23") return absl::StatusCode::kInvalidArgument;
  if (cls == "42") return absl::StatusCode::kInternal;
  if (cls == "53") return absl::StatusCode::kResourceExhausted;
  if (cls == "25") return absl::StatusCode::kFailedPrecondition;  // invalid transaction state
  return absl::StatusCode::kInternal;
}

absl::Status FromPqxx(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (!state.empty()) {
      return absl::Status(CodeForSqlState(state),
                          absl::StrCat("postgres: ", Clean(e.what()), " (SQLSTATE ", state, ")"));
    }
  }
  // libpqxx 6 throws these without a SQLSTATE; name it so messages look alike.
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr) {
    return absl::AbortedError(absl::StrCat("postgres: ", Clean(e.what()), " (SQLSTATE 40001)"));
  }
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError(absl::StrCat("postgres: ", Clean(e.what()), " (SQLSTATE 40P01)"));
  }
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    code = absl::StatusCode::kUnavailable;
  } else if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr ||
             dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    code = absl::StatusCode::kUnknown;
  } else if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    code = absl::StatusCode::kAborted;
  } else if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    code = absl::StatusCode::kAlreadyExists;
  } else if (dynamic_cast<const pqxx::conversion_error*>(&e) != nullptr ||
             dynamic_cast<const pqxx::argument_error*>(&e) != nullptr) {
    code = absl::StatusCode::kInvalidArgument;
  } else if (dynamic_cast<const pqxx::range_error*>(&e) != nullptr) {
    code = absl::StatusCode::kOutOfRange;
  } else if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
    code = absl::StatusCode::kResourceExhausted;
  } else if (dynamic_cast<const pqxx::pqxx_exception*>(&e) == nullptr &&
             dynamic_cast<const pqxx::failure*>(&e) == nullptr) {
    return absl::InternalError(absl::StrCat("exception in database code: ", Clean(e.what())));
  }
  return absl::Status(code, absl::StrCat("postgres: ", Clean(e.what())));
}

bool IsConnectionLost(const std::exception& e) {
  return FromPqxx(e).code() == absl::StatusCode::kUnavailable;
}

}  // namespace ops::pg
