// PdClient against fake PD members on loopback (fake_pd.h): leader following, failover,
// all-down, garbage and oversized bodies, deadlines, per-source partial failures and the
// request budget per cycle. No sleeps: every wait is a call with a deadline.
#include "subjects/tikv/pd_client/pd_client.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/test_servers.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/pd_client/fake_pd.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using testing::FakePdCluster;
using ::testing::HasSubstr;
using ::testing::Not;

// Requests of one steady-state cycle: members, health, stores, regions/count, 6 checks,
// cluster/status.
constexpr int kSteadyRequests = 11;

absl::Time Soon(absl::Duration d = absl::Seconds(5)) { return absl::Now() + d; }

class PdClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = FakePdCluster::Create(3);
    ASSERT_THAT(c, IsOk());
    pd_ = std::move(*c);
  }
  std::unique_ptr<PdClient> Client(PdClient::Options o) {
    if (o.endpoints.empty()) o.endpoints = pd_->urls();
    auto c = PdClient::Create(std::move(o));
    EXPECT_THAT(c, IsOk());
    return c.ok() ? std::move(*c) : nullptr;
  }
  std::unique_ptr<FakePdCluster> pd_;
};

TEST_F(PdClientTest, CreateValidates) {
  EXPECT_THAT(PdClient::Create({}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PdClient::Create({.endpoints = {"ftp://x"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ftp://x")));
  EXPECT_THAT(PdClient::Create({.endpoints = {"a:1"}, .config_every = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PdClientTest, PollReadsEverySourceFromTheLeader) {
  pd_->SetLeader(1);
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_TRUE(v.errors.empty()) << v.errors.front().source << ": " << v.errors.front().status;
  ASSERT_TRUE(v.stores.has_value());
  EXPECT_EQ(v.stores->size(), 3u);
  EXPECT_EQ(v.stores->at(0).used_bytes, static_cast<uint64_t>(1.5 * (1 << 30)));
  ASSERT_TRUE(v.members.has_value());
  EXPECT_EQ(v.leader_name, "pd1");
  EXPECT_EQ(v.leader_url, pd_->url(1));
  ASSERT_TRUE(v.health.has_value());
  EXPECT_EQ(v.region_count, 42u);
  EXPECT_EQ(v.region_checks.down_peer, 1u);
  EXPECT_EQ(v.region_checks.empty_region, 1u);
  ASSERT_TRUE(v.cluster_status.has_value());
  ASSERT_TRUE(v.config.has_value());
  EXPECT_EQ(v.config->max_store_down_time, absl::Seconds(90));
  EXPECT_FALSE(v.hot_read.has_value());        // not enabled
  EXPECT_EQ(v.requests, kSteadyRequests + 1);  // + /config on the first poll
  EXPECT_EQ(v.endpoint, pd_->url(1));
  // Only /members went to the first configured endpoint; the rest to the leader.
  EXPECT_EQ(pd_->Requests(0), std::vector<std::string>{"/members"});
  EXPECT_THAT(pd_->Requests(1), Contains("/stores"));
  EXPECT_TRUE(pd_->Requests(2).empty());
  EXPECT_EQ(client->LeaderEndpoint(), pd_->url(1));
}

TEST_F(PdClientTest, RequestsPerCycleAreFixedAndConfigIsPeriodic) {
  auto client = Client({.config_every = 3, .poll_hotspots = true});
  std::vector<int> requests;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
    EXPECT_TRUE(v.errors.empty());
    EXPECT_TRUE(v.config.has_value());  // cached between fetches
    ASSERT_TRUE(v.hot_read.has_value());
    EXPECT_DOUBLE_EQ(v.hot_read->as_peer.at(1).total_flow_bytes, 10);
    requests.push_back(v.requests);
  }
  int n = kSteadyRequests + 2;  // + hotspots
  EXPECT_EQ(requests, (std::vector<int>{n + 1, n, n, n + 1, n}));
  EXPECT_EQ(client->total_requests(), 5 * n + 2);
}

TEST_F(PdClientTest, RequestCountDoesNotGrowWithRegionsAndHugeCheckListsAreCut) {
  auto client = Client({.max_response_bytes = 256 << 10});
  ASSERT_OK_AND_ASSIGN(PdView small, client->Poll(Soon()));
  // 40,000 regions in each check (about 4.5 MB each, far beyond the body limit).
  std::string huge = testing::RegionsBody(40000);
  ASSERT_GT(huge.size(), size_t{2} << 20);
  for (const char* check :
       {"miss-peer", "down-peer", "pending-peer", "offline-peer", "extra-peer", "empty-region"}) {
    pd_->SetBody(absl::StrCat("/regions/check/", check), huge);
  }
  pd_->SetBody("/regions/count", R"({"count":1000000,"regions":null})");
  pd_->ClearRequests();
  ASSERT_OK_AND_ASSIGN(PdView big, client->Poll(Soon()));
  EXPECT_TRUE(big.errors.empty()) << big.errors.front().status;
  EXPECT_EQ(big.region_checks.down_peer, 40000u);
  EXPECT_EQ(big.region_checks.empty_region, 40000u);
  EXPECT_EQ(big.region_count, 1000000u);
  EXPECT_EQ(big.requests, small.requests - 1);  // same sources, minus the first /config
  for (int i = 0; i < 3; ++i) EXPECT_THAT(pd_->Requests(i), Not(Contains("/regions")));
}

TEST_F(PdClientTest, FollowsTheLeaderAfterTheLeaderDies) {
  pd_->SetLeader(0);
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView before, client->Poll(Soon()));
  EXPECT_EQ(before.leader_name, "pd0");
  pd_->Kill(0);
  pd_->SetLeader(2);
  ASSERT_OK_AND_ASSIGN(PdView after, client->Poll(Soon()));
  EXPECT_TRUE(after.errors.empty()) << after.errors.front().status;
  EXPECT_EQ(after.leader_name, "pd2");
  EXPECT_EQ(after.requests, kSteadyRequests + 1);  // one failed attempt at the dead leader
  EXPECT_EQ(after.endpoint, pd_->url(2));
  ASSERT_TRUE(after.health.has_value());
  EXPECT_FALSE(after.health->at(0).health);
  // The next cycle goes straight to the new leader.
  pd_->ClearRequests();
  ASSERT_OK_AND_ASSIGN(PdView next, client->Poll(Soon()));
  EXPECT_EQ(next.requests, kSteadyRequests);
  EXPECT_EQ(pd_->Requests(2).size(), static_cast<size_t>(kSteadyRequests));
  EXPECT_EQ(client->PreferredEndpoint(), pd_->url(2));
}

TEST_F(PdClientTest, OneMemberDownIsSkippedAndRemembered) {
  pd_->SetLeader(1);
  pd_->Kill(0);  // the first configured endpoint
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_TRUE(v.errors.empty());
  EXPECT_EQ(v.requests, kSteadyRequests + 2);  // + config, + the refused first attempt
  ASSERT_OK_AND_ASSIGN(PdView again, client->Poll(Soon()));
  EXPECT_EQ(again.requests, kSteadyRequests);
}

TEST_F(PdClientTest, AllDownIsUnavailableNamingEveryEndpoint) {
  std::vector<std::string> endpoints = {
      absl::StrCat("http://127.0.0.1:", http::testing::UnusedPort()),
      absl::StrCat("http://127.0.0.1:", http::testing::UnusedPort()), pd_->url(0)};
  pd_->Kill(0);
  auto client = Client({.endpoints = endpoints});
  absl::Time start = absl::Now();
  absl::StatusOr<PdView> v = client->Poll(Soon());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_THAT(v, StatusIs(absl::StatusCode::kUnavailable,
                          AllOf(HasSubstr("no PD endpoint answered"), HasSubstr(endpoints[0]),
                                HasSubstr(endpoints[1]), HasSubstr(endpoints[2]))));
  // One sweep over the endpoints, not one per source.
  EXPECT_EQ(client->total_requests(), 3);
  EXPECT_THAT(client->Get("/pd/api/v1/stores", Soon()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(endpoints[2])));
}

TEST_F(PdClientTest, GarbageJsonFailsOnlyItsSource) {
  pd_->SetBody("/stores", "<html>not json</html>");
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].source, "/stores");
  EXPECT_THAT(v.errors[0].status,
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("not valid JSON"), HasSubstr(pd_->url(0)))));
  EXPECT_FALSE(v.stores.has_value());
  EXPECT_TRUE(v.health.has_value());
  EXPECT_TRUE(v.members.has_value());
}

TEST_F(PdClientTest, OversizedBodyIsRejectedWithoutFailover) {
  auto client = Client({.max_response_bytes = 16 << 10});
  pd_->SetBody("/stores", testing::StoresBody(200));  // ~50 KB
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  const absl::Status* err = v.FailedSource("/stores");
  ASSERT_NE(err, nullptr);
  EXPECT_THAT(*err, StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("16384 bytes")));
  EXPECT_EQ(v.requests, kSteadyRequests + 1);  // no other member was asked
  EXPECT_EQ(v.errors.size(), 1u);
}

TEST_F(PdClientTest, SlowEndpointHitsTheDeadline) {
  for (int i = 0; i < 3; ++i) pd_->SetDelay(i, absl::Seconds(10));
  auto client = Client({});
  absl::Time start = absl::Now();
  absl::StatusOr<PdView> v = client->Poll(absl::Now() + absl::Milliseconds(300));
  absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_THAT(v, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr(pd_->url(0))));
}

