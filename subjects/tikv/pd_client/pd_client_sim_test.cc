// PdClient against a real 3-member tikv-sim-pd cluster (time scale 0.1): every source parses
// from live bodies, and when the leader process is SIGKILLed the client follows the newly
// elected leader. Spawned processes are killed in TearDown, also on failure.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "libs/http/test_servers.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/pd_client/pd_client.h"
#include "subjects/tikv/pd_client/snapshot_fill.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;

class PdClientSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string initial;
    for (int i = 0; i < 3; ++i) {
      client_ports_.push_back(http::testing::UnusedPort());
      peer_ports_.push_back(http::testing::UnusedPort());
      absl::StrAppend(&initial, i ? "," : "", "pd", i, "=http://127.0.0.1:", peer_ports_[i]);
    }
    for (int i = 0; i < 3; ++i) {
      std::vector<std::string> args = {OPS_SIM_PD_BIN,
                                       "--name",
                                       absl::StrCat("pd", i),
                                       "--client-urls",
                                       ClientUrl(i),
                                       "--peer-urls",
                                       absl::StrCat("http://127.0.0.1:", peer_ports_[i]),
                                       "--initial-cluster",
                                       initial,
                                       "--time-scale",
                                       "0.1"};
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
  std::string ClientUrl(int i) const { return absl::StrCat("http://127.0.0.1:", client_ports_[i]); }
  int IndexOf(const std::string& name) const { return name.empty() ? -1 : name.back() - '0'; }

  // Polls until a view with a leader other than `not_this` and a readable /stores, or the
  // deadline. Returns the last view (or an empty one).
  PdView PollUntilLeader(PdClient& client, absl::Duration within, const std::string& not_this) {
    PdView last;
    for (absl::Time end = absl::Now() + within; absl::Now() < end;) {
      absl::StatusOr<PdView> v = client.Poll(absl::Now() + absl::Seconds(2));
      if (v.ok()) {
        last = *v;
        if (!v->leader_name.empty() && v->leader_name != not_this && v->stores.has_value()) {
          return last;
        }
      }
      absl::SleepFor(absl::Milliseconds(50));  // between cycles, as the observer's loop does
    }
    return last;
  }

  // Registers one store with the leader (a store heartbeat to its peer URL), so /stores has a
  // row to parse.
  void HeartbeatStore(int leader) {
    auto http = http::Client::Create({.retry = {.max_attempts = 1}});
    ASSERT_THAT(http, IsOk());
    std::string hb = R"({"store":{"id":1,"address":"127.0.0.1:20160",
        "status_address":"127.0.0.1:20180","version":"8.5.7","start_timestamp":1735095903},
        "stats":{"capacity":334671872000,"available":238484856832,"used_size":304802816,
        "region_count":0,"leader_count":0,"slow_score":1}})";
    auto r = (*http)->Post(
        absl::StrCat("http://127.0.0.1:", peer_ports_[leader], "/sim/v1/store-heartbeat"), hb,
        "application/json");
    ASSERT_THAT(r, IsOk());
  }

  std::vector<int> client_ports_, peer_ports_;
  std::vector<pid_t> pids_;
};

TEST_F(PdClientSimTest, ParsesLiveBodiesAndFollowsANewLeader) {
  PdClient::Options o;
  for (int i = 0; i < 3; ++i) o.endpoints.push_back(ClientUrl(i));
  o.request_timeout = absl::Milliseconds(500);
  o.endpoint_cooldown = absl::Milliseconds(500);
  ASSERT_OK_AND_ASSIGN(auto client, PdClient::Create(o));

  PdView first = PollUntilLeader(*client, absl::Seconds(15), "");
  ASSERT_FALSE(first.leader_name.empty());
  int leader = IndexOf(first.leader_name);
  ASSERT_GE(leader, 0);
  HeartbeatStore(leader);
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(absl::Now() + absl::Seconds(2)));
  EXPECT_TRUE(v.errors.empty()) << v.errors.front().source << ": " << v.errors.front().status;
  ASSERT_TRUE(v.stores.has_value());
  ASSERT_EQ(v.stores->size(), 1u);
  EXPECT_EQ(v.stores->at(0).state_name, "Up");
  EXPECT_EQ(v.stores->at(0).capacity_bytes / (uint64_t{1} << 30), 311u);  // "311.7GiB"
  ASSERT_TRUE(v.members.has_value());
  EXPECT_EQ(v.members->members.size(), 3u);
  ASSERT_TRUE(v.health.has_value());
  ASSERT_TRUE(v.config.has_value());
  EXPECT_EQ(v.config->max_store_down_time, absl::Minutes(3));  // 30m × --time-scale 0.1
  ASSERT_TRUE(v.cluster_status.has_value());
  EXPECT_TRUE(v.cluster_status->is_initialized);
  EXPECT_EQ(v.region_count, 0u);
  EXPECT_EQ(v.region_checks.miss_peer, 0u);
  EXPECT_EQ(v.endpoint, ClientUrl(leader));
  EXPECT_EQ(v.requests, 11);

  core::Snapshot snap;
  FillSnapshot(v, &snap);
  ASSERT_NE(snap.Leader(), nullptr);
  EXPECT_EQ(snap.Leader()->name, first.leader_name);
  EXPECT_EQ(snap.stores.size(), 1u);

  // Kill the leader process; the survivors elect a new one and the client follows it.
  kill(pids_[leader], SIGKILL);
  waitpid(pids_[leader], nullptr, 0);
  pids_[leader] = -1;
  PdView after = PollUntilLeader(*client, absl::Seconds(20), first.leader_name);
  ASSERT_FALSE(after.leader_name.empty()) << "no new leader";
  EXPECT_NE(after.leader_name, first.leader_name);
  int new_leader = IndexOf(after.leader_name);
  EXPECT_EQ(client->LeaderEndpoint(), ClientUrl(new_leader));
  ASSERT_OK_AND_ASSIGN(PdView steady, client->Poll(absl::Now() + absl::Seconds(2)));
  EXPECT_EQ(steady.endpoint, ClientUrl(new_leader));
  EXPECT_EQ(steady.requests, 11);  // straight to the new leader, the dead one is cooling
  ASSERT_TRUE(steady.health.has_value());
  for (const PdMemberHealth& h : *steady.health) {
    EXPECT_EQ(h.health, h.name != first.leader_name) << h.name;
  }
}

}  // namespace
}  // namespace ops::tikv
