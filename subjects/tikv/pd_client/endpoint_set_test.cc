#include "subjects/tikv/pd_client/endpoint_set.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1000);

PdMember Member(const std::string& name, uint64_t id, const std::string& url) {
  PdMember m;
  m.name = name;
  m.member_id = id;
  m.client_urls = {url};
  return m;
}

TEST(NormalizeEndpointTest, Forms) {
  EXPECT_EQ(*NormalizePdEndpoint("http://127.0.0.1:2379/"), "http://127.0.0.1:2379");
  EXPECT_EQ(*NormalizePdEndpoint(" pd-1:2379 "), "http://pd-1:2379");
  EXPECT_EQ(*NormalizePdEndpoint("HTTPS://pd:2379"), "https://pd:2379");
  for (const char* bad : {"", "ftp://pd:21", "http://", "http://pd:2379/pd/api/v1"}) {
    EXPECT_THAT(NormalizePdEndpoint(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(OriginOfTest, AbsoluteOnly) {
  EXPECT_EQ(OriginOf("http://10.0.0.2:2379/pd/api/v1/stores?x=1"), "http://10.0.0.2:2379");
  EXPECT_EQ(OriginOf("https://pd:2379"), "https://pd:2379");
  EXPECT_EQ(OriginOf("/pd/api/v1/stores"), "");
  EXPECT_EQ(OriginOf("ftp://pd/x"), "");
}

TEST(EndpointSetTest, ConfiguredOrderThenLeaderFirst) {
  EndpointSet set({"http://a:1", "http://b:1", "http://c:1"}, absl::Seconds(3), true);
  EXPECT_THAT(set.Order(kT0), ElementsAre("http://a:1", "http://b:1", "http://c:1"));
  PdMembers m;
  m.members = {Member("a", 1, "http://a:1"), Member("b", 2, "http://b:1/"),
               Member("c", 3, "http://c:1")};
  m.leader = m.members[1];
  set.LearnMembers(m);
  EXPECT_EQ(set.leader(), "http://b:1");
  EXPECT_THAT(set.Order(kT0), ElementsAre("http://b:1", "http://a:1", "http://c:1"));
}

TEST(EndpointSetTest, FailedEndpointCoolsDownWithDoublingAndLastGoodIsRemembered) {
  EndpointSet set({"http://a:1", "http://b:1", "http://c:1"}, absl::Seconds(3), true);
  set.MarkFailed("http://a:1", kT0);
  set.MarkGood("http://c:1");
  EXPECT_THAT(set.Order(kT0), ElementsAre("http://c:1", "http://b:1", "http://a:1"));
  // Back in line after the cooldown; a second failure doubles it.
  EXPECT_THAT(set.Order(kT0 + absl::Seconds(4)),
              ElementsAre("http://c:1", "http://a:1", "http://b:1"));
  set.MarkFailed("http://a:1", kT0 + absl::Seconds(4));
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(9)).back(), "http://a:1");
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(11)).back(), "http://b:1");
  // Success clears the failure count: the next cooldown is 3 s again, not 12 s.
  set.MarkGood("http://a:1");
  set.MarkFailed("http://a:1", kT0 + absl::Seconds(20));
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(22)).back(), "http://a:1");
  EXPECT_THAT(set.Order(kT0 + absl::Seconds(23.5)),
              ElementsAre("http://a:1", "http://b:1", "http://c:1"));
}

TEST(EndpointSetTest, CoolingLeaderIsTriedLast) {
  EndpointSet set({"http://a:1", "http://b:1"}, absl::Seconds(3), true);
  PdMembers m;
  m.members = {Member("a", 1, "http://a:1"), Member("b", 2, "http://b:1")};
  m.leader = m.members[0];
  set.LearnMembers(m);
  set.MarkFailed("http://a:1", kT0);
  EXPECT_THAT(set.Order(kT0 + absl::Seconds(1)), ElementsAre("http://b:1", "http://a:1"));
}

TEST(EndpointSetTest, NewlyNamedLeaderLeavesCooldownButAStaleOneDoesNot) {
  EndpointSet set({"http://a:1", "http://b:1", "http://c:1"}, absl::Seconds(3), true);
  PdMembers m;
  m.members = {Member("a", 1, "http://a:1"), Member("b", 2, "http://b:1"),
               Member("c", 3, "http://c:1")};
  m.leader = m.members[0];
  set.LearnMembers(m);
  set.MarkFailed("http://b:1", kT0);  // b was down, e.g. restarting
  set.MarkGood("http://c:1");
  m.leader = m.members[1];  // b now leads
  set.LearnMembers(m);
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(1)).front(), "http://b:1");
  // A member that keeps naming a dead leader does not pull it forward again.
  set.MarkFailed("http://b:1", kT0 + absl::Seconds(1));
  set.MarkGood("http://c:1");
  set.LearnMembers(m);
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(2)).front(), "http://c:1");
  EXPECT_EQ(set.Order(kT0 + absl::Seconds(2)).back(), "http://b:1");
}

TEST(EndpointSetTest, AdvertisedUrlsFollowedOnlyWhenAllowed) {
  PdMembers m;
  m.members = {Member("a", 1, "http://a:1"), Member("d", 4, "http://d:1")};
  m.leader = m.members[1];
  EndpointSet follow({"http://a:1"}, absl::Seconds(3), true);
  follow.LearnMembers(m);
  EXPECT_EQ(follow.leader(), "http://d:1");
  EXPECT_THAT(follow.Order(kT0), ElementsAre("http://d:1", "http://a:1"));

  EndpointSet configured_only({"http://a:1"}, absl::Seconds(3), false);
  configured_only.LearnMembers(m);
  EXPECT_EQ(configured_only.leader(), "");
  EXPECT_THAT(configured_only.Order(kT0), ElementsAre("http://a:1"));

  // A member that left is forgotten; configured endpoints stay.
  PdMembers later;
  later.members = {Member("a", 1, "http://a:1")};
  follow.LearnMembers(later);
  EXPECT_EQ(follow.leader(), "");
  EXPECT_THAT(follow.Order(kT0), ElementsAre("http://a:1"));
}

}  // namespace
}  // namespace ops::tikv
