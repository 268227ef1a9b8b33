#include "clients/cli/json_output.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace ops::cli {

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message, bool multiline) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = multiline;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot render ", message.GetTypeName(), " as JSON: ", status.ToString()));
  }
  // add_whitespace leaves a trailing newline; callers add their own.
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

}  // namespace ops::cli
