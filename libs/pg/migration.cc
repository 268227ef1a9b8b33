#include "libs/pg/migration.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/log/log.h"
#include "libs/pg/errors.h"
#include "pqxx/nontransaction"
#include "pqxx/result"
#include "pqxx/transaction"

namespace ops::pg {
namespace {

// One lock per schema: replicas sharing a database but not a schema do not wait for each other.
constexpr const char* kLockKey =
    "hashtext('ops.schema_migrations.' || coalesce(current_schema(), ''))";

absl::Status Validate(const std::vector<Migration>& migrations) {
  std::set<int> seen;
  for (const Migration& m : migrations) {
    if (m.version <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration \"", m.name, "\" has version ", m.version, "; must be > 0"));
    }
    if (!seen.insert(m.version).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate migration version ", m.version));
    }
  }
  return absl::OkStatus();
}

// Runs under the advisory lock.
absl::Status ApplyLocked(pqxx::connection& conn, const std::vector<Migration>& sorted) {
  {
    pqxx::work tx(conn);
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  std::map<int, std::string> applied;
  {
    pqxx::work tx(conn);
    for (const auto& row : tx.exec("SELECT version, name FROM schema_migrations")) {
      applied[row[0].as<int>()] = row[1].as<std::string>();
    }
    tx.commit();
  }
  const int newest_known = sorted.empty() ? 0 : sorted.back().version;
  if (!applied.empty() && applied.rbegin()->first > newest_known) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema is at version ", applied.rbegin()->first, " (", applied.rbegin()->second,
        "), newer than the newest migration this binary knows (", newest_known,
        "); run a newer binary"));
  }
  const int newest_applied = applied.empty() ? 0 : applied.rbegin()->first;
  for (const Migration& m : sorted) {
    if (applied.contains(m.version)) continue;
    if (m.version < newest_applied) {
      return absl::FailedPreconditionError(
          absl::StrCat("migration ", m.version, " (", m.name, ") was never applied but version ",
                       newest_applied, " was; refusing to apply migrations out of order"));
    }
    try {
      pqxx::work tx(conn);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                     m.name);
      tx.commit();
    } catch (const std::exception& e) {
      absl::Status s = FromPqxx(e);
      return absl::Status(s.code(), absl::StrCat("migration ", m.version, " (", m.name,
                                                 ") failed and was rolled back: ", s.message()));
    }
    log::Info("applied schema migration", {{"version", m.version}, {"name", m.name}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(pqxx::connection& conn, const std::vector<Migration>& migrations) {
  if (absl::Status s = Validate(migrations); !s.ok()) return s;
  std::vector<Migration> sorted = migrations;
  std::sort(sorted.begin(), sorted.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  try {
    {
      pqxx::nontransaction tx(conn);
      tx.exec(absl::StrCat("SELECT pg_advisory_lock(", kLockKey, ")"));
    }
    absl::Status status;
    try {
      status = ApplyLocked(conn, sorted);
    } catch (const std::exception& e) {
      status = FromPqxx(e);
    }
    // Session locks also end with the session, so a failed unlock on a broken connection is
    // harmless; the error that broke it is the one to report.
    try {
      pqxx::nontransaction tx(conn);
      tx.exec(absl::StrCat("SELECT pg_advisory_unlock(", kLockKey, ")"));
    } catch (const std::exception& e) {
      if (status.ok()) status = FromPqxx(e);
    }
    return status;
  } catch (const std::exception& e) {
    return FromPqxx(e);
  }
}

}  // namespace ops::pg
