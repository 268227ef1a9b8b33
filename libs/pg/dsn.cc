#include "libs/pg/dsn.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ops::pg {
namespace {

constexpr char kRedacted[] = "[redacted]";

std::string RedactUri(absl::string_view dsn) {
  std::string out(dsn);
  // userinfo: scheme://user:password@host
  size_t start = out.find("://") + 3;
  size_t at = out.find('@', start);
  size_t slash = out.find('/', start);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, kRedacted);
    }
  }
  // query parameter: ?password=...&
  for (std::string key : {"?password=", "&password="}) {
    size_t pos = out.find(key);
    if (pos == std::string::npos) continue;
    size_t value = pos + key.size();
    size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, kRedacted);
  }
  return out;
}

}  // namespace

std::string RedactDsn(absl::string_view dsn) {
  if (absl::StartsWith(dsn, "postgresql://") || absl::StartsWith(dsn, "postgres://")) {
    return RedactUri(dsn);
  }
  // key = value pairs; values may be single-quoted with backslash escapes.
  std::string out;
  size_t i = 0;
  while (i < dsn.size()) {
    size_t key_start = i;
    while (i < dsn.size() && dsn[i] != '=') ++i;
    std::string key(absl::StripAsciiWhitespace(dsn.substr(key_start, i - key_start)));
    absl::StrAppend(&out, dsn.substr(key_start, i - key_start));
    if (i >= dsn.size()) break;
    out.push_back('=');
    ++i;
    while (i < dsn.size() && dsn[i] == ' ') out.push_back(dsn[i++]);
    size_t value_start = i;
    if (i < dsn.size() && dsn[i] == '\'') {
      ++i;
      while (i < dsn.size() && dsn[i] != '\'') i += (dsn[i] == '\\') ? 2 : 1;
      i = std::min(i + 1, dsn.size());
    } else {
      while (i < dsn.size() && !absl::ascii_isspace(dsn[i])) ++i;
    }
    if (key == "password") {
      out.append(kRedacted);
    } else {
      absl::StrAppend(&out, dsn.substr(value_start, i - value_start));
    }
  }
  return out;
}

}  // namespace ops::pg
