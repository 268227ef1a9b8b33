#include "subjects/tikv/sim/store/store_service.h"

#include <unistd.h>

#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/store/fault_set.h"

namespace ops::sim {
namespace {

using nlohmann::json;
using testing::HasSubstr;

const char kBootstrap[] = R"({"store_id": 1, "cluster_id": 7453512345678901234,
 "regions": [
  {"id": 2, "start_key": "", "end_key": "7480", "epoch": {"conf_ver": 5, "version": 3},
   "peers": [{"id": 3, "store_id": 1}, {"id": 4, "store_id": 2}, {"id": 5, "store_id": 3}],
   "leader_store_id": 1, "term": 5},
  {"id": 6, "start_key": "7480", "end_key": "", "epoch": {"conf_ver": 5, "version": 3},
   "peers": [{"id": 7, "store_id": 1}, {"id": 8, "store_id": 2}, {"id": 9, "store_id": 3}],
   "leader_store_id": 2, "term": 5}]})";

class StoreServiceTest : public testing::Test {
 protected:
  StoreServiceTest() {
    StoreConfig cfg;
    cfg.addr = "127.0.0.1:20160";
    cfg.status_addr = "127.0.0.1:20180";
    cfg.capacity = 100ull << 30;
    auto st = ParseStoreState(kBootstrap);
    EXPECT_TRUE(st.ok()) << st.status();
    svc = std::make_unique<StoreService>(
        cfg, *st, [this](const LogEvent& e) { logs.push_back(e); }, now);
  }
  json Body(const HttpResult& r) { return json::parse(r.body); }
  bool Logged(const std::string& needle) {
    for (const LogEvent& e : logs) {
      if (e.message.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  absl::Time now = absl::FromUnixSeconds(1700000000);
  std::vector<LogEvent> logs;
  std::unique_ptr<StoreService> svc;
};

TEST_F(StoreServiceTest, PutThenGet) {
  HttpResult put =
      svc->HandleKv("put", R"({"region_id": 2, "key": "10aa", "value": "0102"})", now);
  EXPECT_EQ(put.status, 200) << put.body;
  HttpResult get = svc->HandleKv("get", R"({"region_id": 2, "key": "10AA"})", now);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(Body(get), json({{"found", true}, {"value", "0102"}}));
  get = svc->HandleKv("get", R"({"region_id": 2, "key": "00"})", now);
  EXPECT_EQ(Body(get), json({{"found", false}}));
}

TEST_F(StoreServiceTest, ErrorShapesUseRealTexts) {
  HttpResult r = svc->HandleKv("get", R"({"region_id": 6, "key": "7490"})", now);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error"], "not_leader");
  EXPECT_EQ(Body(r)["message"],
            "peer is not leader for region 6, leader may Some(id: 8 store_id: 2)");
  EXPECT_EQ(Body(r)["leader_store_id"], 2);
  EXPECT_EQ(Body(r)["region_id"], 6);

  r = svc->HandleKv("get", R"({"region_id": 99, "key": "00"})", now);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Body(r)["error"], "region_not_found");
  EXPECT_EQ(Body(r)["message"], "region 99 is missing");

  r = svc->HandleKv("put", R"({"region_id": 2, "key": "7490", "value": ""})", now);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["error"], "key_not_in_region");
  EXPECT_EQ(Body(r)["message"], "key 7490 is not in region 2");

  for (const char* bad : {"{", R"({"region_id": "x", "key": "00"})", R"({"region_id": 2})",
                          R"({"region_id": 2, "key": "zz"})", R"({"region_id": 2, "key": "0"})"}) {
    r = svc->HandleKv("get", bad, now);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(Body(r)["error"], "bad_request") << bad;
  }
  EXPECT_THAT(svc->RenderMetrics(now), HasSubstr("tikv_grpc_msg_fail_total{type=\"raw_get\"} 7"));
}

TEST_F(StoreServiceTest, NotLeaderWithoutKnownLeaderSaysNone) {
  // Two peers unreachable: after the lease store 1 steps down from region 2.
  for (int i = 0; i < 120; ++i) {
    now += absl::Milliseconds(100);
    (void)svc->Tick(now);
  }
  HttpResult r = svc->HandleKv("get", R"({"region_id": 2, "key": "00"})", now);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Body(r)["message"], "peer is not leader for region 2, leader may None");
  EXPECT_EQ(Body(r)["leader_store_id"], 0);
}

// Splits the exposition into families: name -> type, and checks every sample line.
std::map<std::string, std::string> Families(const std::string& text) {
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream l(line.substr(7));
      std::string name, type;
      l >> name >> type;
      types[name] = type;
    } else if (line.rfind("# HELP ", 0) != 0) {
      EXPECT_THAT(line, testing::MatchesRegex("[a-z_0-9]+(\\{.*\\})? -?[0-9.]+|.* [+-]Inf|.* NaN"))
          << line;
    }
  }
  return types;
}

