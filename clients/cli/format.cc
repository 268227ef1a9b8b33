#include "clients/cli/format.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ops::cli {
namespace {

constexpr absl::string_view kEllipsis = "\xE2\x80\xA6";  // "…", one column
constexpr size_t kMinFlexibleWidth = 8;
constexpr size_t kGap = 2;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Largest whole units of `d` with their suffixes: days, hours, minutes, seconds.
std::string TwoUnits(absl::Duration d) {
  struct Unit {
    absl::Duration size;
    const char* suffix;
  };
  static const Unit kUnits[] = {{absl::Hours(24), "d"},
                                {absl::Hours(1), "h"},
                                {absl::Minutes(1), "m"},
                                {absl::Seconds(1), "s"}};
  for (size_t i = 0; i < std::size(kUnits); ++i) {
    const int64_t major = absl::IDivDuration(d, kUnits[i].size, &d);
    if (major == 0) continue;
    std::string out = absl::StrCat(major, kUnits[i].suffix);
    if (major < 10 && i + 1 < std::size(kUnits)) {
      const int64_t minor = absl::IDivDuration(d, kUnits[i + 1].size, &d);
      if (minor > 0) absl::StrAppend(&out, minor, kUnits[i + 1].suffix);
    }
    return out;
  }
  return "0s";
}

}  // namespace

std::string Colorize(absl::string_view text, ColorRole role, bool enabled) {
  const char* code = nullptr;
  switch (role) {
    case ColorRole::kCritical:
      code = "1;31";
      break;
    case ColorRole::kWarning:
      code = "33";
      break;
    case ColorRole::kInfo:
      code = "36";
      break;
    case ColorRole::kOk:
      code = "32";
      break;
    case ColorRole::kMuted:
      code = "2";
      break;
    case ColorRole::kBold:
      code = "1";
      break;
    case ColorRole::kNone:
      break;
  }
  if (!enabled || code == nullptr || text.empty()) return std::string(text);
  return absl::StrCat("\x1b[", code, "m", text, "\x1b[0m");
}

size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); });
}

std::string Truncate(absl::string_view text, size_t width) {
  std::string flat(text);
  std::replace_if(
      flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  if (DisplayWidth(flat) <= width) return flat;
  if (width == 0) return "";
  // Keep width-1 code points, then the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  while (end < flat.size()) {
    size_t next = end + 1;
    while (next < flat.size() && IsContinuationByte(flat[next])) ++next;
    if (kept + 1 > width - 1) break;
    ++kept;
    end = next;
  }
  // "a long…" reads better than "a long …".
  while (end > 0 && flat[end - 1] == ' ') --end;
  return absl::StrCat(flat.substr(0, end), kEllipsis);
}

std::string WrapText(absl::string_view text, size_t width) {
  std::vector<std::string> lines;
  for (absl::string_view paragraph : absl::StrSplit(text, '\n')) {
    std::string line;
    for (absl::string_view word : absl::StrSplit(paragraph, ' ', absl::SkipEmpty())) {
      if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
        lines.push_back(std::move(line));
        line.clear();
      }
      absl::StrAppend(&line, line.empty() ? "" : " ", word);
    }
    lines.push_back(std::move(line));
  }
  return absl::StrJoin(lines, "\n");
}

std::string FormatAge(absl::Time now, absl::Time then) {
  if (then == absl::InfinitePast()) return "-";
  const absl::Duration d = now - then;
  if (absl::AbsDuration(d) < absl::Seconds(1)) return "just now";
  if (d < absl::ZeroDuration()) return absl::StrCat("in ", TwoUnits(-d));
  return absl::StrCat(TwoUnits(d), " ago");
}

std::string HumanDuration(absl::Duration d) {
  if (d < absl::Seconds(1)) return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  if (d < absl::Minutes(1)) {
    return absl::StrFormat("%gs", absl::ToDoubleMilliseconds(d) / 1000.0);
  }
  return TwoUnits(d);
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), flexible_(headers_.empty() ? 0 : headers_.size() - 1) {}

void Table::AddRow(std::vector<Cell> cells) {
  cells.resize(headers_.size(), Cell(""));
  rows_.push_back(std::move(cells));
}

std::string Table::Render(size_t width, bool color) const {
  const size_t n = headers_.size();
  std::vector<size_t> widths(n);
  for (size_t c = 0; c < n; ++c) {
    widths[c] = DisplayWidth(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c].text));
  }
  if (width > 0 && n > 0 && flexible_ < n) {
    size_t total = kGap * (n - 1);
    for (size_t w : widths) total += w;
    if (total > width) {
      const size_t excess = total - width;
      const size_t floor = std::min(widths[flexible_], kMinFlexibleWidth);
      widths[flexible_] =
          std::max(floor, widths[flexible_] > excess ? widths[flexible_] - excess : size_t{0});
    }
  }
  std::vector<Cell> header;
  for (const std::string& h : headers_) header.emplace_back(h, ColorRole::kBold);
  // The widths already fit the terminal.
  std::string out = RenderRow(header, widths, 0, color);
  for (const auto& row : rows_) out += RenderRow(row, widths, 0, color);
  return out;
}

std::string RenderRow(const std::vector<Cell>& cells, const std::vector<size_t>& widths,
                      size_t total_width, bool color) {
  std::string line;
  size_t used = 0;
  for (size_t c = 0; c < cells.size(); ++c) {
    const bool last = c + 1 == cells.size();
    size_t column = widths[c];
    if (last) {
      if (total_width > 0) {
        column = std::max(kMinFlexibleWidth, total_width > used ? total_width - used : 0);
      } else if (column == 0) {
        column = DisplayWidth(cells[c].text);
      }
    }
    const std::string text = Truncate(cells[c].text, column);
    absl::StrAppend(&line, Colorize(text, cells[c].role, color));
    if (!last) {
      line.append(column - std::min(column, DisplayWidth(text)) + kGap, ' ');
      used += column + kGap;
    }
  }
  // Empty trailing cells would leave spaces behind.
  line.erase(line.find_last_not_of(' ') + 1);
  return line + "\n";
}

}  // namespace ops::cli
