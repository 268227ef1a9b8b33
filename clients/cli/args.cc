#include "clients/cli/args.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/format.h"
#include "libs/config/config.h"

namespace ops::cli {
namespace {

std::string Normalize(absl::string_view name) { return absl::StrReplaceAll(name, {{"_", "-"}}); }

const OptionSpec* FindLong(const std::vector<OptionSpec>& specs, absl::string_view name) {
  const std::string wanted = Normalize(name);
  for (const OptionSpec& spec : specs) {
    if (Normalize(spec.name) == wanted) return &spec;
  }
  return nullptr;
}

const OptionSpec* FindShort(const std::vector<OptionSpec>& specs, char c) {
  for (const OptionSpec& spec : specs) {
    if (spec.short_name != '\0' && spec.short_name == c) return &spec;
  }
  return nullptr;
}

absl::Status UnknownOption(absl::string_view token, absl::string_view name,
                           const std::vector<OptionSpec>& specs) {
  std::vector<std::string> names;
  for (const OptionSpec& spec : specs) names.push_back(Normalize(spec.name));
  names.push_back("help");
  std::string message = absl::StrCat("unknown option ", token);
  const std::string suggestion = config::ClosestMatch(Normalize(name), names);
  if (!suggestion.empty()) absl::StrAppend(&message, " (did you mean --", suggestion, "?)");
  return absl::InvalidArgumentError(message);
}

}  // namespace

std::string ParsedArgs::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = values.find(std::string(name));
  if (it == values.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view name) const {
  auto it = values.find(std::string(name));
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& tokens,
                                     const std::vector<OptionSpec>& specs,
                                     bool stop_at_positional) {
  ParsedArgs parsed;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    const bool is_option = token.size() > 1 && token[0] == '-';
    if (!is_option) {
      if (stop_at_positional) {
        parsed.rest.assign(tokens.begin() + i, tokens.end());
        return parsed;
      }
      parsed.positionals.push_back(token);
      continue;
    }
    if (token == "--") {
      auto& out = stop_at_positional ? parsed.rest : parsed.positionals;
      out.insert(out.end(), tokens.begin() + i + 1, tokens.end());
      return parsed;
    }
    if (token == "-h" || token == "--help") {
      parsed.help = true;
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::string inline_value;
    bool has_inline_value = false;
    if (token[1] == '-') {
      absl::string_view body = absl::string_view(token).substr(2);
      const size_t eq = body.find('=');
      if (eq != absl::string_view::npos) {
        inline_value = std::string(body.substr(eq + 1));
        has_inline_value = true;
        body = body.substr(0, eq);
      }
      spec = FindLong(specs, body);
      if (spec == nullptr) return UnknownOption(token, body, specs);
    } else {
      spec = token.size() == 2 ? FindShort(specs, token[1]) : nullptr;
      if (spec == nullptr) return UnknownOption(token, token.substr(1), specs);
    }
    std::string value;
    if (spec->value_name.empty()) {
      if (has_inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("option --", spec->name, " takes no value"));
      }
      value = "true";
    } else if (has_inline_value) {
      value = std::move(inline_value);
    } else if (i + 1 < tokens.size()) {
      value = tokens[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("option --", spec->name, " needs a value (", spec->value_name, ")"));
    }
    parsed.values[spec->name].push_back(std::move(value));
  }
  return parsed;
}

std::string FormatOptionsHelp(const std::vector<OptionSpec>& specs, int width) {
  constexpr size_t kHelpColumn = 28;
  std::string out;
  for (const OptionSpec& spec : specs) {
    std::string head = "  ";
    if (spec.short_name != '\0') absl::StrAppend(&head, "-", std::string(1, spec.short_name), ", ");
    absl::StrAppend(&head, "--", spec.name);
    if (!spec.value_name.empty()) absl::StrAppend(&head, " ", spec.value_name);
    const std::string indent(kHelpColumn, ' ');
    std::string body = WrapText(spec.help, std::max<int>(width - kHelpColumn, 30));
    body = absl::StrReplaceAll(body, {{"\n", "\n" + indent}});
    if (head.size() + 2 > kHelpColumn) {
      absl::StrAppend(&out, head, "\n", indent, body, "\n");
    } else {
      absl::StrAppend(&out, head, std::string(kHelpColumn - head.size(), ' '), body, "\n");
    }
  }
  return out;
}

}  // namespace ops::cli
