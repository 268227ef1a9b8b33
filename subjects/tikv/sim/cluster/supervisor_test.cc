// Process-level test of `tikv-sim supervise` and `tikv-sim down` with stand-in children
// (/bin/sleep) instead of the real PD/store/workload binaries: spawning, a real SIGKILL fault and
// its restart, and that down leaves no process behind.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/sim/cluster/cluster_spec.h"
#include "subjects/tikv/sim/cluster/process_table.h"

namespace ops::sim {
namespace {

bool Alive(int pid) { return pid > 0 && kill(pid, 0) == 0; }

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/supervisor_test_" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ClusterOptions o;
    o.dir = dir_;
    o.pd = 1;
    o.regions = 8;
    ASSERT_OK_AND_ASSIGN(ClusterSpec spec, BuildClusterSpec(o, "/unused"));
    for (ProcessSpec& p : spec.processes) p.argv = {"/bin/sleep", "1000"};
    control_port_ = spec.control_port;
    ASSERT_THAT(WriteClusterSpec(spec), ::ops::testing::IsOk());
    ASSERT_OK_AND_ASSIGN(supervisor_, SpawnProcess({TIKV_SIM_BIN, "supervise", "--dir", dir_},
                                                   dir_ + "/supervisor.log", false));
    http::Client::Options co;
    co.retry.max_attempts = 1;
    client_ = *http::Client::Create(co);
  }

  void TearDown() override {
    // Whatever happened, nothing we started may survive.
    if (absl::StatusOr<ClusterSpec> s = ReadClusterSpec(dir_); s.ok()) {
      for (const ProcessSpec& p : s->processes) seen_pids_.push_back(p.pid);
    }
    if (supervisor_ > 0) {
      kill(supervisor_, SIGKILL);
      waitpid(supervisor_, nullptr, 0);
    }
    for (int pid : seen_pids_) {
      if (pid > 0) kill(pid, SIGKILL);
    }
  }

  // Polls cluster.json until `pred` holds (deadline 10 s).
  ClusterSpec WaitFor(const std::function<bool(const ClusterSpec&)>& pred) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    absl::StatusOr<ClusterSpec> s;
    while (absl::Now() < deadline) {
      s = ReadClusterSpec(dir_);
      if (s.ok() && pred(*s)) {
        for (const ProcessSpec& p : s->processes) seen_pids_.push_back(p.pid);
        return *s;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "condition not reached; last: " << (s.ok() ? s->ToJson().dump() : "none");
    return s.ok() ? *s : ClusterSpec{};
  }

  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(control_port_) + path;
  }

  std::string dir_;
  int control_port_ = 0;
  int supervisor_ = 0;
  std::vector<int> seen_pids_;
  std::unique_ptr<http::Client> client_;
};

