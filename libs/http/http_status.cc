#include "libs/http/http_status.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ops::http {
namespace {

constexpr size_t kMaxBodyInMessage = 256;

absl::StatusCode CodeFor(int code) {
  if (code >= 500 && code < 600) return absl::StatusCode::kUnavailable;
  switch (code) {
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
    case 410:
      return absl::StatusCode::kNotFound;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 409:
    case 412:
      return absl::StatusCode::kFailedPrecondition;
    case 413:
      return absl::StatusCode::kOutOfRange;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      break;
  }
  if (code >= 400 && code < 500) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kFailedPrecondition;
}

}  // namespace

absl::Status StatusFromHttp(int code, absl::string_view body, absl::string_view context) {
  if (code >= 200 && code < 300) return absl::OkStatus();
  absl::string_view shown = absl::StripAsciiWhitespace(body);
  std::string message = absl::StrCat("HTTP ", code, context.empty() ? "" : " ", context);
  if (!shown.empty()) {
    bool cut = shown.size() > kMaxBodyInMessage;
    absl::StrAppend(&message, ": ", shown.substr(0, kMaxBodyInMessage), cut ? "..." : "");
  }
  absl::Status status(CodeFor(code), message);
  status.SetPayload(kHttpCodePayload, absl::Cord(absl::StrCat(code)));
  return status;
}

std::optional<int> HttpCodeFromStatus(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpCodePayload);  // absl::optional on Debian
  int code = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &code)) {
    return std::nullopt;
  }
  return code;
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  if (absl::ascii_isdigit(value[0])) {
    if (!absl::SimpleAtoi(value, &seconds) || seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &when,
                       &error)) {
    return std::nullopt;
  }
  return when > now ? when - now : absl::ZeroDuration();
}

}  // namespace ops::http
