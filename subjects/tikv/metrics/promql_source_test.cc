// PromQlSource: the fixed query set (texts checked against Prometheus 2.42 when written), the
// instance → store mapping of results, partial failures, an unreachable Prometheus, and one
// cycle end to end through PrometheusClient against a fake Prometheus HTTP server.
#include "subjects/tikv/metrics/promql_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/http/http_status.h"
#include "libs/http/server.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::AllOf;
using ::testing::DoubleEq;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::SizeIs;

const absl::Time kAt = absl::FromUnixSeconds(1795770203);

std::vector<StoreEndpoint> Stores() {
  return {{"1", "tikv1:20160", "tikv1:20180"}, {"4", "tikv2:20160", "tikv2:20180"}};
}

PromSeries Series(PromLabels labels, double v) { return {std::move(labels), {{1795770203, v}}}; }

PromQueryResult Vector(std::vector<PromSeries> series) {
  PromQueryResult r;
  r.series = std::move(series);
  return r;
}

// Answers by query name (looked up from the PromQL text).
class FakeQuerier : public PromQuerier {
 public:
  explicit FakeQuerier(const PromQlOptions& options = {}) {
    for (const NamedQuery& q : BuildPromQueries(options)) names_[q.promql] = q.name;
  }
  void Set(const std::string& name, absl::StatusOr<PromQueryResult> r) { answers_[name] = r; }

  absl::StatusOr<PromQueryResult> Query(absl::string_view promql,
                                        std::optional<absl::Time> at) const override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::string(promql));
    EXPECT_EQ(at, kAt);
    auto name = names_.find(std::string(promql));
    if (name == names_.end()) return absl::InvalidArgumentError("unexpected query");
    auto it = answers_.find(name->second);
    if (it == answers_.end()) return Vector({});
    return it->second;
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(calls_.size());
  }

 private:
  std::map<std::string, std::string> names_;
  std::map<std::string, absl::StatusOr<PromQueryResult>> answers_;
  mutable std::mutex mu_;
  mutable std::vector<std::string> calls_;
};

void SetHealthyCluster(FakeQuerier& f) {
  f.Set("up", Vector({Series({{"instance", "tikv1:20180"}}, 1),
                      Series({{"instance", "tikv2:20180"}}, 0)}));
  f.Set("ops", Vector({Series({{"instance", "tikv1:20180"}}, 200),
                       Series({{"instance", "tikv2:20180"}}, 0),
                       Series({{"instance", "tikv1:20160"}}, 5),     // scraped on the data port
                       Series({{"instance", "tikv9:20180"}}, 7)}));  // not in PD's list
  f.Set("errors", Vector({Series({{"instance", "tikv1:20180"}}, 10)}));
  f.Set("p99", Vector({Series({{"instance", "tikv1:20180"}}, 0.004),
                       Series({{"instance", "tikv2:20180"}}, NAN)}));  // idle
  f.Set("cpu", Vector({Series({{"instance", "tikv1:20180"}}, 1.5)}));
  f.Set("store_size", Vector({Series({{"instance", "tikv1:20180"}, {"type", "capacity"}}, 1000),
                              Series({{"instance", "tikv1:20180"}, {"type", "available"}}, 400),
                              Series({{"instance", "tikv1:20180"}, {"type", "used"}}, 500)}));
  f.Set("regions", Vector({Series({{"instance", "tikv1:20180"}, {"type", "region"}}, 51),
                           Series({{"instance", "tikv1:20180"}, {"type", "leader"}}, 20)}));
  f.Set("slow_score", Vector({Series({{"instance", "tikv1:20180"}}, 1)}));
  f.Set("write_stall", Vector({Series({{"instance", "tikv1:20180"}}, 0),
                               Series({{"instance", "tikv2:20180"}}, 1200000)}));
  f.Set("stall_micros", Vector({Series({{"instance", "tikv1:20180"}}, 0)}));
  f.Set("busy", Vector({Series({{"instance", "tikv1:20180"}}, 0)}));
}

