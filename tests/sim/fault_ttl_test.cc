// End-to-end: a fault's TTL is held by the target side, not by whoever asked for the fault
// (docs/tikv-sim.md; DESIGN.md "Every fault has a TTL and reverts itself even if the chaos
// service dies"). The CLI that injects exits at once; the revert still happens. A store hang
// is resumed by its detached watchdog even when the supervisor itself is killed.
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

class FaultTtlTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (cluster_ == nullptr) return;
    cluster_->Down();
    if (!HasFailure()) cluster_->RemoveDir();
  }
  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/tikv-sim");
    args.push_back("--dir=" + cluster_->dir());
    return RunCommand(args, absl::Seconds(20));
  }
  std::unique_ptr<SimCluster> cluster_;
};

TEST_F(FaultTtlTest, RevertHappensAfterTheRequestingCliExited) {
  cluster_ = std::make_unique<SimCluster>("fault_ttl_cli");
  SimCluster& c = *cluster_;
  UpOptions o;
  o.pd = 1;
  o.rate = 100;
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();
  const int old_pid = c.LivePid("store-2");

  const absl::Time start = absl::Now();
  CommandResult r = Cli({"fault", "inject", "store_kill", "--target", "store-2", "--ttl", "4s"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(absl::Now() - start, absl::Seconds(3)) << "the CLI must not wait for the TTL";
  EXPECT_NE(r.output.find("store_kill"), std::string::npos) << r.output;
  EXPECT_TRUE(WaitFor(absl::Seconds(4), [&] { return c.StateName(2) == "Disconnected"; }));

  // Nobody is left waiting for the TTL but the supervisor: the store comes back by itself.
  ASSERT_TRUE(WaitFor(absl::Seconds(15), [&] { return c.StateName(2) == "Up"; })) << c.LogHint();
  EXPECT_GE(absl::Now() - start, absl::Seconds(4));
  const int new_pid = c.LivePid("store-2");
  EXPECT_GT(new_pid, 0);
  EXPECT_NE(new_pid, old_pid);
  CommandResult list = Cli({"fault", "list", "--output", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  nlohmann::json j = nlohmann::json::parse(list.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << list.output;
  ASSERT_EQ(j["faults"].size(), 1u);
  EXPECT_EQ(j["faults"][0]["state"], "expired");
}

TEST_F(FaultTtlTest, HangIsResumedEvenWhenTheSupervisorDies) {
  cluster_ = std::make_unique<SimCluster>("fault_ttl_watchdog");
  SimCluster& c = *cluster_;
  UpOptions o;
  o.pd = 1;
  o.rate = 0;
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();
  const std::string status_url =
      absl::StrCat("http://127.0.0.1:", c.Port("store-3", "status"), "/status");
  auto answers = [&] {
    absl::StatusOr<http::ClientResponse> r = c.Get(status_url, absl::Milliseconds(300));
    return r.ok() && r->status == 200;
  };
  ASSERT_TRUE(answers());

  const absl::Time start = absl::Now();
  CommandResult r = Cli({"fault", "inject", "store_hang", "--target", "store-3", "--ttl", "4s"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(WaitFor(absl::Seconds(2), [&] { return !answers(); }));

  // Kill the supervisor: only the detached watchdog still holds the deadline.
  CommandResult status = Cli({"status", "--output", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  nlohmann::json j = nlohmann::json::parse(status.output, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  const int supervisor = j["supervisor"].value("pid", 0);
  ASSERT_GT(supervisor, 0);
  ASSERT_EQ(kill(supervisor, SIGKILL), 0);
  EXPECT_TRUE(WaitFor(absl::Seconds(2), [&] { return kill(supervisor, 0) != 0; }));

  ASSERT_TRUE(WaitFor(absl::Seconds(10), answers)) << "the hung store was never resumed";
  EXPECT_GE(absl::Now() - start, absl::Seconds(4) - absl::Milliseconds(300));
  // TearDown: `tikv-sim down` finds no supervisor, so the harness kills the recorded pids.
}

}  // namespace
}  // namespace ops::sim::e2e
