#include "libs/prom/text_parser.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ops::prom {
namespace {

// Character classes, one bit each, looked up per byte while scanning names.
constexpr uint8_t kNameStart = 1;      // [a-zA-Z_:]
constexpr uint8_t kNameChar = 2;       // [a-zA-Z0-9_:]
constexpr uint8_t kLabelStart = 4;     // [a-zA-Z_]
constexpr uint8_t kLabelChar = 8;      // [a-zA-Z0-9_]
constexpr uint8_t kValueSpecial = 16;  // '"' and '\\' end the fast scan of a label value.

constexpr std::array<uint8_t, 256> MakeCharClass() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (alpha || c == ':') t[c] |= kNameStart | kNameChar;
    if (digit) t[c] |= kNameChar | kLabelChar;
    if (alpha) t[c] |= kLabelStart | kLabelChar;
    if (c == '"' || c == '\\') t[c] |= kValueSpecial;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kCharClass = MakeCharClass();

inline bool Is(char c, uint8_t cls) { return kCharClass[static_cast<unsigned char>(c)] & cls; }
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }
inline const char* SkipBlanks(const char* p, const char* end) {
  while (p < end && IsBlank(*p)) ++p;
  return p;
}
inline const char* SkipToken(const char* p, const char* end) {
  while (p < end && !IsBlank(*p)) ++p;
  return p;
}
// Scans a metric name starting at p; returns p itself when there is none.
inline const char* ScanMetricName(const char* p, const char* end) {
  if (p >= end || !Is(*p, kNameStart)) return p;
  ++p;
  while (p < end && Is(*p, kNameChar)) ++p;
  return p;
}

bool ParseTimestamp(absl::string_view text, int64_t* out) {
  const char* b = text.data();
  const char* e = b + text.size();
  auto [ptr, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && ptr == e;
}

bool ParseTypeName(absl::string_view s, MetricType* type) {
  static constexpr std::pair<absl::string_view, MetricType> kTypes[] = {
      {"counter", MetricType::kCounter},     {"gauge", MetricType::kGauge},
      {"histogram", MetricType::kHistogram}, {"summary", MetricType::kSummary},
      {"untyped", MetricType::kUntyped},
  };
  for (const auto& [name, t] : kTypes) {
    if (absl::EqualsIgnoreCase(s, name)) {
      *type = t;
      return true;
    }
  }
  return false;
}

// Whether `suffix` (what follows the family name in a sample name) is legal for `type`.
bool SuffixBelongs(absl::string_view suffix, MetricType type) {
  switch (type) {
    case MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
    case MetricType::kSummary:
      return suffix == "_sum" || suffix == "_count";
    case MetricType::kCounter:
      return suffix == "_total";
    default:
      return false;
  }
}

}  // namespace

bool ParseSampleValue(absl::string_view text, double* value) {
  const char* b = text.data();
  const char* e = b + text.size();
  // from_chars rejects a leading '+', which Go (and thus "+Inf") uses.
  if (b < e && *b == '+') {
    ++b;
    if (b < e && (*b == '-' || *b == '+')) return false;
  }
  if (b == e) return false;
  auto [ptr, ec] = std::from_chars(b, e, *value);
  if (ptr != e) return false;
  if (ec == std::errc::result_out_of_range) {
    // Go accepts underflow (as 0 or a denormal) and rejects overflow; from_chars rejects both.
    errno = 0;
    double v = std::strtod(std::string(b, e).c_str(), nullptr);
    if (std::isinf(v)) return false;
    *value = v;
    return true;
  }
  return ec == std::errc();
}

absl::Status TextParser::Error(absl::string_view what) const {
  constexpr size_t kMaxExcerpt = 60;
  absl::string_view excerpt = line_text_.substr(0, kMaxExcerpt);
  return absl::InvalidArgumentError(absl::StrCat("line ", line_, ": ", what, ": \"",
                                                 absl::CHexEscape(excerpt),
                                                 line_text_.size() > kMaxExcerpt ? "...\"" : "\""));
}

TextParser::FamilyState* TextParser::GetOrAddFamily(absl::string_view name) {
  auto [it, inserted] = family_index_.try_emplace(name, families_.size());
  if (inserted) {
    families_.emplace_back();
    families_.back().name = name;
  }
  current_ = it->second;
  return &families_[current_];
}

