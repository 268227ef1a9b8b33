// `tickets watch` against mock streams: output, reconnecting from last seq + 1 with capped
// exponential backoff, errors, and Ctrl-C.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "clients/cli/test_harness.h"

namespace ops::cli {
namespace {

using ::ops::cli::testing::CliHarness;
using ::ops::cli::testing::MakeEvent;
using ::ops::cli::testing::MockStream;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Invoke;
using ::testing::Not;
using ::testing::Return;
namespace tv1 = ::ops::tickets::v1;

constexpr auto kOpened = tv1::TICKET_EVENT_TYPE_OPENED;

const grpc::Status kSlow(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         "consumer too slow; resume from seq 11");
const grpc::Status kRefused(grpc::StatusCode::UNAVAILABLE,
                            "failed to connect to all addresses; last error: UNKNOWN: "
                            "ipv4:127.0.0.1:50052: Failed to connect to remote host: "
                            "Connection refused");
const grpc::Status kCancelled(grpc::StatusCode::CANCELLED, "Cancelled");

// Expects WatchTickets calls in order; each records its request and returns the next stream.
// The last stream presses Ctrl-C when it is opened, as a person would after reading.
class WatchScript {
 public:
  WatchScript(
      CliHarness* cli,
      std::vector<std::function<grpc::ClientReaderInterface<tv1::TicketEvent>*()>> streams) {
    ::testing::Sequence seq;
    for (auto& make : streams) {
      EXPECT_CALL(cli->mock(), WatchTicketsRaw(_, _))
          .InSequence(seq)
          .WillOnce(Invoke([this, make](grpc::ClientContext*, const tv1::WatchTicketsRequest& r) {
            requests_.push_back(r);
            return make();
          }));
    }
  }
  const std::vector<tv1::WatchTicketsRequest>& requests() const { return requests_; }

