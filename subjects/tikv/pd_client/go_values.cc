#include "subjects/tikv/pd_client/go_values.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ops::tikv {
namespace {

constexpr uint64_t kMaxNanos = uint64_t{1} << 63;

absl::Status BadDuration(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid Go duration ", internal::QuoteForError(text), ": ", why));
}

// Go's leadingInt: digits into a uint64, failing past 1<<63.
bool LeadingInt(absl::string_view* s, uint64_t* out) {
  uint64_t x = 0;
  size_t i = 0;
  for (; i < s->size() && absl::ascii_isdigit((*s)[i]); ++i) {
    if (x > kMaxNanos / 10) return false;
    x = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (x > kMaxNanos) return false;
  }
  s->remove_prefix(i);
  *out = x;
  return true;
}

// Go's leadingFraction: digits after the point; stops accumulating (not consuming) once more
// precision would overflow.
void LeadingFraction(absl::string_view* s, uint64_t* f, double* scale) {
  uint64_t x = 0;
  double sc = 1;
  bool overflow = false;
  size_t i = 0;
  for (; i < s->size() && absl::ascii_isdigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (x > (kMaxNanos - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (y > kMaxNanos) {
      overflow = true;
      continue;
    }
    x = y;
    sc *= 10;
  }
  s->remove_prefix(i);
  *f = x;
  *scale = sc;
}

uint64_t UnitNanos(absl::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
    return 1000;  // µ (U+00B5, U+03BC)
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "m") return uint64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h") return uint64_t{3600} * 1000 * 1000 * 1000;
  return 0;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text) {
  absl::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return absl::ZeroDuration();
  if (s.empty()) return BadDuration(text, "empty");
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || absl::ascii_isdigit(s[0]))) return BadDuration(text, "expected a number");
    size_t before = s.size();
    uint64_t v = 0;
    if (!LeadingInt(&s, &v)) return BadDuration(text, "overflow");
    bool pre = before != s.size();
    bool post = false;
    uint64_t f = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t at = s.size();
      LeadingFraction(&s, &f, &scale);
      post = at != s.size();
    }
    if (!pre && !post) return BadDuration(text, "expected digits");
    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !absl::ascii_isdigit(s[i])) ++i;
    if (i == 0) return BadDuration(text, "missing unit");
    uint64_t unit = UnitNanos(s.substr(0, i));
    if (unit == 0) return BadDuration(text, absl::StrCat("unknown unit \"", s.substr(0, i), "\""));
    s.remove_prefix(i);
    if (v > kMaxNanos / unit) return BadDuration(text, "overflow");
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMaxNanos) return BadDuration(text, "overflow");
    }
    total += v;
    if (total > kMaxNanos) return BadDuration(text, "overflow");
  }
  if (neg && total > 0) {
    // -(1<<63) is representable; negate in two steps to stay in int64.
    return -absl::Nanoseconds(static_cast<int64_t>(total - 1)) - absl::Nanoseconds(1);
  }
  if (total > kMaxNanos - 1) return BadDuration(text, "overflow");
  return absl::Nanoseconds(static_cast<int64_t>(total));
}

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid byte size ", internal::QuoteForError(text), ": ", why));
  };
  absl::string_view s = text;
  size_t i = 0;
  while (i < s.size() && absl::ascii_isdigit(s[i])) ++i;
  if (i == 0) return bad("expected a number");
  if (i < s.size() && s[i] == '.') {
    size_t j = i + 1;
    while (j < s.size() && absl::ascii_isdigit(s[j])) ++j;
    if (j == i + 1) return bad("expected digits after the point");
    i = j;
  }
  double value = 0;
  if (!absl::SimpleAtod(s.substr(0, i), &value)) return bad("bad number");
  absl::string_view unit = s.substr(i);
  if (!unit.empty() && unit[0] == ' ') unit.remove_prefix(1);
  // [kmgtpe]? i? b?  (docker units.RAMInBytes, extended to exabytes)
  double mult = 1;
  if (!unit.empty()) {
    const std::string prefixes = "kmgtpe";
    size_t p = prefixes.find(absl::ascii_tolower(unit[0]));
    if (p != std::string::npos) {
      mult = std::pow(1024.0, static_cast<double>(p + 1));
      unit.remove_prefix(1);
      if (!unit.empty() && absl::ascii_tolower(unit[0]) == 'i') unit.remove_prefix(1);
    }
    if (!unit.empty() && absl::ascii_tolower(unit[0]) == 'b') unit.remove_prefix(1);
    if (!unit.empty()) return bad("unknown unit");
  }
  double bytes = value * mult;
  // 2^64 is exactly representable; anything at or above it does not fit.
  if (!(bytes < 18446744073709551616.0)) {
    return absl::OutOfRangeError(
        absl::StrCat("byte size ", internal::QuoteForError(text), " does not fit in 64 bits"));
  }
  return static_cast<uint64_t>(bytes);
}

absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  // RFC3339_full accepts any number of fractional digits and "Z" or an offset; reject the
  // whitespace absl tolerates around the value, which Go never writes.
  if (text.empty() || absl::ascii_isspace(text.front()) || absl::ascii_isspace(text.back()) ||
      !absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid RFC3339 time ", internal::QuoteForError(text), err.empty() ? "" : ": ", err));
  }
  return t;
}

bool IsGoZeroTime(absl::Time t) {
  static const absl::Time kZero =
      absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  return t == kZero;
}

namespace internal {

std::string QuoteForError(absl::string_view text) {
  std::string escaped = absl::CEscape(text.substr(0, 64));
  return absl::StrCat("\"", escaped, text.size() > 64 ? "...\"" : "\"");
}

}  // namespace internal
}  // namespace ops::tikv
