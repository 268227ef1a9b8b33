#include "subjects/tikv/sim/pd/go_format.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace ops::sim {
namespace {

// Writes v (< 10^digits_after... ) as Go's fmtFrac: the `prec` low decimal digits of v as a
// fraction with trailing zeros dropped; returns the integer part. Mirrors time.fmtFrac.
uint64_t FracPart(uint64_t v, int prec, std::string* frac) {
  bool print = false;
  std::string digits;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  *frac = print ? absl::StrCat(".", digits) : "";
  return v;
}

}  // namespace

std::string GoByteSize(double bytes) {
  static const char* const kUnits[] = {"B",   "KiB", "MiB", "GiB", "TiB",
                                       "PiB", "EiB", "ZiB", "YiB"};
  int i = 0;
  while (bytes >= 1024.0 && i < 8) {
    bytes /= 1024.0;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.4g%s", bytes, kUnits[i]);
  return buf;
}

std::string GoDuration(absl::Duration d) {
  int64_t ns = absl::ToInt64Nanoseconds(d);
  if (ns == 0) return "0s";
  bool neg = ns < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  std::string out;
  if (u < 1000000000ULL) {
    // Sub-second: one unit with a fraction (Go: ns, µs, ms).
    std::string frac;
    const char* unit;
    int prec;
    if (u < 1000ULL) {
      return absl::StrCat(neg ? "-" : "", u, "ns");
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";  // µs, as Go writes it
    } else {
      prec = 6;
      unit = "ms";
    }
    uint64_t whole = FracPart(u, prec, &frac);
    return absl::StrCat(neg ? "-" : "", whole, frac, unit);
  }
  std::string frac;
  uint64_t secs_total = FracPart(u, 9, &frac);
  uint64_t secs = secs_total % 60;
  uint64_t mins_total = secs_total / 60;
  out = absl::StrCat(secs, frac, "s");
  if (mins_total > 0) {
    uint64_t mins = mins_total % 60;
    uint64_t hours = mins_total / 60;
    out = absl::StrCat(mins, "m", out);
    if (hours > 0) out = absl::StrCat(hours, "h", out);
  }
  return absl::StrCat(neg ? "-" : "", out);
}

std::string GoRfc3339Nano(absl::Time t) {
  std::string base = absl::FormatTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone());
  absl::Duration sub = t - absl::FromUnixSeconds(absl::ToUnixSeconds(t));
  int64_t nanos = absl::ToInt64Nanoseconds(sub);
  if (nanos < 0) nanos += 1000000000;  // ToUnixSeconds floors; keep the fraction positive
  std::string frac;
  if (nanos > 0) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%09lld", static_cast<long long>(nanos));
    frac = buf;
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    frac = absl::StrCat(".", frac);
  }
  return absl::StrCat(base, frac, "Z");
}

std::string GoTimeString(absl::Time t, absl::TimeZone tz, absl::Time monotonic_base) {
  if (t == absl::InfinitePast()) return "0001-01-01 00:00:00 +0000 UTC";
  std::string out = absl::FormatTime("%Y-%m-%d %H:%M:%S", t, tz);
  int64_t nanos = absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(absl::ToUnixSeconds(t)));
  if (nanos < 0) nanos += 1000000000;
  if (nanos > 0) {  // Go's ".999999999": trailing zeros dropped
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%09lld", static_cast<long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    absl::StrAppend(&out, ".", frac);
  }
  absl::StrAppend(&out, " ", absl::FormatTime("%z %Z", t, tz));
  if (monotonic_base != absl::InfinitePast()) {
    char buf[48];
    std::snprintf(buf, sizeof(buf), " m=%+.9f", absl::ToDoubleSeconds(t - monotonic_base));
    out += buf;
  }
  return out;
}

nlohmann::ordered_json GoFloat(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9.0e15) {
    return static_cast<int64_t>(v);
  }
  return v;
}

}  // namespace ops::sim
