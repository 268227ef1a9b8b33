#include "libs/config/config_file.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace ops::config {
namespace {

absl::Status LineError(absl::string_view file, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ":", line, ": ", what));
}

bool IsKeyChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.'; }

// Removes a `#` comment that starts the line or follows whitespace, outside quotes.
std::string StripComment(absl::string_view line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"' && i + 1 < line.size()) {
        ++i;
      } else if (c == '\'' && quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
        ++i;  // '' is an escaped quote inside a single-quoted scalar
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      // A quote only opens a quoted scalar at the start of a token.
      if (i == 0 || absl::ascii_isspace(line[i - 1]) || line[i - 1] == '[' || line[i - 1] == ',' ||
          line[i - 1] == ':' || line[i - 1] == '-') {
        quote = c;
      }
    } else if (c == '#' && (i == 0 || absl::ascii_isspace(line[i - 1]))) {
      return std::string(line.substr(0, i));
    }
  }
  return std::string(line);
}

// Parses a quoted scalar starting at text[0] (a quote). On success stores the unquoted value and
// the number of characters consumed.
absl::Status ParseQuoted(absl::string_view text, std::string* out, size_t* consumed) {
  const char quote = text[0];
  out->clear();
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          out->push_back('\'');
          ++i;
          continue;
        }
        *consumed = i + 1;
        return absl::OkStatus();
      }
      out->push_back(c);
      continue;
    }
    if (c == '"') {
      *consumed = i + 1;
      return absl::OkStatus();
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) break;
      char e = text[++i];
      switch (e) {
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case '0':
          out->push_back('\0');
          break;
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat("unsupported escape \\", std::string(1, e), " in double-quoted string"));
      }
      continue;
    }
    out->push_back(c);
  }
  return absl::InvalidArgumentError("unterminated quoted string");
}

// A single scalar: quoted or plain. Rejects YAML features we do not support.
absl::StatusOr<std::string> ParseScalar(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return std::string();
  if (text[0] == '"' || text[0] == '\'') {
    std::string value;
    size_t consumed = 0;
    if (absl::Status s = ParseQuoted(text, &value, &consumed); !s.ok()) return s;
    if (!absl::StripAsciiWhitespace(text.substr(consumed)).empty()) {
      return absl::InvalidArgumentError("unexpected text after closing quote");
    }
    return value;
  }
  switch (text[0]) {
    case '{':
      return absl::InvalidArgumentError("nested mappings are not supported; use a flat key");
    case '[':
      return absl::InvalidArgumentError("nested lists are not supported");
    case '&':
    case '*':
    case '!':
      return absl::InvalidArgumentError("anchors, aliases and tags are not supported");
    case '|':
    case '>':
      return absl::InvalidArgumentError(
          "multi-line strings are not supported; use a quoted single-line string");
    default:
      break;
  }
  if (absl::StrContains(text, ": ") || absl::EndsWith(text, ":")) {
    return absl::InvalidArgumentError("nested mappings are not supported; quote the value");
  }
  return std::string(text);
}

// `[a, "b", c]` -> "a,b,c".
absl::StatusOr<std::string> ParseFlowList(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&text, "[") || !absl::ConsumeSuffix(&text, "]")) {
    return absl::InvalidArgumentError("a list must be written [a, b] on one line");
  }
  std::vector<std::string> items;
  std::string current;
  char quote = 0;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == 0 && c == ',') {
      items.push_back(current);
      current.clear();
      any = true;
      continue;
    }
    if (quote == 0 && (c == '"' || c == '\'') && absl::StripAsciiWhitespace(current).empty()) {
      quote = c;
    } else if (quote != 0 && c == '\\' && quote == '"' && i + 1 < text.size()) {
      current.push_back(c);
      c = text[++i];
    } else if (quote != 0 && c == quote) {
      quote = 0;
    }
    current.push_back(c);
  }
  if (quote != 0) return absl::InvalidArgumentError("unterminated quoted string in list");
  if (any || !absl::StripAsciiWhitespace(current).empty()) items.push_back(current);
  std::vector<std::string> values;
  for (const std::string& item : items) {
    auto value = ParseScalar(item);
    if (!value.ok()) return value.status();
    if (absl::StripAsciiWhitespace(item).empty()) {
      return absl::InvalidArgumentError("empty list item");
    }
    values.push_back(*std::move(value));
  }
  return absl::StrJoin(values, ",");
}

absl::Status CheckDuplicate(std::map<std::string, int>& seen, const ConfigEntry& entry,
                            absl::string_view file) {
  auto [it, inserted] = seen.emplace(entry.key, entry.line);
  if (!inserted) {
    return LineError(
        file, entry.line,
        absl::StrCat("duplicate key \"", entry.key, "\" (first set on line ", it->second, ")"));
  }
  return absl::OkStatus();
}

int LineOfOffset(absl::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

}  // namespace

