// Versioned schema migrations, applied by Database::Migrate (database.h).
//
// Applied versions are recorded in `schema_migrations(version, name, applied_at)` in the
// session's current schema. Migrate takes a PostgreSQL advisory lock (per schema) so replicas
// starting together do not race, then applies each pending migration in version order, each in
// its own transaction together with its schema_migrations row, so a failing migration leaves
// no trace and is reported with its version and name. Running it again is a no-op.
//
// Refused with FAILED_PRECONDITION: a database whose newest recorded version is newer than any
// migration the code knows (an older binary against a newer schema), and a gap (a known
// version missing below one already applied). INVALID_ARGUMENT: non-positive or duplicate
// versions in the list.
#ifndef OPS_LIBS_PG_MIGRATION_H_
#define OPS_LIBS_PG_MIGRATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pqxx/connection"

namespace ops::pg {

struct Migration {
  int version = 0;   // > 0, unique; applied in ascending order
  std::string name;  // short description, recorded and logged
  std::string sql;   // one or more statements
};

// Applies `migrations` over `conn` as described above. Exceptions are mapped (FromPqxx).
// Thread-compatible: `conn` must not be used by anyone else meanwhile.
absl::Status ApplyMigrations(pqxx::connection& conn, const std::vector<Migration>& migrations);

}  // namespace ops::pg

#endif  // OPS_LIBS_PG_MIGRATION_H_
