// Parser for the Prometheus text exposition format 0.0.4 (`text/plain; version=0.0.4`), as
// served on TiKV's and PD's /metrics.
//
// Two entry points:
//  - `TextParser::Parse(text, visitor)`: one pass over the buffer, no per-sample allocation;
//    the visitor sees string views into the input (or into the parser's scratch space for
//    unescaped label values). Use it on hot scrape paths.
//  - `ParseFamilies(text)`: convenience that builds owned `MetricFamily` structures.
//
// Family assignment follows the Go client's parser: a sample belongs to the family named by the
// preceding `# TYPE`/`# HELP` when its name is that family's name or, for histograms, that name
// plus `_bucket`/`_sum`/`_count` (summaries: `_sum`/`_count`; counters also `_total`); a sample
// whose family was never declared forms an untyped family of its own name.
//
// Errors are INVALID_ARGUMENT with "line N: <what>: <excerpt>": bad metric or label name,
// unterminated label value, invalid escape, missing or unparsable value, bad timestamp,
// unknown TYPE, duplicate TYPE/HELP for a family, TYPE after the family's samples.
#ifndef OPS_LIBS_PROM_TEXT_PARSER_H_
#define OPS_LIBS_PROM_TEXT_PARSER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "libs/prom/metric_family.h"

namespace ops::prom {

struct LabelView {
  absl::string_view name;
  absl::string_view value;  // Unescaped.
};

// One sample as seen by a ParseVisitor. All views are valid only during the callback.
struct SampleView {
  absl::string_view family;            // Name of the family the sample belongs to.
  MetricType type;                     // That family's type.
  absl::string_view name;              // Sample name, e.g. "x_bucket".
  absl::Span<const LabelView> labels;  // In input order.
  double value;
  bool has_timestamp;
  int64_t timestamp_ms;  // Meaningful only when has_timestamp.
  int line;              // 1-based line number in the input.
};

// Receives the contents of a body in input order. Views passed to a callback are valid only
// during that callback. Called on the thread that runs Parse().
class ParseVisitor {
 public:
  virtual ~ParseVisitor() = default;
  // A `# HELP` line; `help` is unescaped.
  virtual void OnHelp(absl::string_view family, absl::string_view help) {}
  // A `# TYPE` line.
  virtual void OnType(absl::string_view family, MetricType type) {}
  // A sample line.
  virtual void OnSample(const SampleView& sample) = 0;
};

// Reusable parser. Keeping one per scrape loop reuses its scratch buffers across bodies.
// Not thread-safe: use one instance per thread.
class TextParser {
 public:
  // Parses a whole exposition body, calling `visitor` for each HELP, TYPE and sample line.
  // On error the visitor may already have seen the lines before the bad one.
  absl::Status Parse(absl::string_view text, ParseVisitor& visitor);

 private:
  struct FamilyState {
    absl::string_view name;
    MetricType type = MetricType::kUntyped;
    bool has_type = false;
    bool has_help = false;
    bool has_samples = false;
  };

  absl::Status ParseComment(const char* p, const char* end, ParseVisitor& visitor);
  absl::Status ParseSample(const char* p, const char* end, ParseVisitor& visitor);
  // Parses `{...}` starting at *p (which points at '{'), filling labels_; advances *p.
  absl::Status ParseLabels(const char** p, const char* end);
  FamilyState* FamilyForSample(absl::string_view name);
  FamilyState* GetOrAddFamily(absl::string_view name);
  absl::Status Error(absl::string_view what) const;

  // Keys and names view into the text being parsed; cleared by every Parse().
  absl::flat_hash_map<absl::string_view, size_t> family_index_;
  std::vector<FamilyState> families_;
  size_t current_ = 0;  // Index into families_ of the last family touched; valid if non-empty.
  std::vector<LabelView> labels_;
  std::string scratch_;  // Unescaped label values and HELP texts of the current line.
  int line_ = 0;
  absl::string_view line_text_;
};

// Parses `text` into families in order of first appearance. Same grammar and errors as
// TextParser::Parse. Thread-safe (no shared state).
absl::StatusOr<std::vector<MetricFamily>> ParseFamilies(absl::string_view text);

// Parses one sample value: decimal or exponent notation, optional sign, "+Inf", "-Inf", "NaN"
// (case-insensitive, as Go's strconv.ParseFloat). Returns false if `text` is not exactly that.
bool ParseSampleValue(absl::string_view text, double* value);

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_TEXT_PARSER_H_