TextParser::FamilyState* TextParser::FamilyForSample(absl::string_view name) {
  // Fast path: consecutive samples almost always belong to the family of the previous line.
  if (!families_.empty()) {
    FamilyState& cur = families_[current_];
    if (absl::StartsWith(name, cur.name)) {
      absl::string_view suffix = name.substr(cur.name.size());
      if (suffix.empty() || SuffixBelongs(suffix, cur.type)) return &cur;
    }
  }
  if (auto it = family_index_.find(name); it != family_index_.end()) {
    current_ = it->second;
    return &families_[current_];
  }
  // A histogram/summary/counter family declared earlier, its samples not adjacent to it.
  size_t underscore = name.rfind('_');
  if (underscore != absl::string_view::npos && underscore > 0) {
    auto it = family_index_.find(name.substr(0, underscore));
    if (it != family_index_.end() &&
        SuffixBelongs(name.substr(underscore), families_[it->second].type)) {
      current_ = it->second;
      return &families_[current_];
    }
  }
  return GetOrAddFamily(name);
}

absl::Status TextParser::Parse(absl::string_view text, ParseVisitor& visitor) {
  family_index_.clear();
  families_.clear();
  current_ = 0;
  line_ = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    ++line_;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl != nullptr ? nl : end;
    const char* next = nl != nullptr ? nl + 1 : end;
    // CRLF and trailing whitespace are tolerated.
    while (line_end > p && (IsBlank(line_end[-1]) || line_end[-1] == '\r')) --line_end;
    line_text_ = absl::string_view(p, line_end - p);
    const char* q = SkipBlanks(p, line_end);
    if (q < line_end) {
      absl::Status status =
          *q == '#' ? ParseComment(q + 1, line_end, visitor) : ParseSample(q, line_end, visitor);
      if (!status.ok()) return status;
    }
    p = next;
  }
  return absl::OkStatus();
}

absl::Status TextParser::ParseComment(const char* p, const char* end, ParseVisitor& visitor) {
  p = SkipBlanks(p, end);
  const char* word_end = SkipToken(p, end);
  absl::string_view word(p, word_end - p);
  bool is_help = word == "HELP";
  if (!is_help && word != "TYPE") return absl::OkStatus();  // An ordinary comment.

  p = SkipBlanks(word_end, end);
  const char* name_end = ScanMetricName(p, end);
  if (name_end == p || (name_end < end && !IsBlank(*name_end))) {
    return Error(absl::StrCat("invalid metric name in ", word, " line"));
  }
  absl::string_view name(p, name_end - p);
  p = SkipBlanks(name_end, end);
  FamilyState* family = GetOrAddFamily(name);

  if (is_help) {
    if (family->has_help) return Error(absl::StrCat("duplicate HELP line for ", name));
    family->has_help = true;
    // HELP knows two escapes: backslash and newline.
    const char* backslash = static_cast<const char*>(std::memchr(p, '\\', end - p));
    if (backslash == nullptr) {
      visitor.OnHelp(name, absl::string_view(p, end - p));
      return absl::OkStatus();
    }
    scratch_.clear();
    for (; p < end; ++p) {
      if (*p != '\\') {
        scratch_.push_back(*p);
        continue;
      }
      if (++p == end || (*p != '\\' && *p != 'n')) {
        return Error("invalid escape sequence in HELP");
      }
      scratch_.push_back(*p == 'n' ? '\n' : '\\');
    }
    visitor.OnHelp(name, scratch_);
    return absl::OkStatus();
  }

  const char* type_end = SkipToken(p, end);
  MetricType type;
  if (p == type_end) return Error("missing type in TYPE line");
  if (!ParseTypeName(absl::string_view(p, type_end - p), &type)) {
    return Error("unknown metric type");
  }
  if (SkipBlanks(type_end, end) != end) return Error("unexpected text after TYPE");
  if (family->has_type) return Error(absl::StrCat("duplicate TYPE line for ", name));
  if (family->has_samples) return Error(absl::StrCat("TYPE line for ", name, " after its samples"));
  family->has_type = true;
  family->type = type;
  visitor.OnType(name, type);
  return absl::OkStatus();
}

