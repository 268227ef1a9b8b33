// Internal to libs/http: one HTTP exchange on a libcurl easy handle, and the pool that keeps
// easy handles (and so their keep-alive connections) between calls. Client builds on these;
// nothing else should include this header.
#ifndef OPS_LIBS_HTTP_CURL_TRANSFER_H_
#define OPS_LIBS_HTTP_CURL_TRANSFER_H_

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/http/client.h"

typedef void CURL;

namespace ops::http::internal {

// Runs curl_global_init once per process; later calls return the first result. Thread-safe.
absl::Status EnsureCurlInitialized();

// Idle easy handles, each with its own connection cache. Thread-safe.
class EasyHandlePool {
 public:
  explicit EasyHandlePool(size_t max_idle) : max_idle_(max_idle) {}
  ~EasyHandlePool();
  EasyHandlePool(const EasyHandlePool&) = delete;
  EasyHandlePool& operator=(const EasyHandlePool&) = delete;

  // A pooled handle (most recently used first, so its connections are the warmest) or a new
  // one; nullptr when curl cannot allocate.
  CURL* Acquire();
  // Resets the handle's options (keeping its connections) and pools it, or frees it when the
  // pool is full.
  void Release(CURL* handle);

 private:
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

// Everything one exchange needs, resolved from Client::Options and RequestOptions.
struct TransferSpec {
  const ClientRequest* request = nullptr;
  HeaderList headers;  // default + per-request headers
  std::string user_agent;
  std::string unix_socket_path;
  absl::Duration timeout;
  absl::Duration connect_timeout;
  std::optional<absl::Duration> stall_timeout;
  size_t max_response_bytes = 0;
  // When set, 2xx body bytes go here instead of the buffer; false aborts.
  const std::function<bool(absl::string_view)>* on_chunk = nullptr;
};

struct TransferResult {
  absl::Status status;           // transport outcome; OK when an HTTP response was received
  ClientResponse response;       // valid when status is OK
  bool delivered_chunk = false;  // on_chunk has seen at least one byte
};

// Performs one exchange on `handle` (which must be freshly acquired).
TransferResult RunTransfer(CURL* handle, const TransferSpec& spec);

}  // namespace ops::http::internal

#endif  // OPS_LIBS_HTTP_CURL_TRANSFER_H_
