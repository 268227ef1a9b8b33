// Structured logging: one line per event on stderr, with a UTC timestamp, a level, a message and
// key=value fields (text) or one JSON object per line (json).
//
//   ops::log::Info("store probe failed", {{"store", 4}, {"error", status.ToString()}});
//   -> 2026-11-27T05:42:59.123Z INFO store probe failed store=4 error="UNAVAILABLE: refused"
//
// Thread-safe: lines from concurrent threads never interleave. The level, format and sink are
// process-wide; set them once at start-up (main) or in tests.
#ifndef OPS_LIBS_LOG_LOG_H_
#define OPS_LIBS_LOG_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kText, kJson };

// One key=value pair. Numbers and booleans keep their type in JSON output.
class Field {
 public:
  Field(absl::string_view key, absl::string_view value);
  Field(absl::string_view key, const char* value);
  Field(absl::string_view key, const std::string& value);
  Field(absl::string_view key, bool value);
  Field(absl::string_view key, int value);
  Field(absl::string_view key, long value);
  Field(absl::string_view key, long long value);
  Field(absl::string_view key, unsigned value);
  Field(absl::string_view key, unsigned long value);
  Field(absl::string_view key, unsigned long long value);
  Field(absl::string_view key, double value);

  const std::string& key() const { return key_; }
  const std::string& value() const { return value_; }
  bool quoted() const { return quoted_; }

 private:
  std::string key_;
  std::string value_;
  bool quoted_;  // true for strings; false for numbers and booleans
};

using Fields = std::initializer_list<Field>;

void SetLevel(Level level);
Level GetLevel();
void SetFormat(Format format);
// Replaces stderr as the destination of finished lines (without trailing newline); pass
// nullptr to restore stderr. Used by tests.
void SetSink(std::function<void(absl::string_view line)> sink);

// Parses "debug", "info", "warn"/"warning", "error" (case-insensitive).
absl::StatusOr<Level> ParseLevel(absl::string_view text);
// Parses "text" or "json".
absl::StatusOr<Format> ParseFormat(absl::string_view text);

// Formats one line without writing it; `unix_micros` is the event time.
std::string FormatLine(Format format, int64_t unix_micros, Level level, absl::string_view msg,
                       Fields fields);

void Write(Level level, absl::string_view msg, Fields fields = {});
inline void Debug(absl::string_view msg, Fields fields = {}) { Write(Level::kDebug, msg, fields); }
inline void Info(absl::string_view msg, Fields fields = {}) { Write(Level::kInfo, msg, fields); }
inline void Warn(absl::string_view msg, Fields fields = {}) { Write(Level::kWarn, msg, fields); }
inline void Error(absl::string_view msg, Fields fields = {}) { Write(Level::kError, msg, fields); }

}  // namespace ops::log

#endif  // OPS_LIBS_LOG_LOG_H_
