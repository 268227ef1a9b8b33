// list, show, hold, release and resolve against the generated gMock stub: the requests carry
// the right fields, the output is right, and every error maps to its message and exit code.
#include "clients/cli/tickets_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "clients/cli/test_harness.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/status/status_matchers.h"

namespace ops::cli {
namespace {

using ::ops::cli::testing::CliHarness;
using ::ops::cli::testing::kTestNow;
using ::ops::cli::testing::MakeTicket;
using ::testing::_;
using ::testing::DoAll;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Invoke;
using ::testing::Return;
using ::testing::SaveArg;
using ::testing::SetArgPointee;
namespace tv1 = ::ops::tickets::v1;

tv1::ListTicketsResponse Page(std::vector<std::string> ids, std::string next_token = "") {
  tv1::ListTicketsResponse page;
  for (const std::string& id : ids) *page.add_tickets() = MakeTicket(id);
  page.set_next_page_token(std::move(next_token));
  return page;
}

TEST(TicketsListTest, SendsFiltersAndRendersTheTable) {
  CliHarness cli;
  tv1::ListTicketsRequest req;
  EXPECT_CALL(cli.mock(), ListTickets(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), SetArgPointee<2>(Page({"T-1", "T-2"})),
                      Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "list", "--status", "open,diagnosed", "--status=open,resolved",
                     "--severity", "warning", "--since", "2h", "--limit", "10"}),
            kExitOk)
      << cli.err();
  EXPECT_THAT(req.statuses(), ElementsAre(tv1::TICKET_STATUS_OPEN, tv1::TICKET_STATUS_DIAGNOSED,
                                          tv1::TICKET_STATUS_RESOLVED));
  EXPECT_EQ(req.min_severity(), common::v1::SEVERITY_WARNING);
  EXPECT_EQ(req.since().seconds(), absl::ToUnixSeconds(kTestNow - absl::Hours(2)));
  EXPECT_EQ(req.page_size(), 10);
  EXPECT_TRUE(req.summary_only());
  EXPECT_EQ(req.page_token(), "");
  EXPECT_THAT(cli.out(), HasSubstr("ID   STATUS  SEVERITY  INVARIANT   ENTITY   OCC  LAST SEEN"));
  EXPECT_THAT(cli.out(), HasSubstr("T-2  open    critical  store_down  store 4  3    3m ago"));
  EXPECT_EQ(cli.err(), "");
}

TEST(TicketsListTest, DefaultsSendNoFilters) {
  CliHarness cli;
  tv1::ListTicketsRequest req;
  EXPECT_CALL(cli.mock(), ListTickets(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "list"}), kExitOk);
  EXPECT_TRUE(req.statuses().empty());
  EXPECT_EQ(req.min_severity(), common::v1::SEVERITY_UNSPECIFIED);
  EXPECT_FALSE(req.has_since());
  EXPECT_EQ(req.page_size(), 50);
  EXPECT_EQ(cli.out(), "no tickets match\n");
}

TEST(TicketsListTest, SinceAcceptsDaysAndRfc3339) {
  ASSERT_OK_AND_ASSIGN(absl::Time t, ParseSince("3d", kTestNow));
  EXPECT_EQ(t, kTestNow - absl::Hours(72));
  ASSERT_OK_AND_ASSIGN(t, ParseSince("1h30m", kTestNow));
  EXPECT_EQ(t, kTestNow - absl::Minutes(90));
  ASSERT_OK_AND_ASSIGN(t, ParseSince("2024-05-01T10:00:00Z", kTestNow));
  EXPECT_EQ(t, absl::FromUnixSeconds(1714557600));
  EXPECT_FALSE(ParseSince("-2h", kTestNow).ok());
  EXPECT_FALSE(ParseSince("yesterday", kTestNow).ok());
}