 private:
  std::vector<tv1::WatchTicketsRequest> requests_;
};

// A stream that triggers the interrupt on its first Read and then ends CANCELLED.
std::function<grpc::ClientReaderInterface<tv1::TicketEvent>*()> CtrlCStream(CliHarness* cli) {
  return [cli] {
    auto* reader = new grpc::testing::MockClientReader<tv1::TicketEvent>();
    EXPECT_CALL(*reader, Read(_)).WillOnce(Invoke([cli](tv1::TicketEvent*) {
      cli->interrupt().Trigger();
      return false;
    }));
    EXPECT_CALL(*reader, Finish()).WillOnce(Return(kCancelled));
    return reader;
  };
}

std::function<grpc::ClientReaderInterface<tv1::TicketEvent>*()> Stream(
    std::vector<tv1::TicketEvent> events, grpc::Status end) {
  return [events, end] { return MockStream(events, end); };
}

TEST(TicketsWatchTest, PrintsEventsAndEndsCleanlyOnCtrlC) {
  CliHarness cli;
  WatchScript script(&cli, {[&] {
    auto* reader = new grpc::testing::MockClientReader<tv1::TicketEvent>();
    ::testing::Sequence s;
    EXPECT_CALL(*reader, Read(_))
        .InSequence(s)
        .WillOnce(Invoke([](tv1::TicketEvent* e) {
          *e = MakeEvent(5, kOpened);
          return true;
        }))
        .WillOnce(Invoke([&](tv1::TicketEvent*) {
          cli.interrupt().Trigger();
          return false;
        }));
    EXPECT_CALL(*reader, Finish()).InSequence(s).WillOnce(Return(kCancelled));
    return reader;
  }});
  EXPECT_EQ(cli.Run({"tickets", "watch", "T-000001", "T-000002"}), kExitOk);
  ASSERT_EQ(script.requests().size(), 1u);
  EXPECT_EQ(script.requests()[0].from_seq(), 0u);
  EXPECT_THAT(script.requests()[0].ticket_ids(), ElementsAre("T-000001", "T-000002"));
  const std::vector<std::string> lines = absl::StrSplit(cli.out(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("SEQ     AT (UTC)"));
  EXPECT_THAT(lines[1], HasSubstr("5       11-14 22:12:20  opened"));
  EXPECT_THAT(cli.err(), HasSubstr("watching tickets at 127.0.0.1:50052 (new events only)"));
  EXPECT_THAT(cli.err(), Not(HasSubstr("interrupted")));
}

TEST(TicketsWatchTest, ReconnectsFromLastSeqPlusOneAfterResourceExhausted) {
  CliHarness cli;
  WatchScript script(&cli, {Stream({MakeEvent(10, kOpened), MakeEvent(11, kOpened)}, kSlow),
                            Stream({MakeEvent(12, kOpened)}, kSlow), CtrlCStream(&cli)});
  EXPECT_EQ(cli.Run({"tickets", "watch", "--from-seq", "10", "-o", "json"}), kExitOk);
  ASSERT_EQ(script.requests().size(), 3u);
  EXPECT_EQ(script.requests()[0].from_seq(), 10u);
  EXPECT_EQ(script.requests()[1].from_seq(), 12u);
  EXPECT_EQ(script.requests()[2].from_seq(), 13u);
  // An event resets the backoff, so both waits are the first step.
  EXPECT_THAT(cli.waits(), ElementsAre(absl::Milliseconds(500), absl::Milliseconds(500)));
  EXPECT_THAT(cli.err(), HasSubstr("watch: stream ended: RESOURCE_EXHAUSTED: consumer too slow; "
                                   "resume from seq 11; reconnecting from seq 12 in 500ms\n"));
  // One JSON object per line, each event once.
  std::vector<std::string> seqs;
  for (absl::string_view line : absl::StrSplit(cli.out(), '\n', absl::SkipEmpty())) {
    seqs.push_back(nlohmann::json::parse(line)["seq"]);
  }
  EXPECT_THAT(seqs, ElementsAre("10", "11", "12"));
}

TEST(TicketsWatchTest, BackoffGrowsWhileReconnectsFailAndIsCapped) {
  CliHarness cli;
  std::vector<std::function<grpc::ClientReaderInterface<tv1::TicketEvent>*()>> streams = {Stream(
      {MakeEvent(1, kOpened)}, grpc::Status(grpc::StatusCode::UNAVAILABLE, "Socket closed"))};
  for (int i = 0; i < 8; ++i) streams.push_back(Stream({}, kRefused));
  streams.push_back(CtrlCStream(&cli));
  WatchScript script(&cli, streams);
  EXPECT_EQ(cli.Run({"tickets", "watch"}), kExitOk);
  EXPECT_THAT(cli.waits(), ElementsAre(absl::Milliseconds(500), absl::Seconds(1), absl::Seconds(2),
                                       absl::Seconds(4), absl::Seconds(8), absl::Seconds(16),
                                       absl::Seconds(30), absl::Seconds(30), absl::Seconds(30)));
  ASSERT_EQ(script.requests().size(), 10u);
  for (size_t i = 1; i < script.requests().size(); ++i) {
    EXPECT_EQ(script.requests()[i].from_seq(), 2u) << i;
  }
  EXPECT_THAT(cli.err(), HasSubstr("watch: cannot reach the tickets service at 127.0.0.1:50052 "
                                   "(connection lost)"));
  EXPECT_THAT(cli.err(), HasSubstr("(connection refused); is it running? set --tickets_addr or "
                                   "OPS_TICKETS_ADDR; reconnecting from seq 2 in 1s\n"));
}

TEST(TicketsWatchTest, ServerEndingTheStreamIsAReconnectToo) {
  CliHarness cli;
  WatchScript script(&cli, {Stream({MakeEvent(3, kOpened)}, grpc::Status::OK), CtrlCStream(&cli)});
  EXPECT_EQ(cli.Run({"tickets", "watch"}), kExitOk);
  EXPECT_EQ(script.requests()[1].from_seq(), 4u);
  EXPECT_THAT(cli.err(), HasSubstr("watch: the tickets service ended the stream; reconnecting"));
}

TEST(TicketsWatchTest, DuplicatesFromAnOverlappingReplayAreSkipped) {
  CliHarness cli;
  WatchScript script(
      &cli, {Stream({MakeEvent(4, kOpened), MakeEvent(5, kOpened)}, kSlow),
             Stream({MakeEvent(5, kOpened), MakeEvent(6, kOpened)}, kSlow), CtrlCStream(&cli)});
  EXPECT_EQ(cli.Run({"tickets", "watch", "-o", "json"}), kExitOk);
  std::vector<std::string> seqs;
  for (absl::string_view line : absl::StrSplit(cli.out(), '\n', absl::SkipEmpty())) {
    seqs.push_back(nlohmann::json::parse(line)["seq"]);
  }
  EXPECT_THAT(seqs, ElementsAre("4", "5", "6"));
}

TEST(TicketsWatchTest, UnreachableAtStartExitsThree) {
  CliHarness cli;
  WatchScript script(&cli, {Stream({}, kRefused)});
  EXPECT_EQ(cli.Run({"tickets", "watch"}), kExitUnreachable);
  EXPECT_THAT(cli.err(), HasSubstr("cannot reach the tickets service at 127.0.0.1:50052 "
                                   "(connection refused)"));
  EXPECT_TRUE(cli.waits().empty());
  EXPECT_EQ(cli.out(), "");
}

TEST(TicketsWatchTest, FinalErrorsStop) {
  CliHarness cli;
  WatchScript script(
      &cli, {Stream({}, grpc::Status(grpc::StatusCode::OUT_OF_RANGE,
                                     "from_seq 3 is older than the oldest kept event 90"))});
  EXPECT_EQ(cli.Run({"tickets", "watch", "--from-seq", "3"}), kExitFailed);
  EXPECT_THAT(cli.err(), HasSubstr("from_seq 3 is older than the oldest kept event 90\n"));
  EXPECT_THAT(cli.err(), HasSubstr("--from-seq 0 follows new events only"));
}

TEST(TicketsWatchTest, CtrlCDuringBackoffEndsCleanly) {
  CliHarness cli;
  WatchScript script(&cli, {Stream({MakeEvent(1, kOpened)}, kSlow)});
  cli.ctx().wait = [&](absl::Duration) {
    cli.interrupt().Trigger();
    return false;
  };
  EXPECT_EQ(cli.Run({"tickets", "watch"}), kExitOk);
  EXPECT_EQ(script.requests().size(), 1u);
}

TEST(TicketsWatchTest, BadFromSeqIsAUsageError) {
  CliHarness cli;
  EXPECT_EQ(cli.Run({"tickets", "watch", "--from-seq", "-1"}), kExitUsage);
  EXPECT_THAT(cli.err(), HasSubstr("bad --from-seq \"-1\""));
}

}  // namespace
}  // namespace ops::cli
