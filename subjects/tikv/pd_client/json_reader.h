// Typed, path-aware reading of PD's JSON for the parsers in pd_parse.cc. PD (Go encoding/json
// with omitempty, protobuf structs) leaves out zero values, so an absent or null field reads as
// the zero value unless the caller marks it required. The first problem is kept with the full
// field path ("stores[2].status.capacity: invalid byte size \"x\"") and later reads become
// no-ops, so a parser reads every field and checks status() once.
//
// Internal to the PD client; thread-compatible (one reader per parse).
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_JSON_READER_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_JSON_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ops::tikv::internal {

// Parses a whole body. DATA_LOSS (with nlohmann's position) when it is not JSON at all: PD
// always writes JSON, so a truncated or foreign body means the bytes were damaged or came from
// something else. `what` names the body in the message ("/stores body").
absl::StatusOr<nlohmann::json> ParseJsonBody(absl::string_view body, absl::string_view what);

// Shared first-error sink for a tree of readers.
struct ReadErrors {
  absl::Status first;
  void Add(absl::Status s) {
    if (first.ok()) first = std::move(s);
  }
};

// Reads the fields of one JSON object. Fails (INVALID_ARGUMENT at `path`) when the value is not
// an object.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string path, ReadErrors* errors);

  bool ok() const { return errors_->first.ok(); }
  const std::string& path() const { return path_; }
  std::string PathOf(absl::string_view key) const;
  // Records INVALID_ARGUMENT "<path>.<key>: <message>".
  void Fail(absl::string_view key, absl::string_view message);

  bool Has(const char* key) const;  // present and not null
  uint64_t Uint(const char* key, bool required = false);
  int64_t Int(const char* key);
  double Double(const char* key);
  // true/false, or the strings "true"/"false" (PD's `json:",string"` booleans).
  bool Bool(const char* key);
  std::string String(const char* key, bool required = false);
  std::vector<std::string> Strings(const char* key);
  std::optional<absl::Duration> Duration(const char* key);  // Go duration string
  uint64_t ByteSize(const char* key);                       // ByteSize string (or a number)
  std::optional<absl::Time> Time(const char* key);          // RFC3339; Go zero time → nullopt
  // The nested object or array; nullptr when absent or null (an error when of another type).
  const nlohmann::json* Object(const char* key);
  const nlohmann::json* Array(const char* key);

  ReadErrors* errors() const { return errors_; }

 private:
  const nlohmann::json* Get(const char* key, bool required);

  const nlohmann::json& value_;
  std::string path_;
  ReadErrors* errors_;
  bool is_object_ = false;
};

// A JSON number as uint64 (non-negative integer). nullopt when it is anything else.
std::optional<uint64_t> AsUint(const nlohmann::json& v);

}  // namespace ops::tikv::internal

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_JSON_READER_H_
