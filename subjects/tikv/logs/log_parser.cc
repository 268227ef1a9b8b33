// Unified log line parser; see log_parser.h. A single forward pass over the line with explicit
// bounds checks: every read goes through Peek()/Done(), so truncated or garbled input ends in an
// error, never past the end.
#include "subjects/tikv/logs/log_parser.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/status/status_macros.h"

namespace ops::tikv {
namespace {

class Cursor {
 public:
  explicit Cursor(absl::string_view s) : s_(s) {}

  bool Done() const { return pos_ >= s_.size(); }
  // The byte at the cursor, or '\0' at the end (callers check Done() where '\0' is legal).
  char Peek() const { return Done() ? '\0' : s_[pos_]; }
  void Advance() { ++pos_; }
  size_t pos() const { return pos_; }
  absl::string_view Slice(size_t from) const { return s_.substr(from, pos_ - from); }

  absl::Status Error(absl::string_view what) const { return ErrorAt(pos_, what); }
  absl::Status ErrorAt(size_t pos, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("column ", pos + 1, ": ", what));
  }

  // Consumes `c` or fails with "expected '<c>' <context>".
  absl::Status Expect(char c, absl::string_view context) {
    if (Done() || Peek() != c) {
      std::string found =
          Done() ? "end of line" : absl::StrCat("'", absl::CEscape(s_.substr(pos_, 1)), "'");
      return Error(absl::StrCat("expected '", std::string(1, c), "' ", context, ", found ", found));
    }
    Advance();
    return absl::OkStatus();
  }

  // Reads exactly `n` ASCII digits as a number.
  absl::Status Digits(int n, absl::string_view what, int* out) {
    const size_t start = pos_;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(Peek())) || Done()) {
        return ErrorAt(start, absl::StrCat("expected ", n, " digits of the ", what));
      }
      v = v * 10 + (Peek() - '0');
      Advance();
    }
    *out = v;
    return absl::OkStatus();
  }

 private:
  absl::string_view s_;
  size_t pos_ = 0;
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads the four hex digits of a \u escape.
absl::Status Hex4(Cursor& c, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    char h = c.Peek();
    if (c.Done() || !absl::ascii_isxdigit(static_cast<unsigned char>(h))) {
      return c.Error("expected 4 hex digits in \\u escape");
    }
    v = v * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(h))
                      ? h - '0'
                      : absl::ascii_tolower(static_cast<unsigned char>(h)) - 'a' + 10);
    c.Advance();
  }
  *out = v;
  return absl::OkStatus();
}

// Decodes a JSON string literal; the cursor is on the opening quote.
absl::Status QuotedString(Cursor& c, std::string* out) {
  const size_t open = c.pos();
  c.Advance();
  while (true) {
    if (c.Done()) return c.ErrorAt(open, "unterminated quoted string");
    char ch = c.Peek();
    if (ch == '"') {
      c.Advance();
      return absl::OkStatus();
    }
    if (ch != '\\') {
      out->push_back(ch);
      c.Advance();
      continue;
    }
    const size_t escape = c.pos();
    c.Advance();
    if (c.Done()) return c.ErrorAt(open, "unterminated quoted string");
    char e = c.Peek();
    c.Advance();
    switch (e) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        RETURN_IF_ERROR(Hex4(c, &cp));
        if (cp >= 0xDC00 && cp <= 0xDFFF) return c.ErrorAt(escape, "unpaired low surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low = 0;
          if (c.Peek() != '\\') return c.ErrorAt(escape, "unpaired high surrogate");
          c.Advance();
          if (c.Peek() != 'u') return c.ErrorAt(escape, "unpaired high surrogate");
          c.Advance();
          RETURN_IF_ERROR(Hex4(c, &low));
          if (low < 0xDC00 || low > 0xDFFF) return c.ErrorAt(escape, "unpaired high surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        return c.ErrorAt(escape,
                         absl::StrCat("invalid escape '\\", absl::CEscape(std::string(1, e)),
                                      "' in quoted string"));
    }
  }
}

// Reads a message, key or value: a quoted string, or raw bytes up to one of `stops` (not
// consumed). `what` names it in errors.
absl::Status Token(Cursor& c, absl::string_view stops, absl::string_view what, std::string* out) {
  if (c.Peek() == '"' && !c.Done()) {
    return QuotedString(c, out);
  }
  const size_t start = c.pos();
  while (!c.Done() && stops.find(c.Peek()) == absl::string_view::npos) c.Advance();
  if (c.Done()) return c.Error(absl::StrCat("unterminated ", what, ": expected ']'"));
  out->assign(c.Slice(start).data(), c.Slice(start).size());
  return absl::OkStatus();
}

// Moves past the " " (one or more) that separates sections; true when another section follows,
// false at the end of the line (trailing spaces allowed).
absl::StatusOr<bool> NextSection(Cursor& c, absl::string_view after) {
  if (c.Done()) return false;
  if (c.Peek() != ' ') {
    return c.Error(absl::StrCat("expected ' [' after ", after, ", found '",
                                absl::CEscape(std::string(1, c.Peek())), "'"));
  }
  while (c.Peek() == ' ' && !c.Done()) c.Advance();
  if (c.Done()) return false;
  RETURN_IF_ERROR(c.Expect('[', absl::StrCat("to open the section after ", after)));
  return true;
}

