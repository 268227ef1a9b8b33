// Stops and restarts the shared test PostgreSQL (OPS_TEST_PG_CTL / OPS_TEST_PG_DIR), so ctest runs
// it alone (RUN_SERIAL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "libs/pg/database.h"
#include "libs/pg/pg_test_util.h"
#include "libs/status/status_matchers.h"

namespace ops::pg {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;

absl::Status Ping(Database& db) {
  return db.WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  });
}

TEST(DatabaseRestartTest, LostConnectionsAreUnavailableThenReconnect) {
  std::optional<std::string> dsn = testing::TestDsn();
  std::optional<testing::ServerControl> server = testing::TestServerControl();
  if (!dsn || !server) {
    GTEST_SKIP() << "OPS_TEST_PG_DSN/OPS_TEST_PG_CTL/OPS_TEST_PG_DIR are not set; run through "
                    "scripts/test";
  }
  const std::string& stop = server->stop;
  const std::string& start = server->start;

  DatabaseOptions options;
  options.pool_size = 3;
  options.connect_deadline = absl::Seconds(10);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Create(*dsn, options));
  ASSERT_THAT(Ping(*db), IsOk());

  // Server down: calls fail fast with UNAVAILABLE, also the reconnect attempts.
  ASSERT_EQ(std::system(stop.c_str()), 0);
  EXPECT_THAT(Ping(*db), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Ping(*db), StatusIs(absl::StatusCode::kUnavailable));

  // Server back: at most the first call fails, then every call succeeds.
  ASSERT_EQ(std::system(start.c_str()), 0);
  absl::Status first = Ping(*db);
  if (!first.ok()) {
    EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable));
  }
  for (int i = 0; i < 6; ++i) EXPECT_THAT(Ping(*db), IsOk()) << "call " << i;

  // Restart while idle: the pool's connections are all stale.
  ASSERT_EQ(std::system(stop.c_str()), 0);
  ASSERT_EQ(std::system(start.c_str()), 0);
  first = Ping(*db);
  if (!first.ok()) {
    EXPECT_THAT(first, StatusIs(absl::StatusCode::kUnavailable));
  }
  for (int i = 0; i < 6; ++i) EXPECT_THAT(Ping(*db), IsOk()) << "call " << i;
}

}  // namespace
}  // namespace ops::pg