absl::Status TextParser::ParseLabels(const char** pp, const char* end) {
  const char* p = *pp + 1;  // Past '{'.
  // An unescaped value is never longer than the line; sizing once keeps views stable.
  if (scratch_.size() < static_cast<size_t>(end - p)) scratch_.resize(end - p);
  char* out = scratch_.data();
  while (true) {
    p = SkipBlanks(p, end);
    if (p >= end) return Error("unterminated label set");
    if (*p == '}') break;
    if (!Is(*p, kLabelStart)) return Error("invalid label name");
    const char* name_begin = p;
    while (++p < end && Is(*p, kLabelChar)) {
    }
    absl::string_view name(name_begin, p - name_begin);
    p = SkipBlanks(p, end);
    if (p >= end || *p != '=') return Error("expected '=' after label name");
    p = SkipBlanks(p + 1, end);
    if (p >= end || *p != '"') return Error("expected '\"' to start label value");
    const char* value_begin = ++p;
    while (p < end && !Is(*p, kValueSpecial)) ++p;
    absl::string_view value;
    if (p < end && *p == '"') {
      value = absl::string_view(value_begin, p - value_begin);
    } else {
      // Slow path: escapes; unescape into scratch_.
      char* out_begin = out;
      std::memcpy(out, value_begin, p - value_begin);
      out += p - value_begin;
      while (p < end && *p != '"') {
        if (*p != '\\') {
          *out++ = *p++;
          continue;
        }
        if (++p == end) break;
        switch (*p) {
          case '\\':
          case '"':
            *out++ = *p;
            break;
          case 'n':
            *out++ = '\n';
            break;
          default:
            return Error("invalid escape sequence in label value");
        }
        ++p;
      }
      value = absl::string_view(out_begin, out - out_begin);
    }
    if (p >= end) return Error("unterminated label value");
    ++p;  // Past the closing quote.
    labels_.push_back({name, value});
    p = SkipBlanks(p, end);
    if (p < end && *p == ',') {
      ++p;  // A trailing comma before '}' is allowed.
    } else if (p >= end || *p != '}') {
      return Error("expected ',' or '}' after label value");
    }
  }
  *pp = p + 1;  // Past '}'.
  return absl::OkStatus();
}

absl::Status TextParser::ParseSample(const char* p, const char* end, ParseVisitor& visitor) {
  const char* name_end = ScanMetricName(p, end);
  if (name_end == p) return Error("invalid metric name");
  absl::string_view name(p, name_end - p);
  p = SkipBlanks(name_end, end);
  labels_.clear();
  if (p < end && *p == '{') {
    absl::Status status = ParseLabels(&p, end);
    if (!status.ok()) return status;
    p = SkipBlanks(p, end);
  } else if (p == name_end && p < end) {
    return Error("invalid metric name");
  }
  if (p >= end) return Error("missing value");
  const char* value_end = SkipToken(p, end);
  SampleView sample;
  if (!ParseSampleValue(absl::string_view(p, value_end - p), &sample.value)) {
    return Error("unparsable value");
  }
  p = SkipBlanks(value_end, end);
  sample.has_timestamp = p < end;
  sample.timestamp_ms = 0;
  if (sample.has_timestamp) {
    const char* ts_end = SkipToken(p, end);
    if (!ParseTimestamp(absl::string_view(p, ts_end - p), &sample.timestamp_ms)) {
      return Error("bad timestamp");
    }
    if (SkipBlanks(ts_end, end) != end) return Error("unexpected text after timestamp");
  }
  FamilyState* family = FamilyForSample(name);
  family->has_samples = true;
  sample.family = family->name;
  sample.type = family->type;
  sample.name = name;
  sample.labels = labels_;
  sample.line = line_;
  visitor.OnSample(sample);
  return absl::OkStatus();
}

namespace {

// Builds owned families; the visitor behind ParseFamilies().
class FamilyBuilder : public ParseVisitor {
 public:
  void OnHelp(absl::string_view family, absl::string_view help) override {
    Get(family).help = std::string(help);
  }
  void OnType(absl::string_view family, MetricType type) override { Get(family).type = type; }
  void OnSample(const SampleView& s) override {
    MetricFamily& family = Get(s.family);
    family.type = s.type;
    Sample& sample = family.samples.emplace_back();
    sample.name = std::string(s.name);
    sample.labels.reserve(s.labels.size());
    for (const LabelView& l : s.labels) {
      sample.labels.push_back({std::string(l.name), std::string(l.value)});
    }
    sample.value = s.value;
    if (s.has_timestamp) sample.timestamp_ms = s.timestamp_ms;
  }
  std::vector<MetricFamily> Take() && { return std::move(families_); }

 private:
  MetricFamily& Get(absl::string_view name) {
    if (last_ < families_.size() && families_[last_].name == name) return families_[last_];
    auto [it, inserted] = index_.try_emplace(std::string(name), families_.size());
    if (inserted) families_.emplace_back().name = std::string(name);
    last_ = it->second;
    return families_[last_];
  }

  std::vector<MetricFamily> families_;
  absl::flat_hash_map<std::string, size_t> index_;
  size_t last_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<MetricFamily>> ParseFamilies(absl::string_view text) {
  FamilyBuilder builder;
  TextParser parser;
  absl::Status status = parser.Parse(text, builder);
  if (!status.ok()) return status;
  return std::move(builder).Take();
}

}  // namespace ops::prom