TEST_F(SupervisorTest, KillRestartAndDownLeaveNothingBehind) {
  auto all_running = [](const ClusterSpec& s) {
    if (s.supervisor_pid <= 0) return false;
    for (const ProcessSpec& p : s.processes) {
      if (p.pid <= 0) return false;
    }
    return true;
  };
  ClusterSpec up = WaitFor(all_running);
  ASSERT_EQ(up.processes.size(), 5u);  // pd-1, store-1..3, workload
  const int store1 = up.Find("store-1")->pid;
  ASSERT_TRUE(Alive(store1));

  // Malformed request and unknown target.
  ASSERT_OK_AND_ASSIGN(http::ClientResponse bad, client_->Do({.method = "POST",
                                                              .url = Url("/sim/v1/faults"),
                                                              .body = "{nope",
                                                              .content_type = "application/json"}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, ::testing::HasSubstr("not valid JSON"));
  ASSERT_OK_AND_ASSIGN(
      http::ClientResponse unknown,
      client_->Do({.method = "POST",
                   .url = Url("/sim/v1/faults"),
                   .body = R"({"kind":"store_kill","target":"store-9","ttl_ms":60000})",
                   .content_type = "application/json"}));
  EXPECT_EQ(unknown.status, 404);

  // A real SIGKILL that sticks.
  ASSERT_OK_AND_ASSIGN(
      http::ClientResponse inj,
      client_->Do({.method = "POST",
                   .url = Url("/sim/v1/faults"),
                   .body = R"({"kind":"store_kill","target":"store-1","ttl_ms":60000})",
                   .content_type = "application/json"}));
  ASSERT_EQ(inj.status, 200) << inj.body;
  nlohmann::json rec = nlohmann::json::parse(inj.body);
  EXPECT_EQ(rec["state"], "active");
  WaitFor([](const ClusterSpec& s) { return s.Find("store-1")->pid == 0; });
  EXPECT_FALSE(Alive(store1));

  // Revert: restarted with the same argv, a new pid.
  ASSERT_OK_AND_ASSIGN(http::ClientResponse rev,
                       client_->Do({.method = "DELETE",
                                    .url = Url("/sim/v1/faults/" + rec["id"].get<std::string>())}));
  ASSERT_EQ(rev.status, 200) << rev.body;
  ClusterSpec back = WaitFor([](const ClusterSpec& s) { return s.Find("store-1")->pid > 0; });
  EXPECT_NE(back.Find("store-1")->pid, store1);
  EXPECT_TRUE(Alive(back.Find("store-1")->pid));

  // GET /sim/v1/cluster reports liveness.
  ASSERT_OK_AND_ASSIGN(http::ClientResponse cl, client_->Get(Url("/sim/v1/cluster")));
  nlohmann::json cj = nlohmann::json::parse(cl.body);
  EXPECT_EQ(cj["processes"].size(), 5u);
  EXPECT_TRUE(cj["processes"][0]["alive"].get<bool>());

  // down: the supervisor is our child here, so reap it while `down` waits for it.
  std::vector<int> children;
  for (const ProcessSpec& p : back.processes) children.push_back(p.pid);
  const std::string cmd = std::string(TIKV_SIM_BIN) + " down --dir " + dir_ + " > /dev/null";
  std::thread reaper([&] { waitpid(supervisor_, nullptr, 0); });
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  reaper.join();
  supervisor_ = 0;
  for (int pid : children) EXPECT_FALSE(Alive(pid)) << pid;
  const std::string status = std::string(TIKV_SIM_BIN) + " status --dir " + dir_ + " 2>/dev/null";
  EXPECT_EQ(WEXITSTATUS(std::system(status.c_str())), 1);
}

// Reads the state letter of /proc/<pid>/stat ('T' = stopped); '?' when gone.
char ProcState(int pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return '?';
  char buf[512] = {0};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  const char* close_paren = std::strrchr(buf, ')');
  return n > 0 && close_paren != nullptr ? close_paren[2] : '?';
}

TEST(WatchdogTest, DetachedWatchdogContinuesAStoppedProcess) {
  const std::string out = ::testing::TempDir() + "/watchdog_test.out";
  ASSERT_OK_AND_ASSIGN(int victim, SpawnProcess({"/bin/sleep", "1000"}, out, false));
  ASSERT_EQ(kill(victim, SIGSTOP), 0);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (ProcState(victim) != 'T' && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ(ProcState(victim), 'T');
  const int64_t at = absl::ToUnixMillis(absl::Now() + absl::Milliseconds(300));
  ASSERT_OK_AND_ASSIGN(int none,
                       SpawnProcess({TIKV_SIM_BIN, "watchdog", "--pid=" + std::to_string(victim),
                                     "--at=" + std::to_string(at)},
                                    out, /*detach=*/true));
  EXPECT_EQ(none, 0);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(ProcState(victim), 'T') << "continued before the deadline";
  while (ProcState(victim) == 'T' && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_NE(ProcState(victim), 'T');
  EXPECT_GE(absl::Now(), absl::FromUnixMillis(at));
  kill(victim, SIGKILL);
  waitpid(victim, nullptr, 0);
}

TEST(CliProcessTest, BadUsageExitsWithAClearMessage) {
  const std::string bin = TIKV_SIM_BIN;
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " up --stores x 2>/dev/null").c_str())), 1);
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " frobnicate 2>/dev/null").c_str())), 2);
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " --help >/dev/null").c_str())), 0);
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " watchdog --pid 0 2>/dev/null").c_str())), 2);
}

}  // namespace
}  // namespace ops::sim
