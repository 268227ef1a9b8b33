#include "libs/pg/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/pg/pg_test_util.h"
#include "libs/status/status_matchers.h"

namespace ops::pg {
namespace {

using ::ops::pg::testing::TestDsn;
using ::ops::pg::testing::TestSchema;
using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::optional<std::string> dsn = TestDsn();
    if (!dsn) GTEST_SKIP() << "OPS_TEST_PG_DSN is not set; run through scripts/test";
    schema_ = std::make_unique<TestSchema>(
        *dsn, ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(schema_->ok()) << schema_->error();
  }

  absl::StatusOr<std::unique_ptr<Database>> Open(int pool_size = 2) {
    DatabaseOptions options;
    options.pool_size = pool_size;
    options.connect_deadline = absl::Seconds(10);
    return Database::Create(schema_->dsn(), options);
  }

  std::unique_ptr<TestSchema> schema_;
};

const std::vector<Migration> kMigrations = {
    {1, "create items", "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)"},
    {2, "seed items", "INSERT INTO items VALUES (1, 'first')"},
    {3, "add note", "ALTER TABLE items ADD COLUMN note text"},
};

TEST_F(DatabaseTest, MigrationsApplyOnceAndAreIdempotent) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_THAT(db->Migrate(kMigrations), IsOk());
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM schema_migrations"), "3");
  EXPECT_EQ(schema_->Query("SELECT name FROM schema_migrations WHERE version = 2"), "seed items");
  // A second run, even with the list in another order, changes nothing (migration 2 would fail
  // with a duplicate key if it ran again).
  std::vector<Migration> reversed(kMigrations.rbegin(), kMigrations.rend());
  ASSERT_THAT(db->Migrate(reversed), IsOk());
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM items"), "1");
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM schema_migrations"), "3");
}

TEST_F(DatabaseTest, NewMigrationsAreAppliedIncrementally) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_THAT(db->Migrate({kMigrations[0]}), IsOk());
  ASSERT_THAT(db->Migrate(kMigrations), IsOk());
  EXPECT_EQ(schema_->Query("SELECT string_agg(version::text, ',' ORDER BY version) "
                           "FROM schema_migrations"),
            "1,2,3");
}

TEST_F(DatabaseTest, ConcurrentMigrateAppliesEachOnce) {
  // Every replica has its own Database, as separate processes would.
  std::vector<Migration> migrations = kMigrations;
  migrations.push_back({4, "slow", "SELECT pg_sleep(0.2); INSERT INTO items VALUES (2, 'x')"});
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto db = Open(1);
      results[i] = db.ok() ? (*db)->Migrate(migrations) : db.status();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_THAT(s, IsOk());
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM schema_migrations"), "4");
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM items"), "2");
}

TEST_F(DatabaseTest, RefusesSchemaNewerThanCode) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_THAT(db->Migrate(kMigrations), IsOk());
  schema_->Query("INSERT INTO schema_migrations (version, name) VALUES (7, 'from the future')");
  EXPECT_THAT(db->Migrate(kMigrations),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("version 7 (from the future)"), HasSubstr("knows (3)"))));
}

TEST_F(DatabaseTest, FailingMigrationRollsBackAndNamesVersion) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  std::vector<Migration> migrations = {
      kMigrations[0],
      {2, "half done", "CREATE TABLE half (id int); SELEC broken"},
  };
  EXPECT_THAT(db->Migrate(migrations), StatusIs(absl::StatusCode::kInternal,
                                                AllOf(HasSubstr("migration 2 (half done) failed"),
                                                      HasSubstr("SQLSTATE 42601"))));
  EXPECT_EQ(schema_->Query("SELECT max(version) FROM schema_migrations"), "1");
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                           "AND tablename = 'half'"),
            "0");
  // Fixed code applies cleanly afterwards.
  migrations[1].sql = "CREATE TABLE half (id int)";
  EXPECT_THAT(db->Migrate(migrations), IsOk());
}

TEST_F(DatabaseTest, RejectsBadMigrationLists) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  EXPECT_THAT(db->Migrate({{1, "a", "SELECT 1"}, {1, "b", "SELECT 1"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  EXPECT_THAT(db->Migrate({{0, "zero", "SELECT 1"}}), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(db->Migrate({{2, "two", "SELECT 1"}}), IsOk());
  EXPECT_THAT(db->Migrate({{1, "one", "SELECT 1"}, {2, "two", "SELECT 1"}}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("out of order")));
}

TEST_F(DatabaseTest, TransactionCommitsOrRollsBack) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_THAT(db->Migrate({kMigrations[0]}), IsOk());
  ASSERT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec_params("INSERT INTO items VALUES ($1, $2)", 10, "kept");
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec("INSERT INTO items VALUES (11, 'dropped')");
    return absl::FailedPreconditionError("changed my mind");
  }),
              StatusIs(absl::StatusCode::kFailedPrecondition, "changed my mind"));
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) -> absl::Status {
    tx.exec("INSERT INTO items VALUES (12, 'dropped')");
    throw std::runtime_error("bug in callback");
  }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("bug in callback")));
  EXPECT_EQ(schema_->Query("SELECT string_agg(name, ',') FROM items"), "kept");
}

