#include "libs/prom/format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ops::prom {

void AppendValue(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  if (value == 0) {
    out->push_back('0');  // Also for -0, as expfmt writes it.
    return;
  }
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e[+-]xx.
  char sci[32];
  char* sci_end =
      std::to_chars(sci, sci + sizeof(sci) - 1, value, std::chars_format::scientific).ptr;
  *sci_end = '\0';  // For atoi below.
  const char* p = sci;
  if (*p == '-') {
    out->push_back('-');
    ++p;
  }
  char digits[20];
  int num_digits = 0;
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[num_digits++] = *p;
  }
  int exp = std::atoi(p + 1);
  if (exp < -4 || exp >= 6) {
    out->push_back(digits[0]);
    if (num_digits > 1) {
      out->push_back('.');
      out->append(digits + 1, num_digits - 1);
    }
    out->push_back('e');
    out->push_back(exp < 0 ? '-' : '+');
    int abs_exp = std::abs(exp);
    if (abs_exp < 10) out->push_back('0');
    out->append(std::to_string(abs_exp));
    return;
  }
  if (exp < 0) {
    out->append("0.");
    out->append(-exp - 1, '0');
    out->append(digits, num_digits);
    return;
  }
  // 0 <= exp < 6: integer part has exp + 1 digits, padded with zeros if needed.
  int int_digits = exp + 1;
  if (num_digits <= int_digits) {
    out->append(digits, num_digits);
    out->append(int_digits - num_digits, '0');
    return;
  }
  out->append(digits, int_digits);
  out->push_back('.');
  out->append(digits + int_digits, num_digits - int_digits);
}

std::string FormatValue(double value) {
  std::string out;
  AppendValue(value, &out);
  return out;
}

void AppendEscapedLabelValue(absl::string_view value, std::string* out) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendEscapedHelp(absl::string_view help, std::string* out) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace ops::prom
