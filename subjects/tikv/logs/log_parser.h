// Parser for one line of TiKV's and PD's unified log format (tikv/rfcs
// 2018-12-19-unified-log-format):
//
//   [yyyy/MM/dd HH:mm:ss.SSS ±hh:mm] [LEVEL] [file:line] [message] [key=value] ...
//
// Message, keys and values are either raw (no byte <= 0x20, '"', '=', '[' or ']') or a JSON
// string literal ("...", with \" \\ \/ \b \f \n \r \t and \uXXXX escapes, surrogate pairs
// joined into UTF-8). Sections are separated by one space; the parser also takes several, and
// trailing spaces and a CR (CRLF files). Raw text is taken byte for byte: UTF-8 passes through,
// invalid UTF-8 is not rejected (the RFC leaves it to writers).
//
// Tolerances, because real writers differ slightly: the fraction of a second may have 0 to 9
// digits, a raw message or value runs to the next ']' (so a stray '"' or '=' inside it is kept),
// and TRACE is accepted as a level. Not accepted: a missing section, an unknown level, an
// unterminated or badly escaped quoted string, a field without '=' or with an empty key, and
// anything after a closing ']' other than " [".
#ifndef OPS_SUBJECTS_TIKV_LOGS_LOG_PARSER_H_
#define OPS_SUBJECTS_TIKV_LOGS_LOG_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "subjects/tikv/logs/log_event.h"

namespace ops::tikv {

// Parses one line, without its newline (a trailing "\r" is ignored). Malformed input yields
// INVALID_ARGUMENT whose message starts with "column N:" (1-based byte column) and says what was
// expected. Never crashes or reads out of bounds on any input. Pure; thread-safe.
absl::StatusOr<LogEvent> ParseLogLine(absl::string_view line);

// What a physical line of a log file is, decided from its first bytes only.
enum class LineKind {
  kBlank,         // empty or whitespace only
  kRecord,        // starts like a record: "[" and four digits and "/"
  kContinuation,  // anything else: a wrapped tail of the previous record, a Go panic or a Rust
                  // backtrace printed to the same file, or garbage
};

LineKind ClassifyLine(absl::string_view line);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_LOGS_LOG_PARSER_H_
