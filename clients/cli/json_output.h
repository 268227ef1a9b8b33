// Protobuf JSON for `--output json`: the canonical proto3 JSON mapping (lowerCamelCase field
// names, enums by name, RFC 3339 timestamps), with default values printed so scripts can rely
// on every scalar and list field being present. Pure; thread-safe.
#ifndef OPS_CLIENTS_CLI_JSON_OUTPUT_H_
#define OPS_CLIENTS_CLI_JSON_OUTPUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace ops::cli {

// `message` as JSON: indented over several lines when `multiline`, else on one line (for
// streams: one object per line). INTERNAL when the message cannot be rendered.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool multiline);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_JSON_OUTPUT_H_
