// Unified log format writer; see unified_log.h.
#include "subjects/tikv/sim/common/unified_log.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace ops::sim {
namespace {

// TiKV formatter.rs need_json_encode.
bool NeedJsonEncode(absl::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == '=' || c == '[' || c == ']') return true;
  }
  return false;
}

void AppendMaybeQuoted(std::string* out, absl::string_view s) {
  if (!NeedJsonEncode(s)) {
    out->append(s.data(), s.size());
    return;
  }
  nlohmann::json j = std::string(s);
  out->append(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::string FormatUnifiedLine(absl::Time t, absl::TimeZone tz, absl::string_view level,
                              absl::string_view source, absl::string_view message,
                              const LogFields& fields) {
  std::string out = absl::StrCat("[", absl::FormatTime("%Y/%m/%d %H:%M:%E3S %Ez", t, tz), "] [",
                                 level, "] [", source, "] [");
  AppendMaybeQuoted(&out, message);
  out += ']';
  for (const auto& [k, v] : fields) {
    out += " [";
    AppendMaybeQuoted(&out, k);
    out += '=';
    AppendMaybeQuoted(&out, v);
    out += ']';
  }
  return out;
}

absl::StatusOr<std::unique_ptr<UnifiedLog>> UnifiedLog::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot open log file ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<UnifiedLog>(new UnifiedLog(f));
}

UnifiedLog::UnifiedLog(std::FILE* file) : file_(file) {}

UnifiedLog::~UnifiedLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void UnifiedLog::Write(absl::string_view level, absl::string_view source,
                       absl::string_view message, const LogFields& fields) {
  std::string line =
      FormatUnifiedLine(absl::Now(), absl::LocalTimeZone(), level, source, message, fields);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace ops::sim