TEST_F(StoreServiceTest, MetricsFamiliesAndServedRequests) {
  ASSERT_EQ(svc->HandleKv("put", R"({"region_id": 2, "key": "01", "value": "02"})", now).status,
            200);
  std::string text = svc->RenderMetrics(now);
  std::map<std::string, std::string> types = Families(text);
  std::map<std::string, std::string> want = {
      {"tikv_grpc_msg_duration_seconds", "histogram"},
      {"tikv_raftstore_region_count", "gauge"},
      {"tikv_store_size_bytes", "gauge"},
      {"tikv_raftstore_slow_score", "gauge"},
      {"tikv_engine_write_stall", "gauge"},
      {"tikv_engine_write_stall_reason", "gauge"},
      {"tikv_scheduler_l0_avg", "gauge"},
      {"tikv_raftstore_append_log_duration_seconds", "histogram"},
      {"tikv_raftstore_apply_log_duration_seconds", "histogram"},
      {"tikv_raftstore_leader_missing", "gauge"},
      {"tikv_thread_cpu_seconds_total", "gauge"},
      {"process_cpu_seconds_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_start_time_seconds", "gauge"},
      {"process_virtual_memory_bytes", "gauge"}};
  for (const auto& [name, type] : want) EXPECT_EQ(types[name], type) << name;
  // Like rust-prometheus's registry, families without any series yet are left out.
  for (const char* empty : {"tikv_grpc_msg_fail_total", "tikv_scheduler_too_busy_total",
                            "tikv_server_report_failure_msg_total"}) {
    EXPECT_EQ(types.count(empty), 0u) << empty;
  }
  EXPECT_THAT(text, HasSubstr("tikv_grpc_msg_duration_seconds_count{priority=\"medium\","
                              "type=\"raw_put\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tikv_raftstore_region_count{type=\"leader\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tikv_raftstore_region_count{type=\"region\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tikv_store_size_bytes{type=\"capacity\"} 107374182400\n"));
  EXPECT_THAT(text, HasSubstr("tikv_raftstore_append_log_duration_seconds_count 1\n"));
}

TEST_F(StoreServiceTest, FaultsProduceSignaturesAndExpire) {
  HttpResult r = svc->HandleFaultPost(
      R"({"kind": "disk_full", "params": {"available_ratio": 0.05}, "ttl_ms": 60000})", now);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["expires_at_unix_ms"], absl::ToUnixMillis(now + absl::Seconds(60)));
  EXPECT_TRUE(Logged("disk usage Normal->AlmostFull"));
  EXPECT_THAT(svc->RenderMetrics(now),
              HasSubstr("tikv_store_size_bytes{type=\"available\"} 5368709120\n"));
  json hb = json::parse(svc->StoreHeartbeatJson(now));
  EXPECT_LT(hb["stats"]["available"].get<double>(), 0.2 * hb["stats"]["capacity"].get<double>());

  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "slow_disk", "params": {"latency_ms": 200},
                                     "ttl_ms": 60000})", now).status, 200);
  for (int i = 0; i < 40; ++i) {
    now += absl::Seconds(1);
    (void)svc->Tick(now);
  }
  EXPECT_THAT(svc->RenderMetrics(now), HasSubstr("tikv_raftstore_slow_score{type=\"raft\"} 100"));
  EXPECT_EQ(json::parse(svc->StoreHeartbeatJson(now))["stats"]["slow_score"], 100);
  // Both TTLs passed at 60 s.
  now += absl::Seconds(21);
  (void)svc->Tick(now);
  EXPECT_EQ(Body(svc->HandleFaultList(now)), json({{"faults", json::array()}}));
  EXPECT_THAT(svc->RenderMetrics(now),
              HasSubstr("tikv_store_size_bytes{type=\"available\"} 75161927680\n"));
  EXPECT_TRUE(Logged("disk usage AlmostFull->Normal"));
}