TEST(PromQlSourceTest, QueryTexts) {
  std::vector<NamedQuery> q = BuildPromQueries({});
  ASSERT_THAT(q, SizeIs(11));
  std::map<std::string, std::string> by_name;
  for (const NamedQuery& n : q) by_name[n.name] = n.promql;
  EXPECT_EQ(by_name["up"], R"(max by (instance) (up{job="tikv"}))");
  EXPECT_EQ(
      by_name["ops"],
      R"(sum by (instance) (rate({job="tikv",__name__=~"tikv_grpc_msg_duration_seconds_count|)"
      R"(tikv_grpc_msg_fail_total",type!~"kv_gc|batch_commands"}[1m])))");
  EXPECT_EQ(by_name["errors"],
            R"(sum by (instance) (rate({job="tikv",__name__=~"tikv_grpc_msg_fail_total|)"
            R"(tikv_storage_engine_async_request_total",type!~"kv_gc|batch_commands",)"
            R"(status=~"err_.*|"}[1m])))");
  EXPECT_EQ(
      by_name["p99"],
      R"(histogram_quantile(0.99, sum by (instance, le) (rate()"
      R"(tikv_grpc_msg_duration_seconds_bucket{job="tikv",type!~"kv_gc|batch_commands"}[1m]))))");
  EXPECT_EQ(by_name["cpu"],
            R"(sum by (instance) (rate(process_cpu_seconds_total{job="tikv"}[1m])))");
  EXPECT_EQ(by_name["store_size"], R"(sum by (instance, type) (tikv_store_size_bytes{job="tikv",)"
                                   R"(type=~"capacity|available|used"}))");
  EXPECT_EQ(by_name["write_stall"],
            R"(max by (instance) (tikv_engine_write_stall{job="tikv",type="write_stall_max"}))");

  PromQlOptions bare;
  bare.selector = "";
  bare.range = "30s";
  bare.excluded_grpc_types.clear();
  for (const NamedQuery& n : BuildPromQueries(bare)) by_name[n.name] = n.promql;
  EXPECT_EQ(by_name["up"], "max by (instance) (up)");
  EXPECT_EQ(by_name["cpu"], "sum by (instance) (rate(process_cpu_seconds_total[30s]))");
  EXPECT_EQ(by_name["p99"],
            "histogram_quantile(0.99, sum by (instance, le) "
            "(rate(tikv_grpc_msg_duration_seconds_bucket[30s])))");
}

TEST(PromQlSourceTest, MapsSeriesToStoresByStatusAddress) {
  FakeQuerier fake;
  SetHealthyCluster(fake);
  PromQlSource source(&fake);
  PromCycle cycle = source.Collect(Stores(), kAt);

  EXPECT_THAT(cycle.status(), IsOk());
  EXPECT_EQ(cycle.evaluated_at, kAt);
  EXPECT_EQ(fake.calls(), 11);
  ASSERT_EQ(cycle.stores.size(), 2u);

  const PromStoreMetrics& s1 = cycle.stores.at("1");
  EXPECT_EQ(s1.instance, "tikv1:20180");
  EXPECT_THAT(s1.scrape_up, Optional(true));
  EXPECT_THAT(s1.ops_per_sec, Optional(200.0));  // the data-port series is not added in
  EXPECT_THAT(s1.errors_per_sec, Optional(10.0));
  EXPECT_THAT(s1.p99_seconds, Optional(0.004));
  EXPECT_THAT(s1.cpu_cores, Optional(1.5));
  EXPECT_THAT(s1.capacity_bytes, Optional(1000.0));
  EXPECT_THAT(s1.available_bytes, Optional(400.0));
  EXPECT_THAT(s1.used_bytes, Optional(500.0));
  EXPECT_THAT(s1.region_count, Optional(51.0));
  EXPECT_THAT(s1.leader_count, Optional(20.0));
  EXPECT_THAT(s1.slow_score, Optional(1.0));
  EXPECT_FALSE(s1.WriteStall());
  core::Workload w = s1.ToWorkload();
  EXPECT_DOUBLE_EQ(w.ops_per_sec, 200);
  EXPECT_DOUBLE_EQ(w.error_rate, 0.05);
  EXPECT_EQ(w.p99_latency, absl::Milliseconds(4));
  EXPECT_DOUBLE_EQ(w.cpu_cores, 1.5);

  const PromStoreMetrics& s4 = cycle.stores.at("4");
  EXPECT_THAT(s4.scrape_up, Optional(false));
  EXPECT_EQ(s4.p99_seconds, std::nullopt);  // NaN: no traffic
  EXPECT_TRUE(s4.WriteStall());
  EXPECT_EQ(s4.ToWorkload().error_rate, 0);

  ASSERT_EQ(cycle.unmapped.size(), 2u);
  EXPECT_EQ(cycle.unmapped[0].instance, "tikv1:20160");
  EXPECT_EQ(cycle.unmapped[0].query, "ops");
  EXPECT_EQ(cycle.unmapped[0].mapping.match, InstanceMatch::kDataAddressOnly);
  EXPECT_THAT(cycle.unmapped[0].mapping.message, HasSubstr("not its status address"));
  EXPECT_EQ(cycle.unmapped[1].instance, "tikv9:20180");
  EXPECT_EQ(cycle.unmapped[1].mapping.match, InstanceMatch::kNoStore);
}

