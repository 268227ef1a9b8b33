// HTTP client on libcurl for every outbound HTTP call: PD's API, TiKV status ports, Prometheus,
// Alertmanager, LLM APIs and the Docker Engine API (over a unix socket). Bounded in time and
// size, retries what is worth retrying, and never throws.
//
// Contract, in one place:
//   - Do() returns a ClientResponse for every completed exchange, whatever the HTTP status
//     (a 404 or a 503 is a response, not an error). Errors are transport failures only.
//   - Fetch(), Get() and Post() are Do() plus StatusFromHttp(): non-2xx becomes an error status
//     (404 → NOT_FOUND, 429 → RESOURCE_EXHAUSTED, 5xx → UNAVAILABLE, ...; see http_status.h).
//   - Stream() delivers a 2xx body chunk by chunk as it arrives (server-sent events, logs).
//   - Transport errors: connection refused/reset, DNS → UNAVAILABLE; timeout →
//     DEADLINE_EXCEEDED; body over the limit → OUT_OF_RANGE naming the limit (the transfer is
//     aborted as soon as the limit is passed); a reply that is not HTTP → DATA_LOSS; a bad URL
//     → INVALID_ARGUMENT; the stream callback returned false → CANCELLED.
//   - Retries: only retryable failures (ops::IsRetryable on the transport status or on
//     StatusFromHttp(code): connection errors, timeouts, 5xx, 429, 408), with capped
//     exponential backoff and jitter, honouring Retry-After (capped). 4xx and an oversized
//     body never retry. Every method is retried, POST included (as the Anthropic and OpenAI
//     SDKs and Alertmanager's notifier do); set retry.max_attempts = 1 for calls that must not
//     repeat.
//
// Thread safety: a Client is thread-safe; share one per process or per upstream. Each call
// borrows a curl easy handle from a small pool and returns it afterwards; the handle keeps its
// connection cache, so sequential calls (the observer polls every 250 ms) reuse keep-alive
// connections instead of reconnecting. Up to Options::max_idle_handles handles stay pooled.
//
//   ASSIGN_OR_RETURN(auto client, Client::Create({}));
//   ASSIGN_OR_RETURN(ClientResponse r, client->Get("http://127.0.0.1:2379/pd/api/v1/stores"));
#ifndef OPS_LIBS_HTTP_CLIENT_H_
#define OPS_LIBS_HTTP_CLIENT_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/status/retry.h"

namespace ops::http {

namespace internal {
class EasyHandlePool;
}  // namespace internal

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// When and how often a call is repeated.
struct RetryPolicy {
  int max_attempts = 3;  // total attempts, including the first; 1 disables retries
  Backoff backoff;       // 100 ms doubling up to 5 s, full jitter (libs/status/retry.h)
  // A server's Retry-After is honoured up to this cap; beyond it the cap is waited.
  absl::Duration max_retry_after = absl::Seconds(30);
};

// Per-call overrides; an unset field takes the Client::Options value.
struct RequestOptions {
  std::optional<absl::Duration> timeout;  // whole exchange; InfiniteDuration() for none
  std::optional<absl::Duration> connect_timeout;
  // Abort when no byte arrives for this long (seconds granularity); for long streams whose
  // total time is unbounded. Unset: no stall detection.
  std::optional<absl::Duration> stall_timeout;
  std::optional<size_t> max_response_bytes;
  std::optional<RetryPolicy> retry;
  std::optional<std::string> unix_socket_path;
  HeaderList headers;  // added after Client::Options::default_headers
};

struct ClientRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT, PATCH, DELETE, ...
  std::string url;             // with a unix socket the host part is ignored
  std::string body;
  std::string content_type;  // sent as Content-Type when the body is non-empty
  RequestOptions options;
};

struct ClientResponse {
  int status = 0;             // HTTP status code of the final exchange
  HeaderList headers;         // of the final response, in order, names as sent
  std::string body;           // empty for HEAD and for Stream()
  absl::Duration total_time;  // duration of the final exchange (curl's total time)
  int attempts = 1;           // exchanges made, retries included

  bool ok() const { return status >= 200 && status < 300; }
  // Case-insensitive lookup of the first header with this name; empty when absent.
  std::string Header(absl::string_view name) const;
};

class Client {
 public:
  struct Options {
    absl::Duration connect_timeout = absl::Seconds(1);
    absl::Duration timeout = absl::Seconds(5);  // whole exchange
    size_t max_response_bytes = 16 << 20;       // 16 MiB
    std::string user_agent = "operator/0.1";
    RetryPolicy retry;
    HeaderList default_headers;    // sent with every request (e.g. an API version)
    std::string unix_socket_path;  // non-empty: every request goes over this socket
    size_t max_idle_handles = 8;   // pooled curl handles (each keeps its connections)
    // Waits between attempts; tests inject a recorder. Default: absl::SleepFor.
    std::function<void(absl::Duration)> sleeper;
    // Jitter source in [0, 1). Default: ops::UnitRandom.
    std::function<double()> unit_random;
  };

  // Fails with INVALID_ARGUMENT for non-positive timeouts or max_attempts < 1, and with
  // INTERNAL when libcurl cannot initialise.
  static absl::StatusOr<std::unique_ptr<Client>> Create(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Performs the request with retries. OK for every completed exchange, any HTTP status; the
  // response of the last attempt is returned when retryable statuses persist.
  absl::StatusOr<ClientResponse> Do(const ClientRequest& request) const;

  // Do(), then non-2xx → StatusFromHttp(status, body) with the HTTP code in the message and
  // in the status payload (HttpCodeFromStatus).
  absl::StatusOr<ClientResponse> Fetch(const ClientRequest& request) const;
  absl::StatusOr<ClientResponse> Get(absl::string_view url, RequestOptions options = {}) const;
  absl::StatusOr<ClientResponse> Post(absl::string_view url, absl::string_view body,
                                      absl::string_view content_type,
                                      RequestOptions options = {}) const;

  // Like Fetch(), but a 2xx body is handed to `on_chunk` piece by piece as it arrives, in
  // order, on the calling thread, and not buffered (so max_response_bytes does not bound it;
  // set timeout to InfiniteDuration() and a stall_timeout for endless streams). Returning
  // false from `on_chunk` aborts the transfer and the call returns CANCELLED. Non-2xx bodies
  // are buffered (bounded) and reported as errors. Retries happen only before the first
  // chunk was delivered.
  absl::StatusOr<ClientResponse> Stream(
      const ClientRequest& request,
      const std::function<bool(absl::string_view chunk)>& on_chunk) const;

 private:
  using ChunkFn = std::function<bool(absl::string_view)>;
  Client(Options options, std::unique_ptr<internal::EasyHandlePool> pool);
  absl::StatusOr<ClientResponse> Run(const ClientRequest& request, const ChunkFn* on_chunk) const;

  Options options_;
  std::unique_ptr<internal::EasyHandlePool> pool_;
};

}  // namespace ops::http

#endif  // OPS_LIBS_HTTP_CLIENT_H_
