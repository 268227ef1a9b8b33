// PostgreSQL access for the services: a small connection pool over libpqxx with connect retry,
// transactions whose failures come back as absl::Status, reconnection after a lost connection,
// and schema migrations.
//
//   ASSIGN_OR_RETURN(auto db, ops::pg::Database::Create(dsn, {.pool_size = 8}));
//   RETURN_IF_ERROR(db->Migrate(kTicketMigrations));
//   RETURN_IF_ERROR(db->WithTransaction([&](pqxx::work& tx) {
//     tx.exec_params("INSERT INTO tickets (id) VALUES ($1)", id);
//     return absl::OkStatus();
//   }));
//
// Errors are mapped as in errors.h (unique violation → ALREADY_EXISTS, serialization failure →
// ABORTED, lost connection → UNAVAILABLE, ...). When a call finds its connection broken it
// returns UNAVAILABLE and the pool reconnects on the next call (one attempt, no waiting), so a
// server restart costs at most one failed call per caller. Retrying is the caller's decision
// (ops::IsRetryable).
//
// Thread safety: Database is thread-safe; up to pool_size calls run at once, further callers
// wait for a free connection (up to acquire_timeout). A pqxx::connection or transaction handed
// to a callback is thread-compatible: use it only inside the callback, on the calling thread.
#ifndef OPS_LIBS_PG_DATABASE_H_
#define OPS_LIBS_PG_DATABASE_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/pg/migration.h"
#include "libs/status/retry.h"
#include "pqxx/connection"
#include "pqxx/transaction"

namespace ops::pg {

struct DatabaseOptions {
  // Connections kept open. Each concurrent call holds one for its duration.
  int pool_size = 4;
  // Total time Create keeps retrying to open the pool's connections (server starting up,
  // refused, DNS). Each failed attempt is logged, without the password.
  absl::Duration connect_deadline = absl::Seconds(30);
  // Delay between connection attempts (capped exponential, jittered).
  Backoff connect_backoff{absl::Milliseconds(100), absl::Seconds(2), 2.0};
  // How long a call waits for a free connection before DEADLINE_EXCEEDED.
  absl::Duration acquire_timeout = absl::Seconds(10);
  // Server-side statement_timeout for every session; zero keeps the server default. A
  // statement that runs longer fails with DEADLINE_EXCEEDED.
  absl::Duration statement_timeout = absl::ZeroDuration();
};

class Database {
 public:
  // Opens pool_size connections, retrying with backoff until options.connect_deadline.
  // UNAVAILABLE (with the last libpq error) when the deadline passes; INVALID_ARGUMENT for bad
  // options.
  static absl::StatusOr<std::unique_ptr<Database>> Create(const std::string& dsn,
                                                          const DatabaseOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `fn` in a read-committed transaction and commits when it returns OK; rolls back when it
  // returns an error (which is returned unchanged) or throws (mapped by FromPqxx). `fn` may set
  // another isolation level with "SET TRANSACTION ISOLATION LEVEL ..." as its first statement.
  absl::Status WithTransaction(const std::function<absl::Status(pqxx::work&)>& fn);

  // Runs `fn` with a pooled connection and no transaction (LISTEN, VACUUM, session settings).
  // `fn` must not keep the reference. Exceptions are mapped by FromPqxx.
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn);

  // Brings the schema up to date; see migration.h. Safe to call from several processes at once.
  absl::Status Migrate(const std::vector<Migration>& migrations);

  // The DSN with the password redacted.
  const std::string& redacted_dsn() const { return redacted_dsn_; }

 private:
  struct Slot;

  Database(std::string dsn, DatabaseOptions options);

  // One connection attempt for `slot` (replaces any old connection).
  absl::Status Connect(Slot& slot);
  // Connect with retries until `deadline`.
  absl::Status ConnectWithRetry(Slot& slot, absl::Time deadline);
  // Takes an idle slot (waiting up to acquire_timeout) with a live connection.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire();
  // Returns `slot` to the pool; when `broken`, its connection is dropped and every other idle
  // connection is re-opened before its next use (they likely died with the same server).
  void Release(std::unique_ptr<Slot> slot, bool broken);

  const std::string dsn_;
  const std::string redacted_dsn_;
  const DatabaseOptions options_;

  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<Slot>> idle_;  // guarded by mu_
  uint64_t generation_ = 0;                  // guarded by mu_; bumped on each lost connection
};

}  // namespace ops::pg

#endif  // OPS_LIBS_PG_DATABASE_H_