TEST_F(DatabaseTest, MapsUniqueViolationAndSyntaxErrors) {
  ASSERT_OK_AND_ASSIGN(auto db, Open());
  ASSERT_THAT(db->Migrate({kMigrations[0]}), IsOk());
  auto insert = [](pqxx::work& tx) {
    tx.exec("INSERT INTO items VALUES (1, 'a')");
    return absl::OkStatus();
  };
  ASSERT_THAT(db->WithTransaction(insert), IsOk());
  EXPECT_THAT(db->WithTransaction(insert),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("SQLSTATE 23505")));
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELEC 1");
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("SQLSTATE 42601")));
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("SQLSTATE 42P01")));
  // The pool is still healthy after errors.
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT 1");
    return absl::OkStatus();
  }),
              IsOk());
}

TEST_F(DatabaseTest, SerializationFailureIsAborted) {
  ASSERT_OK_AND_ASSIGN(auto db, Open(2));
  ASSERT_THAT(db->Migrate({kMigrations[0], kMigrations[1]}), IsOk());
  absl::Status concurrent;
  absl::Status first = db->WithTransaction([&](pqxx::work& tx) {
    tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    tx.exec("SELECT name FROM items WHERE id = 1");  // takes the snapshot
    concurrent = db->WithTransaction([](pqxx::work& other) {
      other.exec("UPDATE items SET name = 'other' WHERE id = 1");
      return absl::OkStatus();
    });
    tx.exec("UPDATE items SET name = 'mine' WHERE id = 1");
    return absl::OkStatus();
  });
  EXPECT_THAT(concurrent, IsOk());
  EXPECT_THAT(first, StatusIs(absl::StatusCode::kAborted, HasSubstr("SQLSTATE 40001")));
  EXPECT_EQ(schema_->Query("SELECT name FROM items WHERE id = 1"), "other");
}

TEST_F(DatabaseTest, StatementTimeoutIsDeadlineExceeded) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.statement_timeout = absl::Milliseconds(50);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Create(schema_->dsn(), options));
  EXPECT_THAT(db->WithTransaction([](pqxx::work& tx) {
    tx.exec("SELECT pg_sleep(5)");
    return absl::OkStatus();
  }),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("57014")));
}

TEST_F(DatabaseTest, PoolServesManyThreads) {
  ASSERT_OK_AND_ASSIGN(auto db, Open(4));
  ASSERT_THAT(db->Migrate({{1, "counter", "CREATE TABLE counter (id serial PRIMARY KEY)"}}),
              IsOk());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        absl::Status s = db->WithTransaction([](pqxx::work& tx) {
          tx.exec("INSERT INTO counter DEFAULT VALUES");
          return absl::OkStatus();
        });
        if (!s.ok()) failures++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(schema_->Query("SELECT count(*) FROM counter"), "400");
}

TEST_F(DatabaseTest, AcquireTimesOutWhenPoolIsBusy) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.acquire_timeout = absl::Milliseconds(20);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Create(schema_->dsn(), options));
  absl::Status inner;
  ASSERT_THAT(db->WithConnection([&](pqxx::connection&) {
    inner = db->WithConnection([](pqxx::connection&) { return absl::OkStatus(); });
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_THAT(inner, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("pool size 1")));
}

TEST(DatabaseConnectTest, RefusedConnectionIsUnavailableAfterDeadline) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.connect_deadline = absl::Milliseconds(300);
  options.connect_backoff = {absl::Milliseconds(20), absl::Milliseconds(100), 2.0};
  const std::string dsn =
      absl::StrCat("host=127.0.0.1 port=", testing::UnusedPort(),
                   " dbname=operator user=postgres password=hunter2 connect_timeout=2");
  const absl::Time start = absl::Now();
  auto db = Database::Create(dsn, options);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_THAT(db, StatusIs(absl::StatusCode::kUnavailable,
                           AllOf(HasSubstr("cannot connect"), HasSubstr("password=[redacted]"),
                                 ::testing::Not(HasSubstr("hunter2")))));
  EXPECT_GE(elapsed, absl::Milliseconds(300));
  EXPECT_LT(elapsed, absl::Seconds(3));
}

TEST(DatabaseConnectTest, RejectsEmptyPool) {
  DatabaseOptions options;
  options.pool_size = 0;
  EXPECT_THAT(Database::Create("host=/nonexistent", options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::pg
