// Prometheus HTTP API instant-query client; see prometheus_client.h.
#include "subjects/tikv/metrics/prometheus_client.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/http/http_status.h"
#include "libs/prom/text_parser.h"
#include "libs/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace ops::tikv {
namespace {

using nlohmann::json;

constexpr size_t kMaxExcerpt = 200;

std::string Excerpt(absl::string_view body) {
  if (body.size() <= kMaxExcerpt) return std::string(body);
  return absl::StrCat(body.substr(0, kMaxExcerpt), "...");
}

// A status for a failed exchange that carries the HTTP code like StatusFromHttp does.
absl::Status WithHttpCode(absl::StatusCode code, int http_status, std::string message) {
  absl::Status status(code, message);
  if (http_status != 0)
    status.SetPayload(http::kHttpCodePayload, absl::Cord(absl::StrCat(http_status)));
  return status;
}

absl::StatusCode CodeForError(absl::string_view error_type, int http_status) {
  if (error_type == "timeout") return absl::StatusCode::kDeadlineExceeded;
  if (error_type == "canceled") return absl::StatusCode::kCancelled;
  if (error_type == "bad_data" || error_type == "execution") {
    return absl::StatusCode::kInvalidArgument;
  }
  if (error_type == "internal" || error_type == "unavailable") {
    return absl::StatusCode::kUnavailable;
  }
  if (http_status >= 200 && http_status < 300) return absl::StatusCode::kInternal;
  return http::StatusFromHttp(http_status, "").code();
}

// `[<unix seconds>, "<value>"]`.
absl::StatusOr<PromPoint> ParsePoint(const json& j) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_string()) {
    return absl::DataLossError(absl::StrCat("bad sample value ", Excerpt(j.dump())));
  }
  PromPoint p;
  p.timestamp = j[0].get<double>();
  const std::string& text = j[1].get_ref<const std::string&>();
  if (!prom::ParseSampleValue(text, &p.value)) {
    return absl::DataLossError(absl::StrCat("bad sample value \"", Excerpt(text), "\""));
  }
  return p;
}

absl::StatusOr<PromLabels> ParseLabels(const json& j) {
  PromLabels labels;
  if (j.is_null()) return labels;
  if (!j.is_object()) return absl::DataLossError("\"metric\" is not an object");
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return absl::DataLossError(absl::StrCat("label ", k, " is not a string"));
    labels[k] = v.get<std::string>();
  }
  return labels;
}