TEST_F(StoreServiceTest, DiskFullRejectsWritesUntilReverted) {
  // 2 % of 100 GiB is 2 GiB: at or below half the 5 GiB reserve, so AlreadyFull.
  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "disk_full", "params": {"available_ratio": 0.02},
                                     "ttl_ms": 60000})", now).status, 200);
  EXPECT_TRUE(Logged("disk usage Normal->AlreadyFull"));
  HttpResult put = svc->HandleKv("put", R"({"region_id": 2, "key": "10", "value": "01"})", now);
  EXPECT_EQ(put.status, 507);
  EXPECT_EQ(Body(put)["error"], "disk_full");
  EXPECT_EQ(Body(put)["message"],
            "store ids [1], errmsg propose failed: tikv disk full, cmd "
            "diskFullOpt=NotAllowedOnFull, leader diskUsage=AlreadyFull");
  EXPECT_EQ(svc->HandleKv("get", R"({"region_id": 2, "key": "10"})", now).status, 200);
  EXPECT_THAT(svc->RenderMetrics(now), HasSubstr("tikv_grpc_msg_fail_total{type=\"raw_put\"} 1\n"));

  ASSERT_EQ(svc->HandleFaultDelete("disk_full", now).status, 200);
  EXPECT_TRUE(Logged("disk usage AlreadyFull->Normal"));
  EXPECT_EQ(svc->HandleKv("put", R"({"region_id": 2, "key": "10", "value": "01"})", now).status,
            200);

  // 30 % left is far above the reserve: TiKV stays Normal and writes go through (PD alone
  // calls it low space below 20 %).
  logs.clear();
  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "disk_full", "params": {"available_ratio": 0.3},
                                     "ttl_ms": 60000})", now).status, 200);
  EXPECT_FALSE(Logged("disk usage"));
  EXPECT_EQ(svc->HandleKv("put", R"({"region_id": 2, "key": "11", "value": "01"})", now).status,
            200);
}

TEST_F(StoreServiceTest, DiskFullTtlExpiryRestoresWrites) {
  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "disk_full", "params": {"available_ratio": 0.01},
                                     "ttl_ms": 1000})", now).status, 200);
  EXPECT_EQ(svc->HandleKv("put", R"({"region_id": 2, "key": "10", "value": "01"})", now).status,
            507);
  now += absl::Seconds(2);  // no Tick in between: the write path itself notices the expiry
  EXPECT_EQ(svc->HandleKv("put", R"({"region_id": 2, "key": "10", "value": "01"})", now).status,
            200);
}

TEST(StoreServiceScaleTest, NetworkDelayIsScaledAndRecordedInClusterTime) {
  StoreConfig cfg;
  cfg.scale = *TimeScale::Create(0.05);
  auto st = ParseStoreState(kBootstrap);
  ASSERT_TRUE(st.ok());
  absl::Time now = absl::FromUnixSeconds(1700000000);
  StoreService svc(cfg, *st, nullptr, now);
  EXPECT_EQ(svc.NetworkDelay(now), absl::ZeroDuration());
  ASSERT_EQ(svc.HandleFaultPost(R"({"kind": "network_delay", "params": {"delay_ms": 400},
                                    "ttl_ms": 60000})", now).status, 200);
  // 400 ms of cluster time is 20 ms on the wall clock at --time-scale 0.05.
  EXPECT_EQ(svc.NetworkDelay(now), absl::Milliseconds(20));
  HttpResult get = svc.HandleKv("get", R"({"region_id": 2, "key": "10"})", now);
  EXPECT_EQ(get.delay, absl::Milliseconds(20));
  EXPECT_EQ(svc.HandleRaft(R"({"from_store": 2, "messages": []})", now).delay,
            absl::Milliseconds(20));
  svc.ObservePdRequest("store_heartbeat", absl::Milliseconds(21), absl::Milliseconds(20));
  std::string m = svc.RenderMetrics(now);
  // The histograms carry cluster time: 0.4 s (+0.2 ms service time) and 0.4 s + 1 ms.
  EXPECT_THAT(m, HasSubstr("tikv_grpc_msg_duration_seconds_sum{priority=\"medium\","
                           "type=\"raw_get\"} 0.4002\n"));
  EXPECT_THAT(m, HasSubstr("tikv_pd_request_duration_seconds_bucket{type=\"store_heartbeat\","
                           "le=\"0.25\"} 0\n"));
  EXPECT_THAT(m, HasSubstr("tikv_pd_request_duration_seconds_bucket{type=\"store_heartbeat\","
                           "le=\"0.5\"} 1\n"));
}

TEST_F(StoreServiceTest, WriteStallMakesSomeWritesBusy) {
  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "write_stall", "params": {"l0_files": 40},
                                     "ttl_ms": 1000})", now).status, 200);
  int busy = 0;
  for (int i = 0; i < 100; ++i) {
    HttpResult r = svc->HandleKv("put", R"({"region_id": 2, "key": "01", "value": "02"})", now);
    if (r.status == 503) {
      ++busy;
      EXPECT_EQ(Body(r)["error"], "server_is_busy");
      EXPECT_EQ(Body(r)["message"], "scheduler is busy");
    }
  }
  EXPECT_GT(busy, 10);
  EXPECT_LT(busy, 90);
  std::string text = svc->RenderMetrics(now);
  EXPECT_THAT(text, HasSubstr("tikv_scheduler_l0_avg{cf=\"default\"} 40\n"));
  EXPECT_THAT(text, HasSubstr("tikv_engine_write_stall{db=\"kv\",type=\"write_stall_max\"} "
                              "1200000\n"));
  EXPECT_THAT(text, HasSubstr("tikv_scheduler_too_busy_total{type=\"scheduler\"} "));
  EXPECT_EQ(svc->HandleFaultDelete("write_stall", now).status, 200);
  EXPECT_EQ(svc->HandleFaultDelete("write_stall", now).status, 404);
}

