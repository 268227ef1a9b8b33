// Mapping between HTTP status codes and absl::Status, shared by the HTTP client and anyone
// holding a raw response (e.g. from Client::Do()). The HTTP code stays visible: it is in the
// message ("HTTP 503 ...") and in a status payload that HttpCodeFromStatus reads back.
//
//   2xx → OK            400, 422, other 4xx → INVALID_ARGUMENT   401 → UNAUTHENTICATED
//   403 → PERMISSION_DENIED   404, 410 → NOT_FOUND   408 → DEADLINE_EXCEEDED
//   409, 412 → FAILED_PRECONDITION   413 → OUT_OF_RANGE   429 → RESOURCE_EXHAUSTED
//   5xx → UNAVAILABLE   1xx/3xx (unexpected as a final answer) → FAILED_PRECONDITION
//
// With ops::IsRetryable this makes 408, 429 and 5xx retryable and every other 4xx final.
// All functions are thread-safe.
#ifndef OPS_LIBS_HTTP_HTTP_STATUS_H_
#define OPS_LIBS_HTTP_HTTP_STATUS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::http {

// Status payload URL carrying the HTTP code as decimal text.
inline constexpr char kHttpCodePayload[] = "type.ops/http.code";

// OK for 2xx; otherwise the mapped code with message "HTTP <code>[ <context>]: <body>"
// (body truncated to 256 bytes) and the code attached as payload.
absl::Status StatusFromHttp(int code, absl::string_view body, absl::string_view context = "");

// The HTTP code a status from StatusFromHttp carries; nullopt for any other status.
std::optional<int> HttpCodeFromStatus(const absl::Status& status);

// Parses a Retry-After value: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`). nullopt when unparsable; a date in
// the past gives zero.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

}  // namespace ops::http

#endif  // OPS_LIBS_HTTP_HTTP_STATUS_H_