TEST(TicketsListTest, BadFiltersAreUsageErrorsWithoutACall) {
  for (std::vector<std::string> bad : {std::vector<std::string>{"--status", "closed"},
                                       {"--severity", "loud"},
                                       {"--since", "yesterday"},
                                       {"--limit", "0"},
                                       {"--limit", "many"}}) {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), ListTickets(_, _, _)).Times(0);
    std::vector<std::string> args = {"tickets", "list"};
    args.insert(args.end(), bad.begin(), bad.end());
    EXPECT_EQ(cli.Run(args), kExitUsage) << bad[0];
    EXPECT_THAT(cli.err(), HasSubstr("operator tickets list: "));
    EXPECT_THAT(cli.err(), HasSubstr("Usage: operator tickets list [options]"));
  }
}

TEST(TicketsListTest, FollowsPagesUpToTheLimit) {
  CliHarness cli;
  std::vector<tv1::ListTicketsRequest> reqs;
  EXPECT_CALL(cli.mock(), ListTickets(_, _, _))
      .WillOnce(DoAll(Invoke([&](auto*, const auto& r, auto*) { reqs.push_back(r); }),
                      SetArgPointee<2>(Page({"T-1", "T-2"}, "p2")), Return(grpc::Status::OK)))
      .WillOnce(DoAll(Invoke([&](auto*, const auto& r, auto*) { reqs.push_back(r); }),
                      SetArgPointee<2>(Page({"T-3"}, "p3")), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "list", "--limit", "3", "-o", "json"}), kExitOk) << cli.err();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].page_size(), 3);
  EXPECT_EQ(reqs[1].page_size(), 1);
  EXPECT_EQ(reqs[1].page_token(), "p2");
  const nlohmann::json json = nlohmann::json::parse(cli.out());
  ASSERT_EQ(json["tickets"].size(), 3u);
  EXPECT_EQ(json["tickets"][2]["id"], "T-3");
  EXPECT_EQ(json["nextPageToken"], "p3");  // more match
}

TEST(TicketsListTest, TableSaysWhenMoreMatch) {
  CliHarness cli;
  EXPECT_CALL(cli.mock(), ListTickets(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(Page({"T-1"}, "more")), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "list", "--limit", "1"}), kExitOk);
  EXPECT_THAT(cli.err(), HasSubstr("showing the newest 1 tickets; more match"));
}

TEST(TicketsListTest, EmptyJsonStillHasTheTicketsArray) {
  CliHarness cli;
  EXPECT_CALL(cli.mock(), ListTickets(_, _, _)).WillOnce(Return(grpc::Status::OK));
  EXPECT_EQ(cli.Run({"tickets", "list", "--output=json"}), kExitOk);
  EXPECT_EQ(nlohmann::json::parse(cli.out())["tickets"], nlohmann::json::array());
}

TEST(TicketsShowTest, AsksForTheIdAndPrintsDetailOrJson) {
  CliHarness cli;
  tv1::GetTicketRequest req;
  EXPECT_CALL(cli.mock(), GetTicket(_, _, _))
      .WillOnce(
          DoAll(SaveArg<1>(&req), SetArgPointee<2>(MakeTicket("T-7")), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "show", "T-7"}), kExitOk);
  EXPECT_EQ(req.ticket_id(), "T-7");
  EXPECT_THAT(cli.out(), HasSubstr("Ticket T-7\n"));
  EXPECT_THAT(cli.out(), HasSubstr("Latest signal"));

  CliHarness json_cli;
  EXPECT_CALL(json_cli.mock(), GetTicket(_, _, _))
      .WillOnce(DoAll(SetArgPointee<2>(MakeTicket("T-7")), Return(grpc::Status::OK)));
  EXPECT_EQ(json_cli.Run({"tickets", "show", "T-7", "-o", "json"}), kExitOk);
  tv1::Ticket back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json_cli.out(), &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, MakeTicket("T-7")));
}

