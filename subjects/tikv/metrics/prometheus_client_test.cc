// The Prometheus API response parser against the real payloads in ../shared/data/prometheus and
// bodies captured from Prometheus 2.42 (Debian 12's /usr/bin/prometheus), and the client over
// HTTP: a fake Prometheus serving those payloads, error replies, garbage and no server at all.
#include "subjects/tikv/metrics/prometheus_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "libs/http/http_status.h"
#include "libs/http/server.h"
#include "libs/http/test_servers.h"
#include "libs/status/status_matchers.h"

namespace ops::tikv {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;

std::string ReadPayload(const std::string& file) {
  std::ifstream in(std::string(OPS_SHARED_DATA_DIR) + "/prometheus/" + file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Captured from Prometheus 2.42 (`curl /api/v1/query`), compact as sent.
constexpr char kBadData[] =
    R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:15: )"
    R"(parse error: unclosed left parenthesis"})";
constexpr char kExecution[] =
    R"({"status":"error","errorType":"execution","error":"found duplicate series for the )"
    R"(match group {} on the right hand-side of the operation"})";
constexpr char kScalar[] =
    R"({"status":"success","data":{"resultType":"scalar","result":[1795770203.088,)"
    R"("1795770203.088"]}})";
constexpr char kString[] =
    R"({"status":"success","data":{"resultType":"string","result":[1795770203.096,"abc"]}})";
constexpr char kMatrix[] =
    R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up",)"
    R"("instance":"127.0.0.1:29181","job":"tikv"},"values":[[1795770198.667,"1"],)"
    R"([1795770199.667,"0"]]}]}})";
constexpr char kNaN[] =
    R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":)"
    R"("127.0.0.1:29181"},"value":[1795770203.152,"NaN"]},{"metric":{"instance":"b:1"},)"
    R"("value":[1795770203.152,"+Inf"]}]}})";
// Documented shape (docs/querying/api.md) of a query that timed out.
constexpr char kTimeout[] =
    R"({"status":"error","errorType":"timeout","error":"query timed out in expression )"
    R"(evaluation"})";