absl::Status Timestamp(Cursor& c, LogEvent* event) {
  RETURN_IF_ERROR(c.Expect('[', "at the start of a record"));
  const size_t start = c.pos();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  RETURN_IF_ERROR(c.Digits(4, "year", &year));
  RETURN_IF_ERROR(c.Expect('/', "after the year"));
  RETURN_IF_ERROR(c.Digits(2, "month", &month));
  RETURN_IF_ERROR(c.Expect('/', "after the month"));
  RETURN_IF_ERROR(c.Digits(2, "day", &day));
  RETURN_IF_ERROR(c.Expect(' ', "after the date"));
  RETURN_IF_ERROR(c.Digits(2, "hour", &hour));
  RETURN_IF_ERROR(c.Expect(':', "after the hour"));
  RETURN_IF_ERROR(c.Digits(2, "minute", &minute));
  RETURN_IF_ERROR(c.Expect(':', "after the minute"));
  RETURN_IF_ERROR(c.Digits(2, "second", &second));
  int64_t nanos = 0;
  if (c.Peek() == '.' && !c.Done()) {
    c.Advance();
    int digits = 0;
    while (absl::ascii_isdigit(static_cast<unsigned char>(c.Peek())) && !c.Done()) {
      if (++digits > 9) return c.Error("more than 9 digits in the fraction of a second");
      nanos = nanos * 10 + (c.Peek() - '0');
      c.Advance();
    }
    if (digits == 0) return c.Error("expected digits after '.' in the time");
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  RETURN_IF_ERROR(c.Expect(' ', "before the zone offset"));
  const size_t offset_pos = c.pos();
  const char sign = c.Peek();
  if (c.Done() || (sign != '+' && sign != '-'))
    return c.Error("expected '+' or '-' of the zone offset");
  c.Advance();
  int off_h = 0, off_m = 0;
  RETURN_IF_ERROR(c.Digits(2, "offset hours", &off_h));
  RETURN_IF_ERROR(c.Expect(':', "in the zone offset"));
  RETURN_IF_ERROR(c.Digits(2, "offset minutes", &off_m));
  if (off_h > 23 || off_m > 59) return c.ErrorAt(offset_pos, "zone offset out of range");
  RETURN_IF_ERROR(c.Expect(']', "to close the time"));

  // CivilSecond normalises silently (month 13 becomes January), so compare after building it.
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 ||
      civil.month() != month || civil.day() != day) {
    return c.ErrorAt(start, "date or time out of range");
  }
  const int offset = (sign == '-' ? -1 : 1) * (off_h * 3600 + off_m * 60);
  event->utc_offset_seconds = offset;
  event->time = absl::FromCivil(civil, absl::FixedTimeZone(offset)) + absl::Nanoseconds(nanos);
  return absl::OkStatus();
}

absl::Status Header(Cursor& c, LogEvent* event) {
  RETURN_IF_ERROR(Timestamp(c, event));
  ASSIGN_OR_RETURN(bool more, NextSection(c, "the time"));
  if (!more) return c.Error("expected ' [LEVEL]' after the time");
  const size_t level_pos = c.pos();
  std::string level;
  RETURN_IF_ERROR(Token(c, "]", "level", &level));
  std::optional<LogLevel> parsed = LogLevelFromName(level);
  if (!parsed) {
    return c.ErrorAt(level_pos, absl::StrCat("unknown level '", absl::CEscape(level),
                                             "' (want DEBUG, INFO, WARN, ERROR or FATAL)"));
  }
  event->level = *parsed;
  if (c.Peek() != ']') return c.Error("expected ']' after the level");
  c.Advance();
  ASSIGN_OR_RETURN(more, NextSection(c, "the level"));
  if (!more) return c.Error("expected ' [file:line]' after the level");
  const size_t source_pos = c.pos();
  RETURN_IF_ERROR(Token(c, "]", "source", &event->source));
  if (event->source.empty()) return c.ErrorAt(source_pos, "empty source (want file:line)");
  if (c.Peek() != ']') return c.Error("expected ']' after the source");
  c.Advance();
  return absl::OkStatus();
}

absl::Status Field(Cursor& c, LogEvent* event) {
  LogField field;
  const size_t key_pos = c.pos();
  RETURN_IF_ERROR(Token(c, "=]", "field", &field.key));
  if (c.Peek() != '=') return c.Error("expected '=' in field");
  if (field.key.empty()) return c.ErrorAt(key_pos, "empty field key");
  c.Advance();
  RETURN_IF_ERROR(Token(c, "]", "field value", &field.value));
  if (c.Peek() != ']') return c.Error("expected ']' after quoted field value");
  c.Advance();
  event->fields.push_back(std::move(field));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LogEvent> ParseLogLine(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Cursor c(line);
  LogEvent event;
  RETURN_IF_ERROR(Header(c, &event));
  ASSIGN_OR_RETURN(bool more, NextSection(c, "the source"));
  if (!more) return c.Error("expected ' [message]' after the source");
  RETURN_IF_ERROR(Token(c, "]", "message", &event.message));
  if (c.Peek() != ']') return c.Error("expected ']' after quoted message");
  c.Advance();
  while (true) {
    ASSIGN_OR_RETURN(more, NextSection(c, "the previous section"));
    if (!more) break;
    RETURN_IF_ERROR(Field(c, &event));
  }
  return event;
}

LineKind ClassifyLine(absl::string_view line) {
  if (absl::StripAsciiWhitespace(line).empty()) return LineKind::kBlank;
  if (line.size() >= 6 && line[0] == '[' && line[5] == '/' &&
      absl::ascii_isdigit(static_cast<unsigned char>(line[1])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(line[2])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(line[3])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(line[4]))) {
    return LineKind::kRecord;
  }
  return LineKind::kContinuation;
}

}  // namespace ops::tikv