TEST(TicketsShowTest, EveryUnaryCallHasTheDeadline) {
  for (const auto& [flag, expected] :
       {std::pair<std::string, absl::Duration>{"5s", absl::Seconds(5)},
        {"250ms", absl::Milliseconds(250)}}) {
    CliHarness cli;
    absl::Duration deadline_in;
    EXPECT_CALL(cli.mock(), GetTicket(_, _, _))
        .WillOnce(Invoke([&](grpc::ClientContext* ctx, const auto&, auto*) {
          deadline_in = absl::FromChrono(ctx->deadline() - std::chrono::system_clock::now());
          return grpc::Status::OK;
        }));
    EXPECT_EQ(cli.Run({"tickets", "show", "T-1", "--timeout", flag}), kExitOk);
    EXPECT_GT(deadline_in, expected - absl::Seconds(1));
    EXPECT_LE(deadline_in, expected);
  }
}

TEST(TicketsHoldTest, SendsActorFromUserAndReason) {
  CliHarness cli;
  cli.SetEnv("USER", "alice");
  tv1::HoldTicketRequest req;
  tv1::Ticket held = MakeTicket("T-1");
  held.set_held(true);
  EXPECT_CALL(cli.mock(), HoldTicket(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), SetArgPointee<2>(held), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "hold", "T-1", "--reason", "disk swap"}), kExitOk);
  EXPECT_EQ(req.ticket_id(), "T-1");
  EXPECT_EQ(req.actor(), "alice");
  EXPECT_EQ(req.reason(), "disk swap");
  EXPECT_EQ(cli.out(),
            "T-1 held by alice: disk swap\n  now open (held), critical, store_down on store 4\n");
}

TEST(TicketsHoldTest, ActorFlagWinsAndUnknownWithoutUser) {
  CliHarness cli;
  cli.SetEnv("USER", "alice");
  tv1::HoldTicketRequest req;
  EXPECT_CALL(cli.mock(), HoldTicket(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "hold", "T-1", "--reason", "r", "--actor", "bob"}), kExitOk);
  EXPECT_EQ(req.actor(), "bob");

  CliHarness no_user;
  EXPECT_CALL(no_user.mock(), HoldTicket(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), Return(grpc::Status::OK)));
  EXPECT_EQ(no_user.Run({"tickets", "hold", "T-1", "--reason", "r"}), kExitOk);
  EXPECT_EQ(req.actor(), "unknown");
}

TEST(TicketsHoldTest, ReasonIsRequired) {
  for (std::vector<std::string> args : {std::vector<std::string>{"tickets", "hold", "T-1"},
                                        {"tickets", "hold", "T-1", "--reason", "  "},
                                        {"tickets", "resolve", "T-1"}}) {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), HoldTicket(_, _, _)).Times(0);
    EXPECT_CALL(cli.mock(), ResolveTicket(_, _, _)).Times(0);
    EXPECT_EQ(cli.Run(args), kExitUsage);
    EXPECT_THAT(cli.err(), HasSubstr("--reason is required"));
  }
}

TEST(TicketsReleaseTest, ReasonIsOptional) {
  CliHarness cli;
  cli.SetEnv("USER", "alice");
  tv1::ReleaseTicketRequest req;
  EXPECT_CALL(cli.mock(), ReleaseTicket(_, _, _))
      .WillOnce(
          DoAll(SaveArg<1>(&req), SetArgPointee<2>(MakeTicket("T-1")), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "release", "T-1"}), kExitOk);
  EXPECT_EQ(req.ticket_id(), "T-1");
  EXPECT_EQ(req.actor(), "alice");
  EXPECT_EQ(req.reason(), "");
  EXPECT_THAT(cli.out(), HasSubstr("T-1 released by alice\n"));
}

