// Exposition contract of tikv-sim's rendered /metrics bodies (no processes): the store's and a PD
// member's text, rendered from populated state, against the real dumps and reference section 2.
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/pd/cluster_state.h"
#include "subjects/tikv/sim/pd/metrics_render.h"
#include "subjects/tikv/sim/store/store_metrics.h"
#include "tests/prometheus/contract_checks.h"

namespace ops::sim_contract {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

sim::StoreMetricsSnapshot BusyStore() {
  sim::StoreMetricsSnapshot s;
  for (const char* t : {"raw_get", "raw_put"}) s.grpc.emplace(t, sim::Histo(0.00005, 2, 22));
  s.grpc.at("raw_get").Observe(0.0003);
  s.grpc.at("raw_put").Observe(0.0000283);
  s.grpc.at("raw_put").Observe(1234.5);  // beyond the last bucket
  s.grpc_fail["raw_put"] = 3;
  s.region_count = 64;
  s.leader_count = 22;
  s.leader_missing = 1;
  s.capacity = 334671872000;
  s.available = 238484856832.5;
  s.kv_bytes = 1 << 20;
  s.slow_score = 57.4;
  s.network_delay = true;
  s.write_stall = true;
  s.l0_files = 40;
  s.too_busy["raw_put"] = 2;
  s.append.Observe(0.0123456789);
  s.apply.Observe(0.00001);
  s.unreachable[2] = 5;
  s.start = absl::FromUnixMillis(1634094873150);
  return s;
}

TEST(StoreMetricsContractTest, BusyStoreBodyHoldsTheContract) {
  std::string body = sim::RenderStoreMetrics(BusyStore());
  EXPECT_THAT(CheckMetricsBody(body, Server::kTikv), IsEmpty()) << body;
  EXPECT_THAT(body, HasSubstr("process_start_time_seconds 1634094873.15\n"));
  EXPECT_THAT(body, HasSubstr("le=\"0.00005\""));
}

TEST(StoreMetricsContractTest, IdleStoreOmitsFamiliesWithoutSeries) {
  sim::StoreMetricsSnapshot s;
  s.capacity = 1000;
  s.available = 700;
  std::string body = sim::RenderStoreMetrics(s);
  EXPECT_THAT(CheckMetricsBody(body, Server::kTikv), IsEmpty()) << body;
  EXPECT_THAT(body, Not(HasSubstr("tikv_grpc_msg_fail_total")));
  EXPECT_THAT(body, Not(HasSubstr("tikv_server_report_failure_msg_total")));
}

json StoreHb(uint64_t id, bool slow) {
  return {{"store",
           {{"id", id},
            {"address", absl::StrCat("127.0.0.1:2016", id)},
            {"status_address", absl::StrCat("127.0.0.1:2018", id)},
            {"peer_address", absl::StrCat("127.0.0.1:2016", id)},
            {"version", "8.5.7"},
            {"git_hash", "ba73b0d92d94463d74543550d0efe61fa6a6f416"},
            {"start_timestamp", 1735095903},
            {"deploy_path", "/"},
            {"labels", json::array()}}},
          {"stats",
           {{"capacity", 334671872000},
            {"available", 238484856832},
            {"used_size", 304802816},
            {"region_count", 1},
            {"leader_count", 1},
            {"sending_snap_count", 0},
            {"receiving_snap_count", 0},
            {"is_busy", false},
            {"slow_score", slow ? 100 : 1}}}};
}

std::string PdBody(bool leader) {
  sim::ClusterState state;
  absl::Time now = absl::Now();
  EXPECT_TRUE(state.ApplyStoreHeartbeat(StoreHb(1, false), now).ok());
  EXPECT_TRUE(state.ApplyStoreHeartbeat(StoreHb(2, true), now).ok());
  EXPECT_TRUE(state.ApplyStoreHeartbeat(StoreHb(3, false), now - absl::Minutes(5)).ok());
  json region = {{"id", 2},
                 {"start_key", ""},
                 {"end_key", ""},
                 {"term", 6},
                 {"epoch", {{"conf_ver", 5}, {"version", 3}}},
                 {"peers", {{{"id", 3}, {"store_id", 1}}, {{"id", 4}, {"store_id", 2}}}},
                 {"leader", {{"id", 3}, {"store_id", 1}}},
                 {"approximate_size", 96},
                 {"approximate_keys", 1000}};
  EXPECT_TRUE(state.ApplyRegionHeartbeat(json{{"regions", {region}}}).ok());
  sim::PdMetricsInput in;
  in.is_leader = leader;
  in.has_leader = true;
  in.tso_save_events = 1281;
  in.process_start = absl::FromUnixMillis(1634094872600);
  return sim::RenderPdMetrics(state, now, in);
}

TEST(PdMetricsContractTest, LeaderBodyHoldsTheContract) {
  std::string body = PdBody(true);
  EXPECT_THAT(CheckMetricsBody(body, Server::kPd), IsEmpty()) << body;
  EXPECT_THAT(body, HasSubstr("process_start_time_seconds 1.6340948726e+09\n"));
  EXPECT_THAT(body, HasSubstr("pd_cluster_status{engine=\"tikv\",store=\"3\","
                              "type=\"store_disconnected_count\"} 1\n"));
  EXPECT_THAT(body, HasSubstr("etcd_server_is_leader 1\n"));
}

TEST(PdMetricsContractTest, FollowerBodyHoldsTheContractAndOmitsLeaderFamilies) {
  std::string body = PdBody(false);
  EXPECT_THAT(CheckMetricsBody(body, Server::kPd), IsEmpty()) << body;
  EXPECT_THAT(body, Not(HasSubstr("pd_cluster_status")));
  EXPECT_THAT(body, HasSubstr("etcd_server_is_leader 0\n"));
}

// The checker itself: it must catch what it claims to catch.
TEST(ContractCheckerTest, FlagsViolations) {
  auto errors = [](const std::string& body, Server s) { return CheckMetricsBody(body, s); };
  EXPECT_THAT(errors("# HELP tikv_raftstore_leader_missing Total number of leader missed region.\n"
                     "# TYPE tikv_raftstore_leader_missing gauge\n"
                     "tikv_raftstore_leader_missing 1e+06\n",
                     Server::kTikv),
              Not(IsEmpty()));
  EXPECT_THAT(errors("# HELP process_max_fds Maximum number of open file descriptors.\n"
                     "# TYPE process_max_fds gauge\n"
                     "process_max_fds 1048576\n",
                     Server::kPd),
              Not(IsEmpty()));
  EXPECT_THAT(errors("# HELP process_max_fds Maximum number of open file descriptors.\n"
                     "# TYPE process_max_fds gauge\n"
                     "process_max_fds 1.048576e+06\n",
                     Server::kPd),
              IsEmpty());
  EXPECT_THAT(errors("# HELP tikv_store_size_bytes Size of storage.\n"
                     "# TYPE tikv_store_size_bytes gauge\n"
                     "tikv_store_size_bytes{type=\"available\",db=\"x\"} 1\n",
                     Server::kTikv),
              Not(IsEmpty()));
  EXPECT_THAT(errors("# HELP tikv_store_size_bytes Size of the storage.\n"
                     "# TYPE tikv_store_size_bytes gauge\n"
                     "tikv_store_size_bytes{type=\"available\"} 1\n",
                     Server::kTikv),
              Not(IsEmpty()));
  EXPECT_THAT(errors("# HELP tikv_store_size_bytes Size of storage.\n"
                     "# TYPE tikv_store_size_bytes gauge\n"
                     "tikv_store_size_bytes{type=\"available\"} 1\n"
                     "# HELP tikv_raftstore_leader_missing Total number of leader missed region.\n"
                     "# TYPE tikv_raftstore_leader_missing gauge\n"
                     "tikv_raftstore_leader_missing 1\n",
                     Server::kTikv),
              Not(IsEmpty()));  // not sorted
}

TEST(ContractCheckerTest, RealDumpsPassTheFormatRules) {
  // The real captures satisfy the same raw-text rules (modulo v5.3-only families, which the
  // reference-table rule would flag), so the rules are not stricter than the real servers.
  for (auto [file, server] :
       {std::pair{"metrics/tikv-v5.3.0-alpha-status-metrics.txt", Server::kTikv},
        std::pair{"metrics/pd-v5.3.0-alpha-metrics.txt", Server::kPd}}) {
    std::vector<std::string> errors = CheckMetricsBody(ReadSharedData(file), server);
    std::vector<std::string> format_errors;
    for (const auto& e : errors) {
      if (e.rfind("line ", 0) == 0) format_errors.push_back(e);
    }
    EXPECT_THAT(format_errors, IsEmpty()) << file;
  }
}

TEST(ContractCheckerTest, RealLogSamplesPassTheLogRules) {
  std::vector<std::string> errors;
  for (const char* f : {"logs/tikv-add-learner-snapshot-v7.5.leader-store3.log",
                        "logs/tikv-add-learner-snapshot-v7.5.learner-store166543141.log"}) {
    auto e = CheckLogText(ReadSharedData(f), Server::kTikv);
    errors.insert(errors.end(), e.begin(), e.end());
  }
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_THAT(CheckLogText("[2019/10/14 10:35:38.880 +00:00] [INFO] [server.go:212] "
                           "[\"init cluster id\"] [cluster-id=6747551640615446306]\n",
                           Server::kPd),
              IsEmpty());
  EXPECT_THAT(CheckLogText("[2019/10/14 10:35:38.880 +00:00] [INFO] [server.go:212] "
                           "[init cluster id] [cluster-id=6747551640615446306]\n",
                           Server::kPd),
              Not(IsEmpty()));
  EXPECT_THAT(CheckLogText("[2019/10/14 10:35:38.880 +00:00] [INFO] [server.go:212] "
                           "[\"made up message\"]\n",
                           Server::kPd),
              Not(IsEmpty()));
}

}  // namespace
}  // namespace ops::sim_contract
