// Process-level test: three real tikv-sim-pd processes elect one leader, a follower forwards the
// public API to it, and a SIGKILLed leader is replaced. Every spawned process is killed in
// TearDown, also on failure.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "nlohmann/json.hpp"
#include "libs/http/test_servers.h"

namespace ops::sim {
namespace {

class PdProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = http::Client::Create({.timeout = absl::Seconds(2), .retry = {.max_attempts = 1}});
    ASSERT_TRUE(c.ok());
    client_ = std::move(*c);
    std::string ic;
    for (int i = 0; i < 3; ++i) {
      client_ports_.push_back(ops::http::testing::UnusedPort());
      peer_ports_.push_back(ops::http::testing::UnusedPort());
      absl::StrAppend(&ic, i ? "," : "", "pd", i + 1, "=http://127.0.0.1:", peer_ports_[i]);
    }
    for (int i = 0; i < 3; ++i) {
      std::vector<std::string> args = {
          OPS_SIM_PD_BIN, "--name", absl::StrCat("pd", i + 1), "--client-urls",
          absl::StrCat("http://127.0.0.1:", client_ports_[i]), "--peer-urls",
          absl::StrCat("http://127.0.0.1:", peer_ports_[i]), "--initial-cluster", ic,
          "--time-scale", "0.1"};
      pid_t pid = fork();
      if (pid == 0) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
      }
      pids_.push_back(pid);
    }
  }
  void TearDown() override {
    for (pid_t p : pids_) {
      if (p > 0) {
        kill(p, SIGKILL);
        waitpid(p, nullptr, 0);
      }
    }
  }
  std::string Url(int i, const std::string& path) {
    return absl::StrCat("http://127.0.0.1:", client_ports_[i], path);
  }
  // The leader name all live members agree on, or "" until the deadline.
  std::string AgreedLeader(const std::vector<int>& live, absl::Duration within,
                           const std::string& not_this = "") {
    for (absl::Time end = absl::Now() + within; absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(50))) {
      std::string agreed;
      bool ok = true;
      for (int i : live) {
        auto r = client_->Get(Url(i, "/pd/api/v1/leader"));
        if (!r.ok()) { ok = false; break; }
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        std::string name = j.is_object() ? j.value("name", "") : "";
        if (name.empty() || name == not_this || (!agreed.empty() && name != agreed)) {
          ok = false;
          break;
        }
        agreed = name;
      }
      if (ok) return agreed;
    }
    return "";
  }
  std::unique_ptr<http::Client> client_;
  std::vector<int> client_ports_, peer_ports_;
  std::vector<pid_t> pids_;
};

TEST_F(PdProcessTest, ElectsForwardsAndFailsOver) {
  std::string leader = AgreedLeader({0, 1, 2}, absl::Seconds(10));
  ASSERT_FALSE(leader.empty());
  int li = leader.back() - '1';
  int follower = (li + 1) % 3;
  std::string hb = R"({"store":{"id":1,"address":"127.0.0.1:20160","start_timestamp":1735095903},
    "stats":{"capacity":334671872000,"available":238484856832,"used_size":304802816}})";
  auto posted = client_->Post(absl::StrCat("http://127.0.0.1:", peer_ports_[li],
                                           "/sim/v1/store-heartbeat"), hb, "application/json");
  ASSERT_TRUE(posted.ok()) << posted.status();
  // A follower refuses store heartbeats, naming the leader's peer URL.
  http::ClientRequest req{.method = "POST",
                          .url = absl::StrCat("http://127.0.0.1:", peer_ports_[follower],
                                              "/sim/v1/store-heartbeat"),
                          .body = hb,
                          .content_type = "application/json"};
  auto refused = client_->Do(req);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find(absl::StrCat(peer_ports_[li])), std::string::npos);

  auto stores = client_->Get(Url(follower, "/pd/api/v1/stores"));
  ASSERT_TRUE(stores.ok()) << stores.status();
  auto j = nlohmann::json::parse(stores->body);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["stores"][0]["status"]["capacity"], "311.7GiB");

  // With PD-Allow-follower-handle the follower answers from its own replica; wait until the
  // leader's replication (every heartbeat) carried the store there.
  bool replicated = false;
  for (absl::Time end = absl::Now() + absl::Seconds(5); !replicated && absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(20))) {
    http::RequestOptions o;
    o.headers = {{"PD-Allow-follower-handle", "true"}};
    auto own = client_->Get(Url(follower, "/pd/api/v1/store/1"), o);
    replicated = own.ok();
  }
  ASSERT_TRUE(replicated);

  kill(pids_[li], SIGKILL);
  waitpid(pids_[li], nullptr, 0);
  pids_[li] = -1;
  std::vector<int> live;
  for (int i = 0; i < 3; ++i) if (i != li) live.push_back(i);
  // Followers report the old leader until their election timeout (as real PD members do).
  std::string next = AgreedLeader(live, absl::Seconds(5), leader);
  ASSERT_FALSE(next.empty());
  EXPECT_NE(next, leader);
  // The new leader already knows the store (replicated state).
  auto again = client_->Get(Url(live[0], "/pd/api/v1/store/1"));
  ASSERT_TRUE(again.ok()) << again.status();
}

// Scale mode: one process serves a synthetic cluster as the leader of a one-member cluster,
// with no election and no peer URL server.
TEST(PdScaleProcessTest, ServesSyntheticClusterAsSoleLeader) {
  auto c = http::Client::Create({.timeout = absl::Seconds(5), .retry = {.max_attempts = 1}});
  ASSERT_TRUE(c.ok());
  int port = ops::http::testing::UnusedPort();
  std::vector<std::string> args = {OPS_SIM_PD_BIN, "--scale-stores", "50", "--scale-regions",
                                   "10000", "--name", "pd-scale", "--client-urls",
                                   absl::StrCat("http://127.0.0.1:", port)};
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  auto url = [&](const char* path) { return absl::StrCat("http://127.0.0.1:", port, path); };
  absl::StatusOr<http::ClientResponse> count = absl::UnavailableError("not yet");
  for (absl::Time end = absl::Now() + absl::Seconds(10); !count.ok() && absl::Now() < end;
       absl::SleepFor(absl::Milliseconds(20))) {
    count = (*c)->Get(url("/pd/api/v1/regions/count"));
  }
  auto leader = (*c)->Get(url("/pd/api/v1/leader"));
  auto miss = (*c)->Get(url("/pd/api/v1/regions/check/miss-peer"));
  auto page = (*c)->Get(url("/pd/api/v1/regions/key?limit=3"));
  auto stores = (*c)->Get(url("/pd/api/v1/stores"));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(nlohmann::json::parse(count->body)["count"], 10000);
  ASSERT_TRUE(leader.ok()) << leader.status();
  EXPECT_EQ(nlohmann::json::parse(leader->body)["name"], "pd-scale");
  ASSERT_TRUE(miss.ok()) << miss.status();
  EXPECT_EQ(nlohmann::json::parse(miss->body)["count"], 5);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(nlohmann::json::parse(page->body)["regions"].size(), 3u);
  ASSERT_TRUE(stores.ok()) << stores.status();
  EXPECT_EQ(nlohmann::json::parse(stores->body)["count"], 50);
}

}  // namespace
}  // namespace ops::sim
