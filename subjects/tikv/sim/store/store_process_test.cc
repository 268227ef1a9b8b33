// Starts the real tikv-sim-store binary with a bootstrap file and no PD, checks /status,
// /metrics and the KV API over HTTP, then stops it with SIGTERM.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "libs/http/test_servers.h"

namespace ops::sim {
namespace {

class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int Term() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

TEST(StoreProcessTest, ServesStatusMetricsAndKvWithoutPd) {
  std::string dir = testing::TempDir() + "/store_process_test_" + std::to_string(getpid());
  ASSERT_EQ(system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  std::ofstream(dir + "/bootstrap.json") << R"({"store_id": 1, "cluster_id": 42,
   "regions": [{"id": 2, "start_key": "", "end_key": "", "epoch": {"conf_ver": 1, "version": 1},
   "peers": [{"id": 3, "store_id": 1}, {"id": 4, "store_id": 2}, {"id": 5, "store_id": 3}],
   "leader_store_id": 1, "term": 5}]})";
  int data = ops::http::testing::UnusedPort(), status = ops::http::testing::UnusedPort(), control = ops::http::testing::UnusedPort(), pd = ops::http::testing::UnusedPort();
  std::string bin = std::string(OPS_SIM_BIN_DIR) + "/tikv-sim-store";
  Child child({bin, absl::StrCat("--addr=127.0.0.1:", data),
               absl::StrCat("--status-addr=127.0.0.1:", status),
               absl::StrCat("--control-addr=127.0.0.1:", control),
               absl::StrCat("--pd-endpoints=http://127.0.0.1:", pd), "--data-dir=" + dir,
               "--time-scale=0.05"});
  auto client = http::Client::Create({});
  ASSERT_TRUE(client.ok());
  http::RequestOptions once;
  http::RetryPolicy p;
  p.max_attempts = 1;
  once.retry = p;
  std::string base = absl::StrCat("http://127.0.0.1:", status);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  absl::StatusOr<http::ClientResponse> r;
  do {
    r = (*client)->Do({"GET", base + "/status", "", "", once});
    if (r.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");

  std::string kv = absl::StrCat("http://127.0.0.1:", data, "/kv/v1/");
  r = (*client)->Do({"POST", kv + "put", R"({"region_id": 2, "key": "01", "value": "AB"})",
                     "application/json", once});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  r = (*client)->Do({"POST", kv + "get", R"({"region_id": 2, "key": "01"})", "application/json",
                     once});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, R"({"found":true,"value":"AB"})");
  r = (*client)->Do({"POST", kv + "get", R"({"region_id": 9, "key": "01"})", "application/json",
                     once});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);

  // PD unreachable must not crash the store; let a few heartbeat periods pass.
  absl::SleepFor(absl::Seconds(1));
  r = (*client)->Do({"GET", base + "/metrics", "", "", once});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->body, testing::HasSubstr(
                           "tikv_grpc_msg_duration_seconds_count{priority=\"medium\","
                           "type=\"raw_put\"} 1\n"));
  EXPECT_THAT(r->body, testing::HasSubstr("# TYPE process_start_time_seconds gauge"));

  int st = child.Term();
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  std::ifstream log(dir + "/tikv.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, testing::HasSubstr("[\"Welcome to TiKV\"]"));
  // TiKV logs "connect to PD cluster" once PD answers; this store never reached one.
  EXPECT_THAT(text, testing::Not(testing::HasSubstr("connect to PD cluster")));
  std::ifstream saved(dir + "/store_state.json");
  EXPECT_TRUE(saved.good());
  ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
}

}  // namespace
}  // namespace ops::sim
