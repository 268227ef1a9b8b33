// ParsePdMetrics against the real PD v5.3 dump, a v6+-style per-store body (reference §2.2/2.3)
// and a follower's body.
#include "subjects/tikv/metrics/pd_metrics_sample.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

std::string ReadDump(const std::string& file) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/metrics/" + file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(PdMetricsSampleTest, RealDump) {
  std::string dump = ReadDump("pd-v5.3.0-alpha-metrics.txt");
  ASSERT_FALSE(dump.empty());
  ASSERT_OK_AND_ASSIGN(PdMetricsSample s, ParsePdMetrics(dump));

  EXPECT_EQ(s.cluster_status.size(), 12u);
  EXPECT_THAT(s.ClusterStatus("store_up_count"), Optional(1.0));
  EXPECT_THAT(s.ClusterStatus("store_down_count"), Optional(0.0));
  EXPECT_THAT(s.ClusterStatus("region_count"), Optional(51.0));
  EXPECT_THAT(s.ClusterStatus("leader_count"), Optional(51.0));
  EXPECT_THAT(s.ClusterStatus("storage_capacity"), Optional(6.2725623808e+10));
  EXPECT_THAT(s.ClusterStatus("storage_size"), Optional(3.4245728e+07));
  EXPECT_EQ(s.ClusterStatus("store_preparing_count"), std::nullopt);  // newer than v5.3
  EXPECT_TRUE(s.cluster_status_by_store.empty());  // v5.3 series are cluster-wide

  EXPECT_EQ(s.regions_status.size(), 6u);
  EXPECT_THAT(s.RegionsStatus("miss-peer-region-count"), Optional(51.0));
  EXPECT_THAT(s.RegionsStatus("empty-region-count"), Optional(51.0));
  EXPECT_THAT(s.RegionsStatus("down-peer-region-count"), Optional(0.0));
  EXPECT_EQ(s.RegionsStatus("offline-peer-region-count"), std::nullopt);

  EXPECT_THAT(s.etcd_is_leader, Optional(true));
  EXPECT_THAT(s.etcd_has_leader, Optional(true));
  EXPECT_EQ(s.member_role_leader, std::nullopt);  // service_member_role is v7+
  EXPECT_THAT(s.tso_leader, Optional(true));
  EXPECT_THAT(s.IsLeader(), Optional(true));
  EXPECT_THAT(s.version, Optional(std::string("v5.3.0-alpha-39-g4ca73fbf")));

  ASSERT_EQ(s.store_status.size(), 1u);
  const PdStoreSchedulingStatus& st = s.store_status.at("1");
  EXPECT_EQ(st.address, "tikv:20160");
  EXPECT_EQ(st.values.size(), 30u);
  EXPECT_EQ(st.values.at("region_count"), 51);
  EXPECT_EQ(st.values.at("leader_count"), 51);
  EXPECT_EQ(st.values.at("store_capacity"), 6.2725623808e+10);
  EXPECT_EQ(st.values.at("store_available"), 2.4446697472e+10);
  EXPECT_EQ(st.values.at("store_used"), 3.4245728e+07);

  core::RegionHealth h = ToRegionHealth(s);
  core::RegionHealth want;
  want.total = 51;
  want.miss_peer = 51;
  want.empty = 51;
  EXPECT_EQ(h, want);
}

TEST(PdMetricsSampleTest, PerStoreClusterStatus) {
  const char* text =
      "# HELP pd_cluster_status Status of the cluster.\n"
      "# TYPE pd_cluster_status gauge\n"
      "pd_cluster_status{engine=\"tikv\",store=\"1\",type=\"region_count\"} 30\n"
      "pd_cluster_status{engine=\"tikv\",store=\"1\",type=\"store_up_count\"} 1\n"
      "pd_cluster_status{engine=\"tikv\",store=\"1\",type=\"store_down_count\"} 0\n"
      "pd_cluster_status{engine=\"tikv\",store=\"2\",type=\"region_count\"} 30\n"
      "pd_cluster_status{engine=\"tikv\",store=\"2\",type=\"store_up_count\"} 0\n"
      "pd_cluster_status{engine=\"tikv\",store=\"2\",type=\"store_down_count\"} 1\n"
      "# HELP pd_regions_status Status of the regions.\n"
      "# TYPE pd_regions_status gauge\n"
      "pd_regions_status{type=\"down-peer-region-count\"} 7\n"
      "pd_regions_status{type=\"offline-peer-region-count\"} 2\n"
      "pd_regions_status{type=\"extra-peer-region-count\"} 1\n"
      "pd_regions_status{type=\"pending-peer-region-count\"} 3\n"
      "# TYPE service_member_role gauge\n"
      "service_member_role{service=\"PD\"} 1\n";
  ASSERT_OK_AND_ASSIGN(PdMetricsSample s, ParsePdMetrics(text));
  EXPECT_THAT(s.ClusterStatus("region_count"), Optional(60.0));
  EXPECT_THAT(s.ClusterStatus("store_down_count"), Optional(1.0));
  ASSERT_EQ(s.cluster_status_by_store.size(), 2u);
  EXPECT_EQ(s.cluster_status_by_store.at("2").at("store_down_count"), 1);
  EXPECT_EQ(s.cluster_status_by_store.at("1").at("store_up_count"), 1);
  EXPECT_THAT(s.IsLeader(), Optional(true));

  core::RegionHealth h = ToRegionHealth(s);
  EXPECT_EQ(h.total, 0u);  // per-store region_count counts replicas, not regions
  EXPECT_EQ(h.down_peer, 7u);
  EXPECT_EQ(h.offline_peer, 2u);
  EXPECT_EQ(h.extra_peer, 1u);
  EXPECT_EQ(h.pending_peer, 3u);
}

TEST(PdMetricsSampleTest, FollowerHasNoClusterView) {
  const char* text =
      "# TYPE etcd_server_is_leader gauge\n"
      "etcd_server_is_leader 0\n"
      "# TYPE service_member_role gauge\n"
      "service_member_role{service=\"PD\"} 0\n";
  ASSERT_OK_AND_ASSIGN(PdMetricsSample s, ParsePdMetrics(text));
  EXPECT_THAT(s.IsLeader(), Optional(false));
  EXPECT_TRUE(s.cluster_status.empty());
  EXPECT_TRUE(s.regions_status.empty());
  EXPECT_EQ(ToRegionHealth(s), core::RegionHealth());

  ASSERT_OK_AND_ASSIGN(s, ParsePdMetrics(""));
  EXPECT_EQ(s.IsLeader(), std::nullopt);
}

TEST(PdMetricsSampleTest, MalformedBodyNamesTheLine) {
  EXPECT_THAT(ParsePdMetrics("etcd_server_is_leader 1\npd_regions_status{type=\"x\"} one\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("PD /metrics"), HasSubstr("line 2"))));
}

}  // namespace
}  // namespace ops::tikv
