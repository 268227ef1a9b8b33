#include "libs/log/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ops::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kText};
std::mutex g_mu;
std::function<void(absl::string_view)>* g_sink = nullptr;  // guarded by g_mu

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARN";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

// A text value needs quotes when it is empty or holds spaces, quotes, '=' or control chars.
bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

std::string Quote(absl::string_view v) { return nlohmann::json(std::string(v)).dump(); }

}  // namespace

Field::Field(absl::string_view key, absl::string_view value)
    : key_(key), value_(value), quoted_(true) {}
Field::Field(absl::string_view key, const char* value)
    : key_(key), value_(value ? value : ""), quoted_(true) {}
Field::Field(absl::string_view key, const std::string& value)
    : key_(key), value_(value), quoted_(true) {}
Field::Field(absl::string_view key, bool value)
    : key_(key), value_(value ? "true" : "false"), quoted_(false) {}
Field::Field(absl::string_view key, int value) : Field(key, static_cast<long long>(value)) {}
Field::Field(absl::string_view key, long value) : Field(key, static_cast<long long>(value)) {}
Field::Field(absl::string_view key, long long value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}
Field::Field(absl::string_view key, unsigned value)
    : Field(key, static_cast<unsigned long long>(value)) {}
Field::Field(absl::string_view key, unsigned long value)
    : Field(key, static_cast<unsigned long long>(value)) {}
Field::Field(absl::string_view key, unsigned long long value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}
Field::Field(absl::string_view key, double value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}

void SetLevel(Level level) { g_level.store(level); }
Level GetLevel() { return g_level.load(); }
void SetFormat(Format format) { g_format.store(format); }

void SetSink(std::function<void(absl::string_view)> sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  delete g_sink;
  g_sink = sink ? new std::function<void(absl::string_view)>(std::move(sink)) : nullptr;
}

absl::StatusOr<Level> ParseLevel(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "debug") return Level::kDebug;
  if (t == "info") return Level::kInfo;
  if (t == "warn" || t == "warning") return Level::kWarn;
  if (t == "error") return Level::kError;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", text, "\": use debug, info, warn or error"));
}

absl::StatusOr<Format> ParseFormat(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "text") return Format::kText;
  if (t == "json") return Format::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log format \"", text, "\": use text or json"));
}

std::string FormatLine(Format format, int64_t unix_micros, Level level, absl::string_view msg,
                       Fields fields) {
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMicros(unix_micros),
                                    absl::UTCTimeZone());
  if (format == Format::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = LevelName(level);
    j["msg"] = std::string(msg);
    for (const Field& f : fields) {
      if (f.quoted()) {
        j[f.key()] = f.value();
      } else {
        j[f.key()] = nlohmann::json::parse(f.value(), nullptr, false);
        if (j[f.key()].is_discarded()) j[f.key()] = f.value();  // nan, inf
      }
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string line = absl::StrCat(ts, " ", LevelName(level), " ", msg);
  for (const Field& f : fields) {
    absl::StrAppend(&line, " ", f.key(), "=",
                    f.quoted() && NeedsQuotes(f.value()) ? Quote(f.value()) : f.value());
  }
  return line;
}

void Write(Level level, absl::string_view msg, Fields fields) {
  if (level < g_level.load()) return;
  std::string line =
      FormatLine(g_format.load(), absl::ToUnixMicros(absl::Now()), level, msg, fields);
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_sink != nullptr) {
    (*g_sink)(line);
    return;
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ops::log
