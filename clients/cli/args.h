// Command-line parsing for `operator`: each subcommand declares its options as OptionSpecs and
// ParseArgs turns argv tokens into values and positional arguments. Options are GNU-style
// (`--limit 5`, `--limit=5`, `-o json`); `-` and `_` are interchangeable in names, so
// `--from_seq` and `--tickets-addr` work too. `--` ends the options.
//
// We do not use absl flags here: their flags are process-global, while each subcommand has its
// own options, and a parse error must become a usage message and exit code 2, not an exit.
// Pure functions; thread-safe.
#ifndef OPS_CLIENTS_CLI_ARGS_H_
#define OPS_CLIENTS_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::cli {

// One option a command accepts.
struct OptionSpec {
  // Long name without dashes, e.g. "from-seq" or "tickets_addr".
  std::string name;
  // Placeholder shown in help ("N", "ID"); empty for a switch that takes no value.
  std::string value_name;
  // One or more sentences for --help.
  std::string help;
  // Optional one-letter alias, e.g. 'o' for -o.
  char short_name = '\0';
};

// The result of parsing.
struct ParsedArgs {
  // Values by OptionSpec::name, in command-line order; a switch records "true".
  std::map<std::string, std::vector<std::string>> values;
  // Arguments that are not options, in order.
  std::vector<std::string> positionals;
  // -h or --help was given.
  bool help = false;
  // With stop_at_positional: the tokens from the first positional on, unparsed.
  std::vector<std::string> rest;

  bool Has(absl::string_view name) const { return values.count(std::string(name)) > 0; }
  // The last value given for `name`, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  // Every value given for `name` (an option may be repeated).
  std::vector<std::string> GetAll(absl::string_view name) const;
};

// Parses `tokens` against `specs`. With `stop_at_positional`, parsing stops at the first
// positional argument and the remaining tokens land in `rest` (used for options that come
// before the command name). Errors: INVALID_ARGUMENT naming the bad token, with a "did you
// mean" for a misspelt option.
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& tokens,
                                     const std::vector<OptionSpec>& specs,
                                     bool stop_at_positional = false);

// Help text for `specs`: one entry per option, help text wrapped to `width` columns.
std::string FormatOptionsHelp(const std::vector<OptionSpec>& specs, int width = 100);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_ARGS_H_
