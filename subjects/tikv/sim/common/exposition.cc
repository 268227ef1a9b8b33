// Prometheus text writer for the simulator; see exposition.h.
#include "subjects/tikv/sim/common/exposition.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace ops::sim {
namespace {

// Shortest round-trip digits in fixed notation (Rust's f64 Display).
std::string FixedShortest(double value) {
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

// Go strconv.FormatFloat(v, 'g', -1, 64): shortest round-trip digits; for the shortest form
// the exponent threshold is 6, so %e is used when the decimal exponent is < -4 or >= 6,
// with at least two exponent digits (1.52e-05, 6.2725623808e+10).
std::string GoShortest(double value) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-6.2725623808e+10"
  size_t e = sci.find('e');
  int exp = std::atoi(sci.c_str() + e + 1);
  if (exp < -4 || exp >= 6) {
    std::string out = sci.substr(0, e);
    out += 'e';
    out += exp < 0 ? '-' : '+';
    int a = std::abs(exp);
    if (a < 10) out += '0';
    absl::StrAppend(&out, a);
    return out;
  }
  return FixedShortest(value);
}

std::string EscapeLabelValue(absl::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string FormatFloat(double value, FloatStyle style) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (style == FloatStyle::kRust) return FixedShortest(value);
  return GoShortest(value);
}

ExpositionWriter::ExpositionWriter(FloatStyle style) : style_(style) {}

void ExpositionWriter::Family(absl::string_view name, absl::string_view help,
                              absl::string_view type) {
  // HELP text escaping per the text format: backslash and newline.
  std::string h;
  for (char c : help) {
    if (c == '\\') {
      h += "\\\\";
    } else if (c == '\n') {
      h += "\\n";
    } else {
      h += c;
    }
  }
  absl::StrAppend(&out_, "# HELP ", name, " ", h, "\n# TYPE ", name, " ", type, "\n");
}

void ExpositionWriter::Sample(absl::string_view name, const LabelPairs& labels, double value) {
  out_.append(name.data(), name.size());
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      absl::StrAppend(&out_, k, "=\"", EscapeLabelValue(v), "\"");
    }
    out_ += '}';
  }
  absl::StrAppend(&out_, " ", FormatFloat(value, style_), "\n");
}

void ExpositionWriter::Histogram(absl::string_view name, const LabelPairs& labels,
                                 const std::vector<double>& bounds,
                                 const std::vector<double>& bucket_counts, double sum,
                                 double count) {
  std::string bucket = absl::StrCat(name, "_bucket");
  for (size_t i = 0; i < bounds.size(); ++i) {
    LabelPairs l = labels;
    l.emplace_back("le", FormatFloat(bounds[i], style_));
    Sample(bucket, l, i < bucket_counts.size() ? bucket_counts[i] : count);
  }
  LabelPairs inf = labels;
  inf.emplace_back("le", "+Inf");
  Sample(bucket, inf, count);
  Sample(absl::StrCat(name, "_sum"), labels, sum);
  Sample(absl::StrCat(name, "_count"), labels, count);
}

std::string ExpositionWriter::Take() {
  std::string out;
  out.swap(out_);
  return out;
}

void SortedFamilies::Family(absl::string_view name, absl::string_view help,
                            absl::string_view type) {
  Flush();
  name_ = std::string(name);
  w_.Family(name, help, type);
}

std::string SortedFamilies::Take() {
  Flush();
  std::string out;
  for (const auto& [name, text] : done_) out += text;
  done_.clear();
  return out;
}

void SortedFamilies::Flush() {
  if (name_.empty()) return;
  std::string text = w_.Take();
  // "# HELP" and "# TYPE" alone: no series, so the family is left out as real encoders do.
  if (std::count(text.begin(), text.end(), '\n') > 2) done_[name_] = std::move(text);
  name_.clear();
}

}  // namespace ops::sim
