// Signal tests live in their own executable: they install process-wide handlers and raise real
// signals at the test process.
#include "libs/grpc/shutdown_signals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "libs/grpc/server_runner.h"
#include "libs/grpc/testdata/test_echo_service.h"
#include "libs/status/status_matchers.h"

namespace ops::grpcutil {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;

constexpr absl::Duration kWait = absl::Seconds(30);

TEST(ShutdownSignalsTest, RunsCallbackOnAWatcherThreadPerSignal) {
  absl::Mutex mu;
  std::vector<int> received;
  {
    ASSERT_OK_AND_ASSIGN(auto signals, ShutdownSignals::Install([&](int signo) {
                           absl::MutexLock lock(&mu);
                           received.push_back(signo);
                         }));
    ASSERT_EQ(raise(SIGINT), 0);
    ASSERT_EQ(raise(SIGTERM), 0);
    absl::MutexLock lock(&mu);
    auto both = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return received.size() == 2; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&both), kWait));
  }
  EXPECT_THAT(received, ::testing::ElementsAre(SIGINT, SIGTERM));
}

TEST(ShutdownSignalsTest, OneInstanceAtATimeAndPreviousHandlersComeBack) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction saved {};
  ASSERT_EQ(sigaction(SIGTERM, &ignore, &saved), 0);
  {
    ASSERT_OK_AND_ASSIGN(auto first, ShutdownSignals::Install([](int) {}));
    EXPECT_THAT(ShutdownSignals::Install([](int) {}),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    struct sigaction now {};
    ASSERT_EQ(sigaction(SIGTERM, nullptr, &now), 0);
    EXPECT_NE(now.sa_handler, SIG_IGN);
  }
  struct sigaction after {};
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, SIG_IGN);
  // Free again once the first is gone.
  EXPECT_THAT(ShutdownSignals::Install([](int) {}), IsOk());
  ASSERT_EQ(sigaction(SIGTERM, &saved, nullptr), 0);
}

TEST(ShutdownSignalsTest, SigtermShutsTheServerRunnerDown) {
  testing::TestEchoService service;
  ServerRunner::Options options;
  options.services = {&service};
  bool hub_closed = false;
  options.on_shutdown = {[&] {
    service.hub().Close();
    hub_closed = true;
  }};
  ASSERT_OK_AND_ASSIGN(auto runner, ServerRunner::Create(options));
  ASSERT_THAT(runner->InstallSignalHandlers(), IsOk());
  EXPECT_THAT(runner->InstallSignalHandlers(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_FALSE(runner->shutting_down());
  ASSERT_EQ(raise(SIGTERM), 0);
  ASSERT_TRUE(runner->WaitFor(kWait));  // what a service main does with Wait()
  EXPECT_TRUE(runner->shutting_down());
  EXPECT_TRUE(hub_closed);
  runner.reset();  // joins the watcher and restores the default SIGTERM action
  struct sigaction after {};
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace ops::grpcutil
