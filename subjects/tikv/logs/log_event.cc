// Unified log records and their rendering; see log_event.h.
#include "subjects/tikv/logs/log_event.h"

#include "absl/strings/str_cat.h"

namespace ops::tikv {
namespace {

constexpr absl::string_view kLevelNames[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

void AppendMaybeQuoted(std::string* out, absl::string_view s) {
  if (NeedsJsonEncoding(s)) {
    AppendJsonQuoted(out, s);
  } else {
    out->append(s.data(), s.size());
  }
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) { return kLevelNames[static_cast<int>(level)]; }

std::optional<LogLevel> LogLevelFromName(absl::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kLevelNames)); ++i) {
    if (name == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

const std::string* LogEvent::Field(absl::string_view key) const {
  for (const LogField& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

bool NeedsJsonEncoding(absl::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == '=' || c == '[' || c == ']') return true;
  }
  return false;
}

void AppendJsonQuoted(std::string* out, absl::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string FormatLogLine(const LogEvent& event) {
  std::string out = absl::StrCat("[",
                                 absl::FormatTime("%Y/%m/%d %H:%M:%E3S %Ez", event.time,
                                                  absl::FixedTimeZone(event.utc_offset_seconds)),
                                 "] [", LogLevelName(event.level), "] [");
  AppendMaybeQuoted(&out, event.source);
  out.append("] [");
  AppendMaybeQuoted(&out, event.message);
  out.push_back(']');
  for (const LogField& f : event.fields) {
    out.append(" [");
    AppendMaybeQuoted(&out, f.key);
    out.push_back('=');
    AppendMaybeQuoted(&out, f.value);
    out.push_back(']');
  }
  return out;
}

}  // namespace ops::tikv
