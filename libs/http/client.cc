#include "libs/http/client.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/http/curl_transfer.h"
#include "libs/http/http_status.h"
#include "libs/status/retry.h"

namespace ops::http {
namespace {

using internal::EasyHandlePool;
using internal::TransferResult;
using internal::TransferSpec;

absl::Status ValidateRetry(const RetryPolicy& retry) {
  if (retry.max_attempts < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("retry.max_attempts must be at least 1, got ", retry.max_attempts));
  }
  return absl::OkStatus();
}

// The status that decides whether to retry: the transport error, or the HTTP status mapped.
absl::Status OutcomeOf(const TransferResult& result) {
  if (!result.status.ok()) return result.status;
  return StatusFromHttp(result.response.status, "");
}

}  // namespace

std::string ClientResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(Options options) {
  if (options.timeout <= absl::ZeroDuration() || options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("client timeouts must be positive");
  }
  if (absl::Status s = ValidateRetry(options.retry); !s.ok()) return s;
  if (absl::Status s = internal::EnsureCurlInitialized(); !s.ok()) return s;
  if (!options.sleeper) options.sleeper = [](absl::Duration d) { absl::SleepFor(d); };
  if (!options.unit_random) options.unit_random = &ops::UnitRandom;
  auto pool = std::make_unique<EasyHandlePool>(options.max_idle_handles);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(pool)));
}

Client::Client(Options options, std::unique_ptr<internal::EasyHandlePool> pool)
    : options_(std::move(options)), pool_(std::move(pool)) {}

Client::~Client() = default;

absl::StatusOr<ClientResponse> Client::Do(const ClientRequest& request) const {
  return Run(request, nullptr);
}

absl::StatusOr<ClientResponse> Client::Fetch(const ClientRequest& request) const {
  absl::StatusOr<ClientResponse> response = Run(request, nullptr);
  if (!response.ok()) return response;
  absl::Status status = StatusFromHttp(response->status, response->body,
                                       absl::StrCat("from ", request.method, " ", request.url));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<ClientResponse> Client::Get(absl::string_view url, RequestOptions options) const {
  ClientRequest request;
  request.url = std::string(url);
  request.options = std::move(options);
  return Fetch(request);
}

absl::StatusOr<ClientResponse> Client::Post(absl::string_view url, absl::string_view body,
                                            absl::string_view content_type,
                                            RequestOptions options) const {
  ClientRequest request;
  request.method = "POST";
  request.url = std::string(url);
  request.body = std::string(body);
  request.content_type = std::string(content_type);
  request.options = std::move(options);
  return Fetch(request);
}

absl::StatusOr<ClientResponse> Client::Stream(
    const ClientRequest& request,
    const std::function<bool(absl::string_view chunk)>& on_chunk) const {
  absl::StatusOr<ClientResponse> response = Run(request, &on_chunk);
  if (!response.ok()) return response;
  absl::Status status = StatusFromHttp(response->status, response->body,
                                       absl::StrCat("from ", request.method, " ", request.url));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<ClientResponse> Client::Run(const ClientRequest& request,
                                           const ChunkFn* on_chunk) const {
  const RequestOptions& o = request.options;
  const RetryPolicy retry = o.retry.value_or(options_.retry);
  if (absl::Status s = ValidateRetry(retry); !s.ok()) return s;
  if (request.url.empty()) return absl::InvalidArgumentError("request URL is empty");

  TransferSpec spec;
  spec.request = &request;
  spec.headers = options_.default_headers;
  spec.headers.insert(spec.headers.end(), o.headers.begin(), o.headers.end());
  spec.user_agent = options_.user_agent;
  spec.unix_socket_path = o.unix_socket_path.value_or(options_.unix_socket_path);
  spec.timeout = o.timeout.value_or(options_.timeout);
  spec.connect_timeout = o.connect_timeout.value_or(options_.connect_timeout);
  spec.stall_timeout = o.stall_timeout;
  spec.max_response_bytes = o.max_response_bytes.value_or(options_.max_response_bytes);
  spec.on_chunk = on_chunk;

  for (int attempt = 1;; ++attempt) {
    CURL* handle = pool_->Acquire();
    if (handle == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
    TransferResult result = internal::RunTransfer(handle, spec);
    pool_->Release(handle);
    result.response.attempts = attempt;

    absl::Status outcome = OutcomeOf(result);
    bool retry_allowed =
        attempt < retry.max_attempts && IsRetryable(outcome) && !result.delivered_chunk;
    if (!retry_allowed) {
      if (result.status.ok()) return std::move(result.response);
      if (attempt == 1) return result.status;
      return absl::Status(result.status.code(),
                          absl::StrCat(result.status.message(), " (after ", attempt, " attempts)"));
    }
    absl::Duration delay = retry.backoff.Delay(attempt - 1, options_.unit_random());
    if (result.status.ok()) {
      std::optional<absl::Duration> after =
          ParseRetryAfter(result.response.Header("Retry-After"), absl::Now());
      if (after.has_value()) delay = std::min(*after, retry.max_retry_after);
    }
    options_.sleeper(delay);
  }
}

}  // namespace ops::http
