#include "libs/pg/database.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/log/log.h"
#include "libs/pg/dsn.h"
#include "libs/pg/errors.h"
#include "libs/status/status_macros.h"
#include "pqxx/errorhandler"

namespace ops::pg {
namespace {

// Sends server notices ("relation already exists, skipping") to our log at debug level instead
// of libpq's default of printing them on stderr.
class NoticeToLog : public pqxx::errorhandler {
 public:
  explicit NoticeToLog(pqxx::connection_base& conn) : pqxx::errorhandler(conn) {}
  bool operator()(const char msg[]) noexcept override {
    try {
      log::Debug("postgres notice",
                 {{"message", std::string(absl::StripTrailingAsciiWhitespace(msg))}});
    } catch (...) {
      // Logging must not throw into libpq.
    }
    return false;  // do not pass it on to the default handler
  }
};

}  // namespace

struct Database::Slot {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<NoticeToLog> notices;  // declared after conn: destroyed first
  uint64_t generation = 0;
};

Database::Database(std::string dsn, DatabaseOptions options)
    : dsn_(std::move(dsn)), redacted_dsn_(RedactDsn(dsn_)), options_(std::move(options)) {}

Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Create(const std::string& dsn,
                                                           const DatabaseOptions& options) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pool_size must be at least 1, got ", options.pool_size));
  }
  std::unique_ptr<Database> db(new Database(dsn, options));
  const absl::Time deadline = absl::Now() + options.connect_deadline;
  for (int i = 0; i < options.pool_size; ++i) {
    auto slot = std::make_unique<Slot>();
    RETURN_IF_ERROR(db->ConnectWithRetry(*slot, deadline));
    std::lock_guard<std::mutex> lock(db->mu_);
    db->idle_.push_back(std::move(slot));
  }
  return db;
}

absl::Status Database::Connect(Slot& slot) {
  slot.notices.reset();
  slot.conn.reset();
  try {
    auto conn = std::make_unique<pqxx::connection>(dsn_);
    if (options_.statement_timeout > absl::ZeroDuration()) {
      conn->set_variable("statement_timeout",
                         std::to_string(absl::ToInt64Milliseconds(options_.statement_timeout)));
    }
    slot.notices = std::make_unique<NoticeToLog>(*conn);
    slot.conn = std::move(conn);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return FromPqxx(e);
  }
}

absl::Status Database::ConnectWithRetry(Slot& slot, absl::Time deadline) {
  for (int attempt = 0;; ++attempt) {
    absl::Status status = Connect(slot);
    if (status.ok()) {
      if (attempt > 0) {
        log::Info("connected to postgres", {{"dsn", redacted_dsn_}, {"attempts", attempt + 1}});
      }
      return status;
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      log::Error("postgres connect failed; giving up", {{"dsn", redacted_dsn_},
                                                        {"attempts", attempt + 1},
                                                        {"error", std::string(status.message())}});
      return absl::UnavailableError(
          absl::StrCat("cannot connect to PostgreSQL at ", redacted_dsn_, " within ",
                       absl::FormatDuration(options_.connect_deadline), " (", attempt + 1,
                       " attempts): ", status.message()));
    }
    const absl::Duration delay =
        std::min(options_.connect_backoff.Delay(attempt, UnitRandom()), left);
    log::Warn("postgres connect failed; retrying",
              {{"dsn", redacted_dsn_},
               {"attempt", attempt + 1},
               {"retry_in_ms", absl::ToInt64Milliseconds(delay)},
               {"error", std::string(status.message())}});
    absl::SleepFor(delay);
  }
}

absl::StatusOr<std::unique_ptr<Database::Slot>> Database::Acquire() {
  std::unique_ptr<Slot> slot;
  uint64_t generation;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!idle_cv_.wait_for(lock, absl::ToChronoMilliseconds(options_.acquire_timeout),
                           [this] { return !idle_.empty(); })) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no free PostgreSQL connection within ", absl::FormatDuration(options_.acquire_timeout),
          " (pool size ", options_.pool_size, ")"));
    }
    slot = std::move(idle_.back());
    idle_.pop_back();
    generation = generation_;
  }
  // A connection opened before the last lost connection probably died with the same server;
  // re-open it now (one attempt, no waiting) rather than fail the caller's statement.
  if (slot->conn == nullptr || slot->generation != generation || !slot->conn->is_open()) {
    if (absl::Status s = Connect(*slot); !s.ok()) {
      Release(std::move(slot), /*broken=*/false);
      return absl::Status(s.code(), absl::StrCat("reconnecting to PostgreSQL at ", redacted_dsn_,
                                                 ": ", s.message()));
    }
    slot->generation = generation;
  }
  return slot;
}

void Database::Release(std::unique_ptr<Slot> slot, bool broken) {
  std::lock_guard<std::mutex> lock(mu_);
  if (broken) {
    slot->notices.reset();
    slot->conn.reset();
    ++generation_;
  }
  idle_.push_back(std::move(slot));
  idle_cv_.notify_one();
}

absl::Status Database::WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn) {
  ASSIGN_OR_RETURN(std::unique_ptr<Slot> slot, Acquire());
  absl::Status status;
  bool broken = false;
  try {
    status = fn(*slot->conn);
  } catch (const std::exception& e) {
    status = FromPqxx(e);
    broken = IsConnectionLost(e);
  } catch (...) {
    status = absl::InternalError("unknown exception in database callback");
  }
  if (!broken && !slot->conn->is_open()) broken = true;
  if (broken) {
    log::Warn("postgres connection lost; will reconnect",
              {{"dsn", redacted_dsn_}, {"error", std::string(status.message())}});
  }
  Release(std::move(slot), broken);
  return status;
}

absl::Status Database::WithTransaction(const std::function<absl::Status(pqxx::work&)>& fn) {
  return WithConnection([&fn](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    absl::Status status = fn(tx);
    if (!status.ok()) return status;  // ~work rolls back
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status Database::Migrate(const std::vector<Migration>& migrations) {
  return WithConnection(
      [&migrations](pqxx::connection& conn) { return ApplyMigrations(conn, migrations); });
}

}  // namespace ops::pg