absl::StatusOr<PromQueryResult> ParseData(const json& data) {
  if (!data.is_object() || !data.contains("resultType") || !data["resultType"].is_string() ||
      !data.contains("result")) {
    return absl::DataLossError("\"data\" lacks resultType or result");
  }
  PromQueryResult out;
  const std::string type = data["resultType"].get<std::string>();
  const json& result = data["result"];
  if (type == "scalar" || type == "string") {
    out.type = type == "scalar" ? PromResultType::kScalar : PromResultType::kString;
    if (type == "string") {
      if (!result.is_array() || result.size() != 2 || !result[1].is_string()) {
        return absl::DataLossError("bad string result");
      }
      out.string_value = result[1].get<std::string>();
      return out;
    }
    ASSIGN_OR_RETURN(PromPoint p, ParsePoint(result));
    out.series.push_back({{}, {p}});
    return out;
  }
  if (type != "vector" && type != "matrix") {
    return absl::DataLossError(absl::StrCat("unknown resultType \"", type, "\""));
  }
  out.type = type == "vector" ? PromResultType::kVector : PromResultType::kMatrix;
  if (!result.is_array()) return absl::DataLossError("\"result\" is not an array");
  for (const json& row : result) {
    if (!row.is_object()) return absl::DataLossError("a result entry is not an object");
    PromSeries series;
    ASSIGN_OR_RETURN(series.metric, ParseLabels(row.value("metric", json())));
    if (out.type == PromResultType::kVector) {
      if (!row.contains("value")) return absl::DataLossError("a vector sample has no value");
      ASSIGN_OR_RETURN(PromPoint p, ParsePoint(row["value"]));
      series.points.push_back(p);
    } else {
      const json& values = row.value("values", json::array());
      if (!values.is_array()) return absl::DataLossError("matrix \"values\" is not an array");
      for (const json& v : values) {
        ASSIGN_OR_RETURN(PromPoint p, ParsePoint(v));
        series.points.push_back(p);
      }
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

}  // namespace

absl::string_view PromResultTypeName(PromResultType type) {
  switch (type) {
    case PromResultType::kVector:
      return "vector";
    case PromResultType::kScalar:
      return "scalar";
    case PromResultType::kMatrix:
      return "matrix";
    case PromResultType::kString:
      return "string";
  }
  return "unknown";
}

absl::StatusOr<PromQueryResult> ParsePromQueryResponse(int http_status, absl::string_view body) {
  const bool http_ok = http_status >= 200 && http_status < 300;
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("status") || !j["status"].is_string()) {
    if (!http_ok) {
      return http::StatusFromHttp(http_status, body, "from Prometheus (not an API response)");
    }
    return absl::DataLossError(
        absl::StrCat("Prometheus answered HTTP ", http_status,
                     " with a body that is not an API response: ", Excerpt(body)));
  }
  try {
    const std::string status = j["status"].get<std::string>();
    if (status != "success" || !http_ok) {
      std::string error_type = j.value("errorType", std::string());
      std::string error = j.value("error", std::string());
      if (error.empty()) error = Excerpt(body);
      return WithHttpCode(CodeForError(error_type, http_status), http_status,
                          absl::StrCat("prometheus ", error_type.empty() ? status : error_type,
                                       " (HTTP ", http_status, "): ", error));
    }
    absl::StatusOr<PromQueryResult> result = ParseData(j.value("data", json()));
    if (!result.ok()) {
      return absl::DataLossError(
          absl::StrCat("bad Prometheus query response: ", result.status().message()));
    }
    if (j.contains("warnings") && j["warnings"].is_array()) {
      for (const json& w : j["warnings"]) {
        if (w.is_string()) result->warnings.push_back(w.get<std::string>());
      }
    }
    return result;
  } catch (const json::exception& e) {
    // A field of the wrong JSON type; an error reply stays an error whatever its shape.
    if (!http_ok) return http::StatusFromHttp(http_status, body, "from Prometheus");
    return absl::DataLossError(absl::StrCat("bad Prometheus query response: ", e.what()));
  }
}

std::string UrlQueryEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<PrometheusClient>> PrometheusClient::Create(const http::Client* http,
                                                                           Options options) {
  if (http == nullptr) return absl::InvalidArgumentError("PrometheusClient needs an HTTP client");
  if (options.base_url.empty()) return absl::InvalidArgumentError("Prometheus base_url is empty");
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("Prometheus query timeout must be positive");
  }
  if (options.max_attempts < 1) return absl::InvalidArgumentError("max_attempts must be >= 1");
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  return std::unique_ptr<PrometheusClient>(new PrometheusClient(http, std::move(options)));
}

std::string PrometheusClient::QueryUrl(absl::string_view promql,
                                       std::optional<absl::Time> at) const {
  std::string url = absl::StrCat(options_.base_url, "/api/v1/query?query=", UrlQueryEscape(promql));
  if (at) {
    absl::StrAppendFormat(&url, "&time=%.3f", absl::ToUnixMillis(*at) / 1000.0);
  }
  // Prometheus durations go down to milliseconds ("1ns" is rejected).
  absl::StrAppend(
      &url, "&timeout=", std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.timeout)), "ms");
  return url;
}

absl::StatusOr<PromQueryResult> PrometheusClient::Query(absl::string_view promql,
                                                        std::optional<absl::Time> at) const {
  http::ClientRequest request;
  request.url = QueryUrl(promql, at);
  request.options.timeout = options_.timeout;
  http::RetryPolicy retry;
  retry.max_attempts = options_.max_attempts;
  request.options.retry = retry;
  request.options.headers.push_back({"Accept", "application/json"});
  absl::StatusOr<http::ClientResponse> response = http_->Do(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("Prometheus query failed: ", response.status().message()));
  }
  return ParsePromQueryResponse(response->status, response->body);
}

}  // namespace ops::tikv