TEST(PromQlSourceTest, PartialFailureKeepsTheRest) {
  FakeQuerier fake;
  SetHealthyCluster(fake);
  fake.Set("p99", http::StatusFromHttp(400, "", "bad"));
  PromQueryResult scalar;
  scalar.type = PromResultType::kScalar;
  scalar.series.push_back({{}, {{1, 1}}});
  fake.Set("cpu", scalar);
  PromCycle cycle = PromQlSource(&fake).Collect(Stores(), kAt);

  EXPECT_EQ(cycle.failed_queries(), 2);
  EXPECT_THAT(cycle.status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("2 of 11 Prometheus queries failed (p99, cpu)"),
                             HasSubstr("HTTP 400"))));
  EXPECT_THAT(cycle.queries[4].status,
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("returned a scalar")));
  const PromStoreMetrics& s1 = cycle.stores.at("1");
  EXPECT_EQ(s1.p99_seconds, std::nullopt);
  EXPECT_EQ(s1.cpu_cores, std::nullopt);
  EXPECT_THAT(s1.ops_per_sec, Optional(200.0));
  EXPECT_THAT(s1.leader_count, Optional(20.0));
}

TEST(PromQlSourceTest, UnreachablePrometheusSkipsTheRest) {
  FakeQuerier fake;
  fake.Set("up", absl::UnavailableError("Prometheus query failed: connection refused"));
  PromCycle cycle = PromQlSource(&fake).Collect(Stores(), kAt);
  EXPECT_EQ(fake.calls(), 1);
  EXPECT_EQ(cycle.failed_queries(), 11);
  EXPECT_TRUE(cycle.stores.empty());
  EXPECT_THAT(cycle.queries.back().status, StatusIs(absl::StatusCode::kUnavailable,
                                                    HasSubstr("skipped, Prometheus unreachable")));
  EXPECT_THAT(cycle.status(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("11 of 11")));

  // An answer from Prometheus (it has an HTTP code) is not "unreachable": go on.
  FakeQuerier answering;
  answering.Set("up", http::StatusFromHttp(503, "", "overloaded"));
  cycle = PromQlSource(&answering).Collect(Stores(), kAt);
  EXPECT_EQ(answering.calls(), 11);
  EXPECT_EQ(cycle.failed_queries(), 1);
}

// A fake Prometheus over HTTP answering by query text, in the compact form Prometheus sends.
TEST(PromQlSourceTest, EndToEndThroughTheHttpClient) {
  std::map<std::string, std::string> bodies;
  std::vector<NamedQuery> queries = BuildPromQueries({});
  for (const NamedQuery& q : queries) {
    bodies[q.promql] = R"({"status":"success","data":{"resultType":"vector","result":[]}})";
  }
  auto body_of = [&](const std::string& name) -> std::string& {
    for (const NamedQuery& q : queries) {
      if (q.name == name) return bodies[q.promql];
    }
    ADD_FAILURE() << name;
    return bodies[""];
  };
  body_of("ops") =
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":)"
      R"("tikv1:20180"},"value":[1795770203,"123.5"]},{"metric":{"instance":"tikv2:20160"},)"
      R"("value":[1795770203,"9"]}]}})";
  body_of("p99") =
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":)"
      R"("tikv1:20180"},"value":[1795770203,"NaN"]}]}})";
  body_of("regions") =
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":)"
      R"("tikv2:20180","type":"leader"},"value":[1795770203,"17"]}]}})";
  body_of("busy") =
      R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": x"})";

  std::mutex mu;
  std::set<std::string> times;
  ASSERT_OK_AND_ASSIGN(auto server, http::Server::Create({}));
  server->Handle("GET", "/prom/api/v1/query", [&](const http::Request& req) {
    std::lock_guard<std::mutex> lock(mu);
    times.insert(req.query.count("time") ? req.query.at("time") : "");
    auto it = bodies.find(req.query.count("query") ? req.query.at("query") : "");
    if (it == bodies.end()) return http::Response::Json(R"({"status":"error"})", 500);
    int code = it->second.find("\"error\"") != std::string::npos ? 400 : 200;
    return http::Response::Json(it->second, code);
  });
  ASSERT_THAT(server->Start(), IsOk());

  ASSERT_OK_AND_ASSIGN(auto http, http::Client::Create({}));
  ASSERT_OK_AND_ASSIGN(
      auto client,
      PrometheusClient::Create(
          http.get(), {.base_url = absl::StrCat("http://127.0.0.1:", server->port(), "/prom")}));
  PromCycle cycle = PromQlSource(client.get()).Collect(Stores(), kAt);

  EXPECT_EQ(cycle.failed_queries(), 1);
  EXPECT_THAT(cycle.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(busy)")));
  EXPECT_THAT(cycle.stores.at("1").ops_per_sec, Optional(DoubleEq(123.5)));
  EXPECT_EQ(cycle.stores.at("1").p99_seconds, std::nullopt);
  EXPECT_THAT(cycle.stores.at("4").leader_count, Optional(17.0));
  ASSERT_EQ(cycle.unmapped.size(), 1u);
  EXPECT_EQ(cycle.unmapped[0].mapping.match, InstanceMatch::kDataAddressOnly);
  EXPECT_EQ(cycle.unmapped[0].mapping.store_id, "4");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(times, std::set<std::string>{"1795770203.000"});  // one instant for all queries
}

}  // namespace
}  // namespace ops::tikv