TEST_F(StoreServiceTest, PartitionDropsRaftTraffic) {
  ASSERT_EQ(svc->HandleFaultPost(R"({"kind": "partition", "ttl_ms": 5000})", now).status, 200);
  EXPECT_TRUE(svc->Partitioned(now));
  now += absl::Seconds(3);
  EXPECT_TRUE(svc->Tick(now).empty());
  EXPECT_EQ(svc->HandleRaft(RaftBatchToJson(2, {}), now).status, 503);
  now += absl::Seconds(3);
  EXPECT_FALSE(svc->Partitioned(now));
  EXPECT_EQ(svc->HandleRaft(RaftBatchToJson(2, {}), now).status, 200);
}

TEST_F(StoreServiceTest, UnreachablePeerCountedAndLogged) {
  svc->OnUnreachable(2, "127.0.0.1:20161", false, now);
  svc->OnUnreachable(2, "127.0.0.1:20161", false, now);
  EXPECT_TRUE(Logged("connection aborted"));
  EXPECT_TRUE(Logged("broadcasting unreachable"));
  EXPECT_THAT(svc->RenderMetrics(now),
              HasSubstr("tikv_server_report_failure_msg_total{store_id=\"2\",type=\"unreachable\"}"
                        " 2\n"));
}

TEST_F(StoreServiceTest, RegionHeartbeatCarriesLedRegions) {
  bool empty = true;
  json hb = json::parse(svc->RegionHeartbeatJson(false, now, &empty));
  ASSERT_FALSE(empty);
  ASSERT_EQ(hb["regions"].size(), 1u);
  EXPECT_EQ(hb["regions"][0]["id"], 2);
  EXPECT_EQ(hb["regions"][0]["term"], 5);
  EXPECT_EQ(hb["regions"][0]["leader"], json({{"id", 3}, {"store_id", 1}}));
  EXPECT_EQ(hb["regions"][0]["end_key"], "7480");
}

TEST(FaultSetTest, RejectsMalformedAndExpires) {
  FaultSet f;
  absl::Time t0 = absl::FromUnixSeconds(100);
  EXPECT_FALSE(f.Add(R"({"kind": "meteor", "ttl_ms": 10})", t0).ok());
  EXPECT_FALSE(f.Add(R"({"kind": "partition"})", t0).ok());
  EXPECT_FALSE(f.Add(R"({"kind": "partition", "ttl_ms": -1})", t0).ok());
  EXPECT_FALSE(f.Add(R"({"kind": "slow_disk", "params": {"latency_ms": "x"}, "ttl_ms": 5})", t0)
                   .ok());
  EXPECT_FALSE(f.Add("nope", t0).ok());
  ASSERT_TRUE(f.Add(R"({"kind": "network_delay", "params": {"delay_ms": 100}, "ttl_ms": 500})",
                    t0).ok());
  EXPECT_EQ(f.Param("network_delay", "delay_ms", 0, t0 + absl::Milliseconds(499)), 100);
  EXPECT_EQ(f.Active("network_delay", t0 + absl::Milliseconds(500)), nullptr);
  EXPECT_EQ(f.Remove("network_delay", t0 + absl::Seconds(1)).code(), absl::StatusCode::kNotFound);
}

TEST(StoreStateTest, PersistRoundTrip) {
  std::string dir = testing::TempDir() + "/store_state_test_" + std::to_string(getpid());
  ASSERT_EQ(system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  EXPECT_EQ(LoadStoreState(dir).status().code(), absl::StatusCode::kNotFound);
  {
    FILE* f = fopen((dir + "/bootstrap.json").c_str(), "w");
    fputs(kBootstrap, f);
    fclose(f);
  }
  auto st = LoadStoreState(dir);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->store_id, 1u);
  EXPECT_EQ(st->cluster_id, 7453512345678901234u);
  st->regions[0].term = 9;
  st->regions[0].vote = 2;
  ASSERT_TRUE(SaveStoreState(dir, *st).ok());
  auto again = LoadStoreState(dir);  // store_state.json now wins over bootstrap.json
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->regions[0].term, 9u);
  EXPECT_EQ(again->regions[0].vote, 2u);
  EXPECT_EQ(again->regions[1].start_key, "7480");
  EXPECT_EQ(again->regions[0].peers.size(), 3u);
  EXPECT_FALSE(ParseStoreState(R"({"store_id": 4, "regions": [{"id": 1, "peers": []}]})").ok());
  ASSERT_EQ(system(("rm -rf " + dir).c_str()), 0);
}

}  // namespace
}  // namespace ops::sim
