#include "libs/pg/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "libs/pg/dsn.h"
#include "libs/status/status_matchers.h"
#include "pqxx/except"

namespace ops::pg {
namespace {

using ::ops::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(CodeForSqlStateTest, MapsClassesAndSpecificStates) {
  EXPECT_EQ(CodeForSqlState("23505"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("57014"), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(CodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42601"), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState("42P01"), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState("42501"), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForSqlState("23502"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("23503"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("22P02"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("53100"), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CodeForSqlState("XX000"), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState(""), absl::StatusCode::kUnknown);
}

TEST(FromPqxxTest, UsesSqlStateAndKeepsQueryOut) {
  pqxx::unique_violation e("ERROR:  duplicate key value violates unique constraint \"t_pkey\"\n",
                           "INSERT INTO t VALUES ('secret-row')", "23505");
  absl::Status s = FromPqxx(e);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAlreadyExists,
                          AllOf(HasSubstr("duplicate key"), HasSubstr("SQLSTATE 23505"),
                                Not(HasSubstr("secret-row")), Not(HasSubstr("\n")))));
}

TEST(FromPqxxTest, MapsByTypeWithoutSqlState) {
  EXPECT_THAT(FromPqxx(pqxx::broken_connection("server closed the connection")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(FromPqxx(pqxx::serialization_failure("could not serialize")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("SQLSTATE 40001")));
  EXPECT_THAT(FromPqxx(pqxx::deadlock_detected("deadlock")), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(FromPqxx(pqxx::in_doubt_error("commit in doubt")),
              StatusIs(absl::StatusCode::kUnknown));
  EXPECT_THAT(FromPqxx(pqxx::conversion_error("bad int")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FromPqxx(pqxx::usage_error("two transactions")),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(FromPqxx(std::runtime_error("boom")),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("boom")));
  EXPECT_TRUE(IsConnectionLost(pqxx::broken_connection("gone")));
  EXPECT_FALSE(IsConnectionLost(std::runtime_error("x")));
}

TEST(RedactDsnTest, HidesPasswordsInBothForms) {
  EXPECT_EQ(RedactDsn("host=db port=5432 user=ops password=hunter2 dbname=operator"),
            "host=db port=5432 user=ops password=[redacted] dbname=operator");
  EXPECT_EQ(RedactDsn("password = 'a b\\' c' host=db"), "password = [redacted] host=db");
  EXPECT_EQ(RedactDsn("postgresql://ops:hunter2@db:5432/operator?sslmode=require"),
            "postgresql://ops:[redacted]@db:5432/operator?sslmode=require");
  EXPECT_EQ(RedactDsn("postgres://db/operator?user=ops&password=hunter2&x=1"),
            "postgres://db/operator?user=ops&password=[redacted]&x=1");
  EXPECT_EQ(RedactDsn("host=/tmp/sock dbname=operator"), "host=/tmp/sock dbname=operator");
}

}  // namespace
}  // namespace ops::pg
