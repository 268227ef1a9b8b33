// Test helpers for code that talks to the private PostgreSQL started by scripts/test: the DSN
// from OPS_TEST_PG_DSN, a throw-away schema per test (so tests run in parallel against one
// database), and a free TCP port for connection-refused tests. Test-only; thread-compatible.
#ifndef OPS_LIBS_PG_PG_TEST_UTIL_H_
#define OPS_LIBS_PG_PG_TEST_UTIL_H_

#include <optional>
#include <string>

namespace ops::pg::testing {

// OPS_TEST_PG_DSN, or nullopt when unset or empty.
std::optional<std::string> TestDsn();

// Creates schema `prefix_<pid>_<n>` on construction (dropping a leftover) and drops it, with
// everything in it, on destruction. dsn() selects it as the search_path. Aborts the test binary
// (via gtest failure in the constructor's caller) when the server is unreachable: check ok().
class TestSchema {
 public:
  TestSchema(const std::string& base_dsn, const std::string& prefix);
  ~TestSchema();
  TestSchema(const TestSchema&) = delete;
  TestSchema& operator=(const TestSchema&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  // base_dsn with `options='-c search_path=<name>'`.
  const std::string& dsn() const { return dsn_; }
  // Runs one SQL statement outside any pool (setup and assertions); returns the first column of
  // the first row, or "" when there is none; throws on error.
  std::string Query(const std::string& sql) const;

 private:
  std::string base_dsn_;
  std::string name_;
  std::string dsn_;
  std::string error_;
};

// Shell commands that stop and restart the shared test server, from OPS_TEST_PG_CTL (scripts/pg)
// and OPS_TEST_PG_DIR, restarting on the port of OPS_TEST_PG_DSN. nullopt when any is unset or
// the DSN names no port. Tests that use them must run alone (RUN_SERIAL).
struct ServerControl {
  std::string stop;
  std::string start;
};
std::optional<ServerControl> TestServerControl();

// A TCP port on 127.0.0.1 with nothing listening (just released by the OS).
int UnusedPort();

}  // namespace ops::pg::testing

#endif  // OPS_LIBS_PG_PG_TEST_UTIL_H_
