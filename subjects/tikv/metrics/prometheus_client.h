// A small client for Prometheus' HTTP API instant queries (`GET /api/v1/query`), used when the
// observer reads TiKV metrics from a Prometheus server instead of scraping stores itself.
//
// Response format (prometheus/prometheus docs/querying/api.md):
//   {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},
//    "value":[<unix seconds>,"<value>"]}]},"warnings":[...]}
//   resultType "scalar"/"string": "result":[<unix seconds>,"<value>"]
//   resultType "matrix": "result":[{"metric":{...},"values":[[t,"v"],...]}]
//   failure: {"status":"error","errorType":"bad_data","error":"<text>"} with HTTP 400 (bad
//   query), 422 (execution), 503 (timeout, canceled) or 500 (internal).
// Values are strings so that "NaN", "+Inf" and "-Inf" survive JSON.
//
// Error mapping: a Prometheus error keeps its HTTP code (payload, see libs/http/http_status.h)
// and reads "prometheus <errorType> (HTTP <code>): <error>"; errorType "timeout" is
// DEADLINE_EXCEEDED, "canceled" CANCELLED, otherwise the HTTP mapping applies (400/422 →
// INVALID_ARGUMENT, 5xx → UNAVAILABLE). A body that is not the API's JSON is DATA_LOSS on 2xx
// and the HTTP mapping otherwise. Transport failures are the HTTP client's (connection →
// UNAVAILABLE, timeout → DEADLINE_EXCEEDED).
//
// Thread-safe (the HTTP client is).
#ifndef OPS_SUBJECTS_TIKV_METRICS_PROMETHEUS_CLIENT_H_
#define OPS_SUBJECTS_TIKV_METRICS_PROMETHEUS_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/http/client.h"

namespace ops::tikv {

using PromLabels = std::map<std::string, std::string>;

// One value at one time. `value` may be NaN or ±Inf.
struct PromPoint {
  double timestamp = 0;  // Unix seconds (milliseconds precision)
  double value = 0;
};

struct PromSeries {
  PromLabels metric;
  std::vector<PromPoint> points;  // one for a vector sample, several for a matrix row
};

enum class PromResultType { kVector, kScalar, kMatrix, kString };

// "vector", "scalar", "matrix" or "string".
absl::string_view PromResultTypeName(PromResultType type);

struct PromQueryResult {
  PromResultType type = PromResultType::kVector;
  // vector and matrix: the series; scalar: one series with no labels and one point.
  std::vector<PromSeries> series;
  std::string string_value;  // resultType "string" only
  std::vector<std::string> warnings;
};

// Parses an /api/v1/query (or query_range) response given its HTTP status code and body.
// Pure; see the header comment for the error mapping.
absl::StatusOr<PromQueryResult> ParsePromQueryResponse(int http_status, absl::string_view body);

// Runs instant queries; PromQlSource depends on this interface and tests fake it.
class PromQuerier {
 public:
  virtual ~PromQuerier() = default;
  // Evaluates `promql` at `at` (Prometheus' own now when unset).
  virtual absl::StatusOr<PromQueryResult> Query(absl::string_view promql,
                                                std::optional<absl::Time> at) const = 0;
};

class PrometheusClient : public PromQuerier {
 public:
  struct Options {
    std::string base_url;  // e.g. "http://127.0.0.1:9090" (a path prefix is kept)
    absl::Duration timeout = absl::Seconds(2);  // per query; also sent as `timeout=`
    int max_attempts = 1;  // the observer queries every cycle: a late retry is stale
  };

  // INVALID_ARGUMENT without base_url or with a non-positive timeout. `http` must outlive
  // the client.
  static absl::StatusOr<std::unique_ptr<PrometheusClient>> Create(const http::Client* http,
                                                                  Options options);

  absl::StatusOr<PromQueryResult> Query(absl::string_view promql,
                                        std::optional<absl::Time> at) const override;

  // The request URL for a query (exposed for tests and logs).
  std::string QueryUrl(absl::string_view promql, std::optional<absl::Time> at) const;

 private:
  PrometheusClient(const http::Client* http, Options options)
      : http_(http), options_(std::move(options)) {}

  const http::Client* http_;
  Options options_;
};

// Percent-encodes `s` for a URL query component (RFC 3986 unreserved characters are kept).
std::string UrlQueryEscape(absl::string_view s);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_PROMETHEUS_CLIENT_H_
