// Reading a service's configuration file into flat key/value entries, before they are applied to
// flags (see config.h). Two formats:
//
//  * JSON: one object whose values are strings, numbers, booleans or arrays of those (arrays are
//    joined with commas, e.g. ["a:1","b:2"] -> "a:1,b:2"). Nested objects are rejected.
//  * A flat YAML subset: `key: value` lines, `#` comments, blank lines, single- or double-quoted
//    values, flow lists `key: [a, b]`, and block lists (`key:` followed by `- item` lines), both
//    joined with commas. Anything nested (indented mappings, anchors, multi-line strings) is
//    rejected with the file and line.
//
// The format follows the file name (.json, or .yaml/.yml); any other name is sniffed (a first
// non-blank character `{` means JSON). Every error is INVALID_ARGUMENT and names file and line.
// All functions are thread-safe (pure, apart from reading the file).
#ifndef OPS_LIBS_CONFIG_CONFIG_FILE_H_
#define OPS_LIBS_CONFIG_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::config {

// One `key: value` of a configuration file. `line` is 1-based (0 when unknown).
struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;
};

// Parses the flat YAML subset above. `filename` is used in error messages only. Duplicate keys
// are an error.
absl::StatusOr<std::vector<ConfigEntry>> ParseFlatYaml(absl::string_view text,
                                                       absl::string_view filename);

// Parses a JSON object of scalars (and arrays of scalars) into entries in document order.
absl::StatusOr<std::vector<ConfigEntry>> ParseJsonConfig(absl::string_view text,
                                                         absl::string_view filename);

// Reads `path` and parses it as JSON or YAML (see above). NOT_FOUND when the file is missing.
absl::StatusOr<std::vector<ConfigEntry>> LoadConfigFile(const std::string& path);

}  // namespace ops::config

#endif  // OPS_LIBS_CONFIG_CONFIG_FILE_H_
