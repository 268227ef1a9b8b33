// Helpers for libpq connection strings (DSNs), in both forms: `host=h port=5432 user=u
// password=p dbname=d` and `postgresql://u:p@h:5432/d?sslmode=require`.
// Thread-safe (pure functions).
#ifndef OPS_LIBS_PG_DSN_H_
#define OPS_LIBS_PG_DSN_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ops::pg {

// The DSN with any password replaced by "[redacted]", safe to log.
std::string RedactDsn(absl::string_view dsn);

}  // namespace ops::pg

#endif  // OPS_LIBS_PG_DSN_H_
