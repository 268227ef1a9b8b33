// Text building blocks for terminal output, independent of any service: display width and
// truncation of UTF-8 text, word wrapping, relative ages ("3m20s ago"), ANSI colour by role,
// and an aligned table that fits a terminal width. Everything renders to strings so tests can
// compare output exactly.
//
// Pure functions and value types; thread-compatible.
#ifndef OPS_CLIENTS_CLI_FORMAT_H_
#define OPS_CLIENTS_CLI_FORMAT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::cli {

// What a piece of text means; the palette maps roles to ANSI colours. Roles, not colours, so
// monochrome output still reads well and the palette can change in one place.
enum class ColorRole { kNone, kCritical, kWarning, kInfo, kOk, kMuted, kBold };

// `text` wrapped in the role's ANSI escape when `enabled` and the role has a colour.
std::string Colorize(absl::string_view text, ColorRole role, bool enabled);

// Number of terminal columns `text` takes: one per UTF-8 code point (combining and wide
// characters are not special-cased).
size_t DisplayWidth(absl::string_view text);

// `text` cut to at most `width` columns, ending in "…" (after any trailing spaces are dropped)
// when something was cut. Never splits a UTF-8 sequence. Newlines and tabs become spaces so a
// cell stays on one line.
std::string Truncate(absl::string_view text, size_t width);

// `text` word-wrapped at `width` columns, lines joined with '\n' (no trailing newline).
// Existing newlines are kept; words longer than `width` stay whole.
std::string WrapText(absl::string_view text, size_t width);

// How long ago `then` was, relative to `now`: "just now" within a second, "45s ago",
// "3m20s ago", "12m ago", "2h5m ago", "1d4h ago", "15d ago"; two units while the first is
// below 10, one unit otherwise. Times in the future read "in 5s". InfinitePast reads "-".
std::string FormatAge(absl::Time now, absl::Time then);

// A duration for humans: "500ms", "2s", "1.5s", "1m30s".
std::string HumanDuration(absl::Duration d);

// A cell of a table: its text and how to colour it.
struct Cell {
  std::string text;
  ColorRole role = ColorRole::kNone;

  Cell(std::string t) : text(std::move(t)) {}  // NOLINT: implicit for brace lists of strings
  Cell(const char* t) : text(t) {}             // NOLINT
  Cell(std::string t, ColorRole r) : text(std::move(t)), role(r) {}
};

// One line of cells in columns of the given widths, two spaces apart, ending in '\n' with no
// trailing spaces. Cells longer than their column are truncated with "…". The last column
// takes whatever `total_width` leaves (at least 8 columns); with `total_width` 0 it keeps its
// width, and a width of 0 there means "never cut". `widths` must have one entry per cell.
std::string RenderRow(const std::vector<Cell>& cells, const std::vector<size_t>& widths,
                      size_t total_width, bool color);

// Columns aligned on the widest cell, separated by two spaces; no trailing spaces. When a
// width is given and the table is too wide, the flexible column (the last by default) shrinks,
// down to a minimum of 8 columns, and its cells are truncated with "…".
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Adds one row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<Cell> cells);
  // The column that absorbs truncation.
  void set_flexible_column(size_t column) { flexible_ = column; }
  size_t rows() const { return rows_.size(); }

  // The header (in bold when `color`) and every row, each line ending in '\n'. `width` 0 means
  // no limit.
  std::string Render(size_t width, bool color) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
  size_t flexible_;
};

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_FORMAT_H_
