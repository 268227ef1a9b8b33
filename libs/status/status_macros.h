// Status plumbing our Abseil (20220623) lacks: RETURN_IF_ERROR and ASSIGN_OR_RETURN.
//
//   RETURN_IF_ERROR(DoThing());
//   ASSIGN_OR_RETURN(auto conn, Connect(dsn));
//
// Both evaluate their argument once. Thread-safe as far as the expressions are.
#ifndef OPS_LIBS_STATUS_STATUS_MACROS_H_
#define OPS_LIBS_STATUS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define OPS_STATUS_CONCAT_INNER_(a, b) a##b
#define OPS_STATUS_CONCAT_(a, b) OPS_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    ::absl::Status ops_status_macro_status_ = (expr);          \
    if (!ops_status_macro_status_.ok()) {                      \
      return ops_status_macro_status_;                         \
    }                                                          \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, otherwise moves the
// value into `lhs`, which may be a declaration (`auto x`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  OPS_ASSIGN_OR_RETURN_IMPL_(OPS_STATUS_CONCAT_(ops_statusor_, __LINE__), lhs, rexpr)

#define OPS_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  if (!statusor.ok()) {                                  \
    return std::move(statusor).status();                 \
  }                                                      \
  lhs = *std::move(statusor)

#endif  // OPS_LIBS_STATUS_STATUS_MACROS_H_
