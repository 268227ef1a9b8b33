// Test-only: runs `operator` in-process against a gMock TicketService stub, with captured
// stdout/stderr, a fixed clock, a fake environment, and recorded (not slept) backoff waits.
//
//   CliHarness cli;
//   EXPECT_CALL(cli.mock(), GetTicket(_, _, _)).WillOnce(...);
//   EXPECT_EQ(cli.Run({"tickets", "show", "T-1"}), 0);
//   EXPECT_THAT(cli.out(), HasSubstr("Ticket T-1"));
#ifndef OPS_CLIENTS_CLI_TEST_HARNESS_H_
#define OPS_CLIENTS_CLI_TEST_HARNESS_H_

#include <grpcpp/test/mock_stream.h>

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "clients/cli/app.h"
#include "clients/cli/command.h"
#include "clients/cli/interrupt.h"
#include "clients/cli/test_tickets.h"
#include "ops/v1/tickets_mock.grpc.pb.h"

namespace ops::cli::testing {

class CliHarness {
 public:
  CliHarness() : mock_owned_(std::make_unique<tickets::v1::MockTicketServiceStub>()) {
    mock_ = mock_owned_.get();
    ctx_.out = &out_;
    ctx_.err = &err_;
    ctx_.now = [] { return kTestNow; };
    ctx_.env = [this](absl::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    ctx_.interrupt = &interrupt_;
    ctx_.wait = [this](absl::Duration d) {
      waits_.push_back(d);
      return !interrupt_.triggered();
    };
    ctx_.unit_random = [] { return 1.0; };  // no jitter: delays are exactly 0.5 s, 1 s, 2 s...
    ctx_.clients.tickets = [this](const std::string& address) {
      addresses_.push_back(address);
      return std::unique_ptr<tickets::v1::TicketService::StubInterface>(std::move(mock_owned_));
    };
  }

  // The stub the next Run gets. Set expectations before Run; it is verified and destroyed
  // when the command finishes.
  tickets::v1::MockTicketServiceStub& mock() { return *mock_; }

  int Run(std::vector<std::string> args) { return cli::Run(args, ctx_); }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }
  Context& ctx() { return ctx_; }
  Interrupt& interrupt() { return interrupt_; }
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }
  // Addresses the stub factory was called with.
  const std::vector<std::string>& addresses() const { return addresses_; }
  // Backoff waits the command asked for, in order.
  const std::vector<absl::Duration>& waits() const { return waits_; }

 private:
  std::unique_ptr<tickets::v1::MockTicketServiceStub> mock_owned_;
  tickets::v1::MockTicketServiceStub* mock_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::map<std::string, std::string> env_;
  Interrupt interrupt_;
  Context ctx_;
  std::vector<std::string> addresses_;
  std::vector<absl::Duration> waits_;
};

// A mock stream that yields `events` and then ends with `end`. gRPC's stub wrapper takes
// ownership of the returned reader.
inline grpc::testing::MockClientReader<tickets::v1::TicketEvent>* MockStream(
    std::vector<tickets::v1::TicketEvent> events, grpc::Status end) {
  using ::testing::_;
  using ::testing::DoAll;
  using ::testing::Return;
  using ::testing::SetArgPointee;
  auto* reader = new grpc::testing::MockClientReader<tickets::v1::TicketEvent>();
  ::testing::Sequence seq;
  for (const auto& e : events) {
    EXPECT_CALL(*reader, Read(_))
        .InSequence(seq)
        .WillOnce(DoAll(SetArgPointee<0>(e), Return(true)));
  }
  EXPECT_CALL(*reader, Read(_)).InSequence(seq).WillOnce(Return(false));
  EXPECT_CALL(*reader, Finish()).InSequence(seq).WillOnce(Return(end));
  return reader;
}

}  // namespace ops::cli::testing

#endif  // OPS_CLIENTS_CLI_TEST_HARNESS_H_