TEST(TicketsResolveTest, SendsReasonAndPrintsJson) {
  CliHarness cli;
  tv1::ResolveTicketRequest req;
  tv1::Ticket resolved = MakeTicket("T-1");
  resolved.set_status(tv1::TICKET_STATUS_RESOLVED);
  EXPECT_CALL(cli.mock(), ResolveTicket(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&req), SetArgPointee<2>(resolved), Return(grpc::Status::OK)));
  EXPECT_EQ(cli.Run({"tickets", "resolve", "T-1", "--reason", "decommissioned", "-o", "json"}),
            kExitOk);
  EXPECT_EQ(req.reason(), "decommissioned");
  EXPECT_EQ(nlohmann::json::parse(cli.out())["status"], "TICKET_STATUS_RESOLVED");
}

struct ErrorCase {
  grpc::Status status;
  int exit_code;
  std::string message;
};

TEST(TicketsErrorsTest, MapToMessagesAndExitCodes) {
  const std::vector<ErrorCase> cases = {
      {grpc::Status(grpc::StatusCode::NOT_FOUND, "no ticket T-1"), kExitFailed,
       "ticket T-1 not found\n"},
      {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "ticket T-1 is resolved"), kExitFailed,
       "ticket T-1 is resolved\n"},
      {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "actor is required"), kExitFailed,
       "actor is required\n"},
      {grpc::Status(grpc::StatusCode::UNAVAILABLE,
                    "failed to connect to all addresses; last error: UNKNOWN: "
                    "ipv4:127.0.0.1:50052: Failed to connect to remote host: Connection refused"),
       kExitUnreachable,
       "cannot reach the tickets service at 127.0.0.1:50052 (connection refused); is it "
       "running? set --tickets_addr or OPS_TICKETS_ADDR\n"},
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "database is down"), kExitUnreachable,
       "the tickets service at 127.0.0.1:50052 is unavailable: database is down\n"},
      {grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), kExitUnreachable,
       "the tickets service at 127.0.0.1:50052 did not answer within 5s; is it running and "
       "reachable? raise --timeout, or set --tickets_addr or OPS_TICKETS_ADDR\n"},
      {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), kExitFailed,
       "does not implement this call"},
      {grpc::Status(grpc::StatusCode::INTERNAL, "boom"), kExitFailed,
       "the tickets service failed: INTERNAL: boom\n"},
      {grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled"), kExitInterrupted, "interrupted\n"},
  };
  for (const ErrorCase& c : cases) {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), HoldTicket(_, _, _)).WillOnce(Return(c.status));
    EXPECT_EQ(cli.Run({"tickets", "hold", "T-1", "--reason", "r"}), c.exit_code)
        << c.status.error_message();
    EXPECT_THAT(cli.err(), HasSubstr(c.message));
    EXPECT_EQ(cli.out(), "");
  }
}

TEST(TicketsErrorsTest, EveryCommandReportsNotFoundAndUnreachable) {
  const grpc::Status refused(grpc::StatusCode::UNAVAILABLE, "Connection refused");
  {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), ListTickets(_, _, _)).WillOnce(Return(refused));
    EXPECT_EQ(cli.Run({"tickets", "list"}), kExitUnreachable);
    EXPECT_THAT(cli.err(), HasSubstr("cannot reach the tickets service"));
  }
  const grpc::Status missing(grpc::StatusCode::NOT_FOUND, "x");
  {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), GetTicket(_, _, _)).WillOnce(Return(missing));
    EXPECT_EQ(cli.Run({"tickets", "show", "T-9"}), kExitFailed);
    EXPECT_EQ(cli.err(), "ticket T-9 not found\n");
  }
  {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), ReleaseTicket(_, _, _)).WillOnce(Return(missing));
    EXPECT_EQ(cli.Run({"tickets", "release", "T-9"}), kExitFailed);
    EXPECT_EQ(cli.err(), "ticket T-9 not found\n");
  }
  {
    CliHarness cli;
    EXPECT_CALL(cli.mock(), ResolveTicket(_, _, _)).WillOnce(Return(missing));
    EXPECT_EQ(cli.Run({"tickets", "resolve", "T-9", "--reason", "r"}), kExitFailed);
    EXPECT_EQ(cli.err(), "ticket T-9 not found\n");
  }
}

}  // namespace
}  // namespace ops::cli
