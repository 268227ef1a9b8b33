#include "libs/http/curl_transfer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ops::http::internal {
namespace {

// State shared with curl's callbacks during one exchange.
struct Receiver {
  const TransferSpec* spec = nullptr;
  CURL* handle = nullptr;
  ClientResponse* response = nullptr;
  bool too_large = false;
  bool cancelled = false;
  bool delivered_chunk = false;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* rx = static_cast<Receiver*>(user);
  absl::string_view line(data, size * count);
  // A new status line starts a new response (after 100 Continue or a redirect): keep only
  // the headers of the final one.
  if (absl::StartsWith(line, "HTTP/")) {
    rx->response->headers.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return size * count;  // blank line or folded junk
  std::string name(absl::StripAsciiWhitespace(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  rx->response->headers.emplace_back(std::move(name), std::move(value));
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* rx = static_cast<Receiver*>(user);
  size_t n = size * count;
  long code = 0;
  curl_easy_getinfo(rx->handle, CURLINFO_RESPONSE_CODE, &code);
  if (rx->spec->on_chunk != nullptr && code >= 200 && code < 300) {
    if (n == 0) return 0;
    rx->delivered_chunk = true;
    if (!(*rx->spec->on_chunk)(absl::string_view(data, n))) {
      rx->cancelled = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return n;
  }
  if (rx->response->body.size() + n > rx->spec->max_response_bytes) {
    rx->too_large = true;
    return 0;
  }
  rx->response->body.append(data, n);
  return n;
}

long Millis(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return 0;  // curl: 0 means no timeout
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

std::string Describe(const ClientRequest& request) {
  return absl::StrCat(request.method, " ", request.url);
}

absl::Status MapCurlError(CURLcode code, const char* error_buffer, const Receiver& rx,
                          const TransferSpec& spec) {
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  std::string what = Describe(*spec.request);
  if (rx.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return absl::OutOfRangeError(absl::StrCat("response body of ", what, " exceeds the limit of ",
                                              spec.max_response_bytes,
                                              " bytes (max_response_bytes)"));
  }
  if (rx.cancelled) {
    return absl::CancelledError(absl::StrCat(what, ": stream aborted by the receiver"));
  }
  std::string message = absl::StrCat(what, ": ", detail);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(message);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return absl::UnavailableError(message);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
      return absl::DataLossError(absl::StrCat("malformed HTTP response: ", message));
    case CURLE_UNSUPPORTED_PROTOCOL:
      // Also what curl reports when the peer answers without an HTTP status line (HTTP/0.9).
      if (absl::StrContains(detail, "HTTP/0.9")) {
        return absl::DataLossError(absl::StrCat("malformed HTTP response: ", message));
      }
      return absl::InvalidArgumentError(message);
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(message);
    case CURLE_TOO_MANY_REDIRECTS:
      return absl::FailedPreconditionError(message);
    case CURLE_OUT_OF_MEMORY:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::UnknownError(message);
  }
}

// Owns the header list for the duration of one exchange.
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

absl::Status AppendHeader(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
  list.release();
  list.reset(next);
  return absl::OkStatus();
}

absl::Status BuildHeaders(const TransferSpec& spec, Slist& list) {
  const ClientRequest& request = *spec.request;
  for (const auto& [name, value] : spec.headers) {
    absl::Status s = AppendHeader(list, absl::StrCat(name, ": ", value));
    if (!s.ok()) return s;
  }
  if (!request.body.empty()) {
    // "Name:" with no value tells curl to drop its own default (form-urlencoded).
    absl::Status s =
        AppendHeader(list, absl::StrCat("Content-Type:", request.content_type.empty() ? "" : " ",
                                        request.content_type));
    if (!s.ok()) return s;
  }
  // No 100-continue round trip before large bodies; our servers answer directly.
  return AppendHeader(list, "Expect:");
}

void SetMethodAndBody(CURL* h, const ClientRequest& request) {
  std::string method = absl::AsciiStrToUpper(request.method);
  if (method == "GET" && request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    return;
  }
  if (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }
  if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
}

}  // namespace

absl::Status EnsureCurlInitialized() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init failed: ", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

EasyHandlePool::~EasyHandlePool() {
  for (CURL* h : idle_) curl_easy_cleanup(h);
}

CURL* EasyHandlePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void EasyHandlePool::Release(CURL* handle) {
  if (handle == nullptr) return;
  curl_easy_reset(handle);  // clears options, keeps live connections and the DNS cache
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

TransferResult RunTransfer(CURL* h, const TransferSpec& spec) {
  TransferResult result;
  const ClientRequest& request = *spec.request;
  Receiver rx{.spec = &spec, .handle = h, .response = &result.response};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  Slist headers;
  result.status = BuildHeaders(spec, headers);
  if (!result.status.ok()) return result;

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // we are multi-threaded
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, spec.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  // gzip only, as Prometheus asks: brotli from a server is far slower to produce for no gain
  // on the loopback and LAN links we poll.
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, Millis(spec.timeout));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, Millis(spec.connect_timeout));
  if (spec.stall_timeout.has_value()) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     std::max<long>(1, absl::ToInt64Seconds(*spec.stall_timeout)));
  }
  if (!spec.unix_socket_path.empty()) {
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, spec.unix_socket_path.c_str());
  }
  if (spec.on_chunk == nullptr) {
    // Refuse up front when Content-Length already says too much.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(spec.max_response_bytes));
  }
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &rx);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &rx);
  SetMethodAndBody(h, request);

  CURLcode code = curl_easy_perform(h);
  result.delivered_chunk = rx.delivered_chunk;
  if (code != CURLE_OK) {
    result.status = MapCurlError(code, error_buffer, rx, spec);
    return result;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t total_us = 0;
  curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
  result.response.status = static_cast<int>(status);
  result.response.total_time = absl::Microseconds(total_us);
  return result;
}

}  // namespace ops::http::internal
