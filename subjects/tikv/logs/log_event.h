// One record of TiKV's and PD's unified log format (tikv/rfcs 2018-12-19-unified-log-format;
// ../shared/reference/tikv.md section 4), as plain data, and its canonical rendering:
//
//   [2024/07/16 14:03:42.087 +00:00] [INFO] [raft.rs:1177] ["starting a new election"] [term=5]
//    time with the writer's zone offset   level  source       message                   fields
//
// The parser is in log_parser.h; FormatLogLine() is its inverse and writes what TiKV's
// formatter.rs writes, so parse-then-format reproduces a real line byte for byte.
#ifndef OPS_SUBJECTS_TIKV_LOGS_LOG_EVENT_H_
#define OPS_SUBJECTS_TIKV_LOGS_LOG_EVENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::tikv {

// Severity of a record, in increasing order. The RFC defines DEBUG..FATAL; TiKV's slog also
// prints TRACE.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kFatal };

// "TRACE", "DEBUG", "INFO", "WARN", "ERROR" or "FATAL".
absl::string_view LogLevelName(LogLevel level);

// Inverse of LogLevelName (exact, upper case); nullopt for anything else.
std::optional<LogLevel> LogLevelFromName(absl::string_view name);

// One [key=value] field, decoded (quotes and escapes removed).
struct LogField {
  std::string key;
  std::string value;

  friend bool operator==(const LogField&, const LogField&) = default;
};

// One parsed log record. Plain value.
struct LogEvent {
  absl::Time time;
  // Offset of the writer's zone as printed ("+08:00" -> 28800); `time` is already absolute.
  int utc_offset_seconds = 0;
  LogLevel level = LogLevel::kInfo;
  std::string source;            // "raft.rs:1177", or "<unknown>"
  std::string message;           // decoded; may be empty
  std::vector<LogField> fields;  // in line order; a key may repeat

  // Value of the first field named `key`, or nullptr. The pointer lives as long as the event.
  const std::string* Field(absl::string_view key) const;

  friend bool operator==(const LogEvent&, const LogEvent&) = default;
};

// True when `s` must be JSON-encoded in a line: it contains a byte <= 0x20 (space, control), '"',
// '=', '[' or ']' (TiKV formatter.rs need_json_encode, the RFC's list).
bool NeedsJsonEncoding(absl::string_view s);

// Appends `s` to `out` as a JSON string literal the way serde_json writes it: quotes, \" \\ \b
// \f \n \r \t, other control bytes as \u00xx (lower-case hex), everything else (UTF-8
// included) verbatim.
void AppendJsonQuoted(std::string* out, absl::string_view s);

// Renders `event` as one line without the trailing newline. Time is printed with millisecond
// precision in the event's own offset; message, keys and values are JSON-encoded only when
// NeedsJsonEncoding says so. Pure; thread-safe.
std::string FormatLogLine(const LogEvent& event);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_LOGS_LOG_EVENT_H_
