// End-to-end: killing the PD leader (docs/tikv-sim.md; ../shared/reference/tikv.md 1.9, 6).
// The survivors elect a new leader and agree on it, the PD API keeps answering on every
// survivor, stores heartbeat to the new leader, and the killed member rejoins at the TTL.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

TEST(PdLeaderKillTest, SurvivorsElectANewLeaderAndStoresFollowIt) {
  SimCluster c("pd_leader_kill");
  UpOptions o;
  o.rate = 100;
  absl::Status up = c.Up(o);
  ASSERT_TRUE(up.ok()) << up.message();
  ASSERT_TRUE(c.WaitHealthy(absl::Seconds(20))) << c.LogHint();

  const std::string old_leader = c.PdLeaderName();
  ASSERT_FALSE(old_leader.empty());
  std::vector<std::string> survivors;
  for (const std::string& pd : c.PdNames()) {
    if (pd != old_leader) survivors.push_back(pd);
  }
  ASSERT_EQ(survivors.size(), 2u);

  const absl::Duration ttl = absl::Seconds(8);
  absl::StatusOr<nlohmann::json> fault = c.Inject("pd_leader_kill", "cluster", ttl);
  const absl::Time killed = absl::Now();
  ASSERT_TRUE(fault.ok()) << fault.status();
  ASSERT_EQ((*fault)["blast_radius"]["processes"][0], old_leader);

  // GET /pd/api/v1/leader on each survivor names the same, different member.
  auto leader_on = [&](const std::string& pd) -> std::string {
    absl::StatusOr<http::ClientResponse> r = c.Get(c.PdUrl(pd) + "/pd/api/v1/leader");
    if (!r.ok() || r->status != 200) return "";
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    return j.is_object() ? j.value("name", "") : "";
  };
  std::string new_leader;
  ASSERT_TRUE(WaitFor(absl::Seconds(5),
                      [&] {
                        const std::string a = leader_on(survivors[0]), b = leader_on(survivors[1]);
                        if (a.empty() || a != b || a == old_leader) return false;
                        new_leader = a;
                        return true;
                      }))
      << "survivors did not agree on a new leader; " << c.LogHint();
  EXPECT_LT(absl::Now() - killed, absl::Seconds(5));
  const absl::Time elected = absl::Now();

  // The API keeps answering on every survivor (a follower forwards to the leader).
  for (const std::string& pd : survivors) {
    absl::StatusOr<http::ClientResponse> r = c.Get(c.PdUrl(pd) + "/pd/api/v1/stores");
    ASSERT_TRUE(r.ok()) << pd << ": " << r.status();
    EXPECT_EQ(r->status, 200) << pd << ": " << r->body;
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j["count"], 3);
  }

  // Stores heartbeat to the new leader: its last_heartbeat (unix ns) passes the election time
  // and every store stays Up.
  const int64_t elected_ns = absl::ToUnixNanos(elected);
  EXPECT_TRUE(WaitFor(absl::Seconds(5),
                      [&] {
                        absl::StatusOr<http::ClientResponse> r =
                            c.Get(c.PdUrl(new_leader) + "/pd/api/v1/stores");
                        if (!r.ok() || r->status != 200) return false;
                        nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
                        if (j.is_discarded()) return false;
                        for (const auto& s : j["stores"]) {
                          if (s["store"].value("last_heartbeat", int64_t{0}) <= elected_ns)
                            return false;
                          if (s["store"].value("state_name", "") != "Up") return false;
                        }
                        return true;
                      }))
      << "stores did not heartbeat to the new PD leader " << new_leader;

  // At the TTL the killed member restarts and follows the current leader.
  EXPECT_TRUE(WaitFor(ttl + absl::Seconds(10),
                      [&] {
                        const std::string seen = leader_on(old_leader);
                        return !seen.empty() && seen == leader_on(survivors[0]);
                      }))
      << old_leader << " did not rejoin";
  EXPECT_GE(absl::Now() - killed, ttl);
  c.Down();
  if (!::testing::Test::HasFailure()) c.RemoveDir();
}

}  // namespace
}  // namespace ops::sim::e2e
