// Internal to PdClient (pd_client.cc and pd_poll.cc): per-call bookkeeping and the result of
// one successful request. Not for other users.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_INTERNAL_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "subjects/tikv/pd_client/pd_client.h"

namespace ops::tikv {

// What the requests of one Get() or Poll() did.
struct PdClient::CallStats {
  int requests = 0;                   // exchanges attempted
  std::vector<std::string> answered;  // endpoints that answered, first-answer order
  std::string last_endpoint;          // the endpoint that answered last
  bool none_answered = false;         // the latest Fetch found no endpoint answering

  void Answered(const std::string& endpoint) {
    last_endpoint = endpoint;
    none_answered = false;
    if (std::find(answered.begin(), answered.end(), endpoint) == answered.end()) {
      answered.push_back(endpoint);
    }
  }
};

// A 2xx answer. In BodyMode::kLeadingCount, `count` is set when it was read from the first
// bytes (and `body` is then empty); otherwise `body` holds the whole answer.
struct PdClient::Fetched {
  std::string body;
  std::optional<uint64_t> count;
  std::string endpoint;
};

namespace internal {

// Appends which endpoint sent a body that failed to parse, keeping the code.
template <typename T>
absl::StatusOr<T> WithEndpoint(absl::StatusOr<T> parsed, const std::string& endpoint) {
  if (parsed.ok()) return parsed;
  return absl::Status(parsed.status().code(),
                      absl::StrCat(parsed.status().message(), " (from ", endpoint, ")"));
}

}  // namespace internal
}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_INTERNAL_H_