TEST_F(PdClientTest, HungLeaderIsBypassedWithinTheDeadline) {
  pd_->SetLeader(0);
  auto client = Client({.request_timeout = absl::Milliseconds(200)});
  ASSERT_THAT(client->Poll(Soon()), IsOk());
  pd_->SetDelay(0, absl::Seconds(10));  // hangs (SIGSTOP-like) but its port still accepts
  absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon(absl::Seconds(3))));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(v.errors.empty()) << v.errors.front().status;
  EXPECT_NE(v.endpoint, pd_->url(0));
  EXPECT_EQ(v.requests, kSteadyRequests + 1);  // one timed-out attempt, then followers
}

TEST_F(PdClientTest, PartialFailuresAreReportedPerSource) {
  pd_->SetBody("/cluster/status", "\"[PD:server:ErrInternal]boom\"", 500);
  pd_->SetBody("/regions/check/down-peer", "\"[PD:apiutil:ErrNotFound]nope\"", 404);
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  ASSERT_EQ(v.errors.size(), 2u);
  // Every member answers 500 (followers serve what the leader says): UNAVAILABLE, all named.
  const absl::Status* status = v.FailedSource("/cluster/status");
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(*status, StatusIs(absl::StatusCode::kUnavailable,
                                AllOf(HasSubstr("could serve it"), HasSubstr("HTTP 500"),
                                      HasSubstr("boom"), HasSubstr(pd_->url(2)))));
  const absl::Status* check = v.FailedSource("/regions/check/down-peer");
  ASSERT_NE(check, nullptr);
  EXPECT_THAT(*check, StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_TRUE(v.stores.has_value());
  EXPECT_TRUE(v.config.has_value());  // sources after the failures were still read
  EXPECT_FALSE(v.cluster_status.has_value());
  EXPECT_FALSE(v.region_checks.down_peer.has_value());
  EXPECT_TRUE(v.region_checks.miss_peer.has_value());
  // /cluster/status tried all three members, the 404 only one.
  EXPECT_EQ(v.requests, kSteadyRequests + 1 + 2);
}

TEST_F(PdClientTest, FollowerFiveHundredTriesAnotherMember) {
  pd_->SetLeader(2);
  pd_->SetFollowerMode(0, FakePdCluster::FollowerMode::kUnavailable);
  // The leader's URL is not configured and advertised URLs are not followed.
  auto client = Client({.endpoints = {pd_->url(0), pd_->url(1)}, .follow_advertised_urls = false});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_TRUE(v.errors.empty()) << v.errors.front().status;
  EXPECT_EQ(v.endpoint, pd_->url(1));
  EXPECT_TRUE(pd_->Requests(2).empty());
}

TEST_F(PdClientTest, RedirectIsFollowedToTheLeader) {
  pd_->SetLeader(1);
  pd_->SetFollowerMode(0, FakePdCluster::FollowerMode::kRedirect);
  auto client = Client({.endpoints = {pd_->url(0)}, .follow_advertised_urls = false});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_TRUE(v.errors.empty()) << v.errors.front().status;
  EXPECT_TRUE(v.stores.has_value());
  EXPECT_THAT(pd_->Requests(1), Contains("/stores"));
}

TEST_F(PdClientTest, NonHttpReplyFailsOver) {
  ASSERT_OK_AND_ASSIGN(auto raw, http::testing::RawServer::Tcp("SSH-2.0-OpenSSH_9.2\r\n"));
  std::string raw_url = absl::StrCat("http://127.0.0.1:", raw->port());
  auto client = Client({.endpoints = {raw_url, pd_->url(0)}, .follow_advertised_urls = false});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_TRUE(v.errors.empty());
  auto only_raw = Client({.endpoints = {raw_url}});
  EXPECT_THAT(only_raw->Poll(Soon()), StatusIs(absl::StatusCode::kUnavailable, HasSubstr(raw_url)));
}

TEST_F(PdClientTest, NoLeaderStillReadsWhatMembersServe) {
  pd_->SetLeader(-1);
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(PdView v, client->Poll(Soon()));
  EXPECT_EQ(v.leader_name, "");
  EXPECT_TRUE(v.members.has_value());
  EXPECT_TRUE(v.health.has_value());
  EXPECT_FALSE(v.stores.has_value());
  ASSERT_NE(v.FailedSource("/stores"), nullptr);
  EXPECT_THAT(*v.FailedSource("/stores"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("redirect to not leader")));
}

TEST_F(PdClientTest, GetReturnsBodiesAndMapsPdErrors) {
  auto client = Client({});
  ASSERT_OK_AND_ASSIGN(std::string body, client->Get("/pd/api/v1/stores", Soon()));
  EXPECT_TRUE(absl::StartsWith(body, "{\"count\":3"));
  EXPECT_THAT(client->Get("/pd/api/v1/store/99", Soon()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("404")));
  ASSERT_OK_AND_ASSIGN(uint64_t n, client->GetRegionsCount("/pd/api/v1/regions/count", Soon()));
  EXPECT_EQ(n, 42u);
}

}  // namespace
}  // namespace ops::tikv