absl::StatusOr<std::vector<ConfigEntry>> ParseFlatYaml(absl::string_view text,
                                                       absl::string_view filename) {
  std::vector<ConfigEntry> entries;
  std::map<std::string, int> seen;
  // Index into `entries` of a key written `key:` with nothing after it; `- item` lines that
  // follow become its comma-joined value.
  int open_list = -1;
  std::vector<std::string> list_items;
  auto close_list = [&]() {
    if (open_list >= 0) entries[open_list].value = absl::StrJoin(list_items, ",");
    open_list = -1;
    list_items.clear();
  };

  int line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::ConsumeSuffix(&raw, "\r");
    std::string line = StripComment(raw);
    absl::string_view body = absl::StripTrailingAsciiWhitespace(line);
    absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(body);
    if (trimmed.empty()) continue;
    if (trimmed == "---" || trimmed == "...") {
      if (trimmed.size() != body.size() || !entries.empty()) {
        return LineError(filename, line_no, "only one YAML document is supported");
      }
      continue;
    }
    if (trimmed.front() == '\t' || body.front() == '\t') {
      return LineError(filename, line_no, "tabs are not allowed for indentation");
    }
    if (absl::StartsWith(trimmed, "- ") || trimmed == "-") {
      if (open_list < 0) {
        return LineError(filename, line_no, "list item without a preceding `key:` line");
      }
      absl::string_view item_text = trimmed.substr(1);
      if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(item_text), "-")) {
        return LineError(filename, line_no, "nested lists are not supported");
      }
      auto item = ParseScalar(item_text);
      if (!item.ok()) return LineError(filename, line_no, item.status().message());
      if (item->empty()) return LineError(filename, line_no, "empty list item");
      list_items.push_back(*std::move(item));
      continue;
    }
    if (trimmed.size() != body.size()) {
      return LineError(filename, line_no,
                       "nested mappings or indented values are not supported; use flat "
                       "`key: value` lines");
    }
    close_list();
    size_t key_end = 0;
    while (key_end < body.size() && IsKeyChar(body[key_end])) ++key_end;
    if (key_end == 0 || key_end >= body.size() || body[key_end] != ':' ||
        (key_end + 1 < body.size() && !absl::ascii_isspace(body[key_end + 1]))) {
      return LineError(filename, line_no,
                       absl::StrCat("expected `key: value`, got \"", body, "\""));
    }
    ConfigEntry entry{std::string(body.substr(0, key_end)), "", line_no};
    if (absl::Status s = CheckDuplicate(seen, entry, filename); !s.ok()) return s;
    absl::string_view value_text = absl::StripAsciiWhitespace(body.substr(key_end + 1));
    if (value_text.empty()) {
      entries.push_back(std::move(entry));
      open_list = static_cast<int>(entries.size()) - 1;
      continue;
    }
    auto value = value_text.front() == '[' ? ParseFlowList(value_text) : ParseScalar(value_text);
    if (!value.ok()) {
      return LineError(filename, line_no,
                       absl::StrCat("key \"", entry.key, "\": ", value.status().message()));
    }
    entry.value = *std::move(value);
    entries.push_back(std::move(entry));
  }
  close_list();
  return entries;
}

absl::StatusOr<std::vector<ConfigEntry>> ParseJsonConfig(absl::string_view text,
                                                         absl::string_view filename) {
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based offset where parsing failed.
    int line = LineOfOffset(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
    // prefix; we report the line ourselves.
    if (size_t pos = what.find(": "); pos != std::string::npos) what = what.substr(pos + 2);
    return LineError(filename, line, absl::StrCat("invalid JSON: ", what));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(filename, ": invalid JSON: ", e.what()));
  }
  if (!doc.is_object()) {
    return LineError(filename, 1, "the top level must be a JSON object of flag names to values");
  }
  std::vector<ConfigEntry> entries;
  for (const auto& [key, value] : doc.items()) {
    // nlohmann keeps no positions; find the key's first occurrence for the message.
    std::string quoted = absl::StrCat("\"", key, "\"");
    size_t pos = std::string(text).find(quoted);
    ConfigEntry entry{key, "", pos == std::string::npos ? 0 : LineOfOffset(text, pos)};
    auto scalar = [&](const nlohmann::ordered_json& v) -> absl::StatusOr<std::string> {
      if (v.is_string()) return v.get<std::string>();
      if (v.is_boolean() || v.is_number()) return v.dump();
      if (v.is_null()) return absl::InvalidArgumentError("null is not a value; remove the key");
      return absl::InvalidArgumentError("nested objects and lists are not supported");
    };
    if (value.is_array()) {
      std::vector<std::string> items;
      for (const auto& item : value) {
        auto s = scalar(item);
        if (!s.ok()) {
          return LineError(filename, entry.line,
                           absl::StrCat("key \"", key, "\": ", s.status().message()));
        }
        items.push_back(*std::move(s));
      }
      entry.value = absl::StrJoin(items, ",");
    } else {
      auto s = scalar(value);
      if (!s.ok()) {
        return LineError(filename, entry.line,
                         absl::StrCat("key \"", key, "\": ", s.status().message()));
      }
      entry.value = *std::move(s);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<ConfigEntry>> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be opened"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read config file ", path));
  std::string text = buffer.str();
  bool json;
  if (absl::EndsWithIgnoreCase(path, ".json")) {
    json = true;
  } else if (absl::EndsWithIgnoreCase(path, ".yaml") || absl::EndsWithIgnoreCase(path, ".yml")) {
    json = false;
  } else {
    absl::string_view t = absl::StripLeadingAsciiWhitespace(text);
    json = !t.empty() && t.front() == '{';
  }
  return json ? ParseJsonConfig(text, path) : ParseFlatYaml(text, path);
}

}  // namespace ops::config