TEST(ParsePromQueryResponseTest, RealDocsVector) {
  ASSERT_OK_AND_ASSIGN(
      PromQueryResult r,
      ParsePromQueryResponse(200, ReadPayload("prometheus-api-v1-query-instant-vector.docs.json")));
  EXPECT_EQ(r.type, PromResultType::kVector);
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_THAT(r.series[0].metric,
              ElementsAre(Pair("__name__", "up"), Pair("instance", "localhost:9090"),
                          Pair("job", "prometheus")));
  ASSERT_EQ(r.series[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(r.series[0].points[0].timestamp, 1435781451.781);
  EXPECT_EQ(r.series[0].points[0].value, 1);
  EXPECT_EQ(r.series[1].metric.at("instance"), "localhost:9100");
  EXPECT_EQ(r.series[1].points[0].value, 0);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(ParsePromQueryResponseTest, RealCompactPdStorageSize) {
  ASSERT_OK_AND_ASSIGN(
      PromQueryResult r,
      ParsePromQueryResponse(
          200, ReadPayload("prometheus-api-v1-query-instant-vector.pd-storage-size.real.json")));
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_THAT(r.series[0].metric, ElementsAre(Pair("instance", "172.16.201.124:3379"),
                                              Pair("job", "pd"), Pair("type", "storage_size")));
  EXPECT_DOUBLE_EQ(r.series[0].points[0].value, 0.10956016182899475);
  EXPECT_DOUBLE_EQ(r.series[0].points[0].timestamp, 1744856037.284);
}

TEST(ParsePromQueryResponseTest, OtherResultTypes) {
  ASSERT_OK_AND_ASSIGN(PromQueryResult r, ParsePromQueryResponse(200, kScalar));
  EXPECT_EQ(r.type, PromResultType::kScalar);
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_TRUE(r.series[0].metric.empty());
  EXPECT_DOUBLE_EQ(r.series[0].points[0].value, 1795770203.088);

  ASSERT_OK_AND_ASSIGN(r, ParsePromQueryResponse(200, kString));
  EXPECT_EQ(r.type, PromResultType::kString);
  EXPECT_EQ(r.string_value, "abc");

  ASSERT_OK_AND_ASSIGN(r, ParsePromQueryResponse(200, kMatrix));
  EXPECT_EQ(r.type, PromResultType::kMatrix);
  ASSERT_EQ(r.series.size(), 1u);
  ASSERT_EQ(r.series[0].points.size(), 2u);
  EXPECT_EQ(r.series[0].points[1].value, 0);
  EXPECT_EQ(PromResultTypeName(r.type), "matrix");
}

TEST(ParsePromQueryResponseTest, SpecialValuesAndWarnings) {
  ASSERT_OK_AND_ASSIGN(PromQueryResult r, ParsePromQueryResponse(200, kNaN));
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_TRUE(std::isnan(r.series[0].points[0].value));
  EXPECT_TRUE(std::isinf(r.series[1].points[0].value));

  ASSERT_OK_AND_ASSIGN(
      r, ParsePromQueryResponse(200, R"({"status":"success","data":{"resultType":"vector",)"
                                     R"("result":[]},"warnings":["PromQL info: x"]})"));
  EXPECT_TRUE(r.series.empty());
  EXPECT_THAT(r.warnings, ElementsAre("PromQL info: x"));
}

TEST(ParsePromQueryResponseTest, PrometheusErrors) {
  absl::StatusOr<PromQueryResult> r = ParsePromQueryResponse(400, kBadData);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("prometheus bad_data (HTTP 400)"),
                                HasSubstr("unclosed left parenthesis"))));
  EXPECT_THAT(http::HttpCodeFromStatus(r.status()), Optional(400));

  r = ParsePromQueryResponse(422, kExecution);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("execution (HTTP 422): found duplicate series")));
  r = ParsePromQueryResponse(503, kTimeout);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("timed out")));
  EXPECT_THAT(http::HttpCodeFromStatus(r.status()), Optional(503));
  EXPECT_THAT(
      ParsePromQueryResponse(500, R"({"status":"error","errorType":"internal","error":"x"})"),
      StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(
      ParsePromQueryResponse(503, R"({"status":"error","errorType":"canceled","error":"x"})"),
      StatusIs(absl::StatusCode::kCancelled));
  // status "error" on a 200 is still an error.
  EXPECT_THAT(ParsePromQueryResponse(200, kBadData), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParsePromQueryResponseTest, GarbageAndMalformed) {
  EXPECT_THAT(ParsePromQueryResponse(200, "not json"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not an API response")));
  EXPECT_THAT(ParsePromQueryResponse(200, "[1,2]"), StatusIs(absl::StatusCode::kDataLoss));
  // A proxy's HTML error page keeps the HTTP mapping.
  absl::StatusOr<PromQueryResult> r =
      ParsePromQueryResponse(502, "<html><body>502 Bad Gateway</body></html>");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 502")));
  EXPECT_THAT(ParsePromQueryResponse(404, "404 page not found\n"),
              StatusIs(absl::StatusCode::kNotFound));
  for (const char* body : {
           R"({"status":"success"})",
           R"({"status":"success","data":{"resultType":"vector","result":{}}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,"x"]}]}})",
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},)"
           R"("value":[1,"1"]}]}})",
           R"({"status":"success","data":{"resultType":"histogram","result":[]}})",
           R"({"status":"success","data":{"resultType":"scalar","result":"x"}})",
           R"({"status":1})",
           R"({"status":"error","errorType":5})",
       }) {
    EXPECT_THAT(ParsePromQueryResponse(200, body), StatusIs(absl::StatusCode::kDataLoss)) << body;
  }
}

TEST(UrlQueryEscapeTest, EscapesPromQl) {
  EXPECT_EQ(UrlQueryEscape("up{job=\"tikv\"}[1m] + a/b~_.-"),
            "up%7Bjob%3D%22tikv%22%7D%5B1m%5D%20%2B%20a%2Fb~_.-");
}

// A fake Prometheus: answers /api/v1/query with a fixed status and body and records queries.
class FakePrometheus {
 public:
  FakePrometheus(int status, std::string body, absl::Duration delay = absl::ZeroDuration())
      : status_(status), body_(std::move(body)), delay_(delay) {}

  absl::Status Start() {
    auto server = http::Server::Create({});
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    server_->Handle("GET", "/api/v1/query", [this](const http::Request& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_ = req.query;
      }
      if (delay_ > absl::ZeroDuration()) absl::SleepFor(delay_);
      return http::Response::Json(body_, status_);
    });
    return server_->Start();
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", server_->port()); }
  std::map<std::string, std::string> last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  int status_;
  std::string body_;
  absl::Duration delay_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::map<std::string, std::string> last_;
};

std::unique_ptr<http::Client> NewHttpClient() {
  http::Client::Options o;
  o.sleeper = [](absl::Duration) {};
  auto c = http::Client::Create(o);
  EXPECT_THAT(c, IsOk());
  return *std::move(c);
}

TEST(PrometheusClientTest, QueriesAFakePrometheusServingTheRealPayload) {
  FakePrometheus prom(
      200, ReadPayload("prometheus-api-v1-query-instant-vector.pd-storage-size.real.json"));
  ASSERT_THAT(prom.Start(), IsOk());
  auto http = NewHttpClient();
  ASSERT_OK_AND_ASSIGN(auto client,
                       PrometheusClient::Create(http.get(), {.base_url = prom.url() + "/"}));
  const std::string q = R"(pd_cluster_status{type="storage_size"} / 1024 / 1024 / 1024)";
  ASSERT_OK_AND_ASSIGN(PromQueryResult r, client->Query(q, absl::FromUnixMillis(1744856037284)));
  ASSERT_EQ(r.series.size(), 1u);
  EXPECT_EQ(r.series[0].metric.at("instance"), "172.16.201.124:3379");
  auto seen = prom.last();
  EXPECT_EQ(seen["query"], q);  // round-trips through URL encoding
  EXPECT_EQ(seen["time"], "1744856037.284");
  EXPECT_EQ(seen["timeout"], "2000ms");
  EXPECT_EQ(client->QueryUrl("up", std::nullopt),
            absl::StrCat(prom.url(), "/api/v1/query?query=up&timeout=2000ms"));
}

TEST(PrometheusClientTest, ErrorReplyBecomesAStatus) {
  FakePrometheus prom(400, kBadData);
  ASSERT_THAT(prom.Start(), IsOk());
  auto http = NewHttpClient();
  ASSERT_OK_AND_ASSIGN(auto client, PrometheusClient::Create(http.get(), {.base_url = prom.url()}));
  absl::StatusOr<PromQueryResult> r = client->Query("sum(rate(x[1m]", std::nullopt);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad_data")));
  EXPECT_THAT(http::HttpCodeFromStatus(r.status()), Optional(400));

  FakePrometheus busy(503, kTimeout);
  ASSERT_THAT(busy.Start(), IsOk());
  ASSERT_OK_AND_ASSIGN(client, PrometheusClient::Create(http.get(), {.base_url = busy.url()}));
  EXPECT_THAT(client->Query("up", std::nullopt), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(PrometheusClientTest, TransportFailures) {
  auto http = NewHttpClient();
  // Nobody listening.
  ASSERT_OK_AND_ASSIGN(auto client,
                       PrometheusClient::Create(
                           http.get(), {.base_url = absl::StrCat("http://127.0.0.1:",
                                                                 http::testing::UnusedPort())}));
  absl::StatusOr<PromQueryResult> r = client->Query("up", std::nullopt);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Prometheus query failed")));
  EXPECT_EQ(http::HttpCodeFromStatus(r.status()), std::nullopt);

  // Something that is not HTTP.
  ASSERT_OK_AND_ASSIGN(auto raw, http::testing::RawServer::Tcp("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
  ASSERT_OK_AND_ASSIGN(
      client, PrometheusClient::Create(
                  http.get(), {.base_url = absl::StrCat("http://127.0.0.1:", raw->port())}));
  EXPECT_THAT(client->Query("up", std::nullopt), StatusIs(absl::StatusCode::kDataLoss));

  // HTTP 200 with garbage.
  ASSERT_OK_AND_ASSIGN(
      raw, http::testing::RawServer::Tcp(
               "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"));
  ASSERT_OK_AND_ASSIGN(
      client, PrometheusClient::Create(
                  http.get(), {.base_url = absl::StrCat("http://127.0.0.1:", raw->port())}));
  EXPECT_THAT(client->Query("up", std::nullopt),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not an API response")));

  // Too slow.
  FakePrometheus slow(200, kScalar, absl::Milliseconds(800));
  ASSERT_THAT(slow.Start(), IsOk());
  ASSERT_OK_AND_ASSIGN(
      client, PrometheusClient::Create(
                  http.get(), {.base_url = slow.url(), .timeout = absl::Milliseconds(150)}));
  r = client->Query("time()", std::nullopt);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(http::HttpCodeFromStatus(r.status()), std::nullopt);
}

TEST(PrometheusClientTest, CreateValidates) {
  auto http = NewHttpClient();
  EXPECT_THAT(PrometheusClient::Create(http.get(), {}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PrometheusClient::Create(nullptr, {.base_url = "http://x"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(PrometheusClient::Create(http.get(),
                                       {.base_url = "http://x", .timeout = absl::ZeroDuration()}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::tikv
