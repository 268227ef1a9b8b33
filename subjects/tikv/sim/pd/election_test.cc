#include "subjects/tikv/sim/pd/election.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace ops::sim {
namespace {

// Routes calls to in-process Election objects; a member marked down answers nothing.
class FakeNet : public PeerTransport {
 public:
  std::vector<std::unique_ptr<Election>> members;
  std::vector<bool> down;
  absl::Time now;
  absl::StatusOr<VoteResponse> RequestVote(int peer, const VoteRequest& req) override {
    if (down[peer]) return absl::UnavailableError("down");
    return members[peer]->OnVote(req, now);
  }
  absl::StatusOr<HeartbeatResponse> Heartbeat(int peer, const HeartbeatRequest& req) override {
    if (down[peer]) return absl::UnavailableError("down");
    return members[peer]->OnHeartbeat(req, now);
  }
};

class ElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.now = absl::FromUnixSeconds(1000);
    for (int i = 0; i < 3; ++i) {
      net_.members.push_back(std::make_unique<Election>(i, 3, Election::Options{}, 42, net_.now));
      net_.down.push_back(false);
    }
  }
  // Advances the fake clock in 100 ms steps, ticking every live member.
  void Run(absl::Duration d) {
    for (absl::Time end = net_.now + d; net_.now < end; net_.now += absl::Milliseconds(100)) {
      for (int i = 0; i < 3; ++i) {
        if (!net_.down[i]) net_.members[i]->Tick(net_.now, net_, [] { return "{}"; });
      }
    }
  }
  std::vector<int> Leaders() {
    std::vector<int> out;
    for (int i = 0; i < 3; ++i) {
      if (!net_.down[i] && net_.members[i]->is_leader()) out.push_back(i);
    }
    return out;
  }
  FakeNet net_;
};

TEST_F(ElectionTest, ElectsExactlyOneLeaderAndAllAgree) {
  Run(absl::Seconds(7));
  auto leaders = Leaders();
  ASSERT_EQ(leaders.size(), 1u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(net_.members[i]->leader(), leaders[0]);
  Run(absl::Seconds(30));  // stays stable
  EXPECT_EQ(Leaders(), leaders);
}

TEST_F(ElectionTest, KilledLeaderIsReplacedWithinElectionTimeout) {
  Run(absl::Seconds(7));
  ASSERT_EQ(Leaders().size(), 1u);
  int old = Leaders()[0];
  uint64_t old_term = net_.members[old]->term();
  net_.down[old] = true;
  Run(absl::Seconds(3 * 2 + 3 * 2));  // heard-timeout (3 s) + at most 2x election timeout, twice
  auto leaders = Leaders();
  ASSERT_EQ(leaders.size(), 1u);
  EXPECT_NE(leaders[0], old);
  EXPECT_GT(net_.members[leaders[0]]->term(), old_term);
}

TEST_F(ElectionTest, MinorityCannotElectAndIsolatedLeaderStepsDown) {
  Run(absl::Seconds(7));
  ASSERT_EQ(Leaders().size(), 1u);
  int leader = Leaders()[0];
  // Take both followers down: the leader loses its majority and steps down after the lease.
  for (int i = 0; i < 3; ++i) net_.down[i] = i != leader;
  Run(absl::Seconds(6));
  EXPECT_FALSE(net_.members[leader]->is_leader());
  Run(absl::Seconds(30));
  EXPECT_TRUE(Leaders().empty());
}

TEST_F(ElectionTest, StaleTermsAreRejected) {
  Election e(0, 3, Election::Options{}, 1, net_.now);
  EXPECT_TRUE(e.OnHeartbeat({5, 1, ""}, net_.now).ok);
  EXPECT_EQ(e.leader(), 1);
  EXPECT_FALSE(e.OnHeartbeat({4, 2, ""}, net_.now).ok);
  EXPECT_FALSE(e.OnVote({6, 2}, net_.now).granted);  // leader heard just now
  EXPECT_TRUE(e.OnVote({6, 2}, net_.now + absl::Seconds(4)).granted);
  EXPECT_FALSE(e.OnVote({6, 1}, net_.now + absl::Seconds(4)).granted);  // already voted in 6
}

}  // namespace
}  // namespace ops::sim
