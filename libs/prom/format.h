// Number and string formatting for writing the Prometheus text exposition format the way the Go
// client (client_golang's expfmt) writes it, so our /metrics reads like PD's.
//
// All functions are pure and thread-safe.
#ifndef OPS_LIBS_PROM_FORMAT_H_
#define OPS_LIBS_PROM_FORMAT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ops::prom {

// Appends `value` as Go's strconv.FormatFloat(value, 'g', -1, 64) does, with expfmt's spellings
// "+Inf", "-Inf" and "NaN": the shortest digits that round-trip, in exponent form (at least two
// exponent digits) when the decimal exponent is < -4 or >= 6, otherwise plain with no trailing
// ".0". Examples: 0 → "0", 3 → "3", 0.005 → "0.005", 1.52e-05 → "1.52e-05",
// 123456 → "123456", 1634094872.6 → "1.6340948726e+09".
void AppendValue(double value, std::string* out);

// Returns AppendValue's text as a string.
std::string FormatValue(double value);

// Appends a label value escaped for the inside of double quotes: \ → \\, " → \", newline → \n.
void AppendEscapedLabelValue(absl::string_view value, std::string* out);

// Appends HELP text escaped: \ → \\, newline → \n.
void AppendEscapedHelp(absl::string_view help, std::string* out);

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_FORMAT_H_
