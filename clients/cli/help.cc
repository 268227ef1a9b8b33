#include "clients/cli/help.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "clients/cli/format.h"

namespace ops::cli {
namespace {

constexpr size_t kWrap = 96;

std::string UsageLine(const CommandGroup& group, const CommandSpec& command) {
  const bool is_default = group.default_command == command.name;
  std::string line =
      absl::StrCat("Usage: operator ", group.name, " ",
                   is_default ? absl::StrCat("[", command.name, "]") : command.name, " [options]");
  if (!command.args_usage.empty()) absl::StrAppend(&line, " ", command.args_usage);
  return line + "\n";
}

// Names and one-line summaries, aligned.
template <typename T>
std::string SummaryList(const std::vector<T>& items) {
  size_t width = 0;
  for (const T& item : items) width = std::max(width, item.name.size());
  std::string out;
  for (const T& item : items) {
    absl::StrAppend(&out, "  ", item.name, std::string(width - item.name.size() + 3, ' '),
                    item.summary, "\n");
  }
  return out;
}

std::string Examples(const std::vector<std::string>& examples) {
  if (examples.empty()) return "";
  std::string out = "\nExamples:\n";
  for (const std::string& e : examples) absl::StrAppend(&out, "  ", e, "\n");
  return out;
}

constexpr absl::string_view kExitCodes =
    "Exit codes: 0 success; 1 the service refused or failed the request (for example the "
    "ticket was not found); 2 bad command line; 3 the service cannot be reached or did not "
    "answer in time; 130 interrupted.";

}  // namespace

std::string MainUsage(const std::vector<CommandGroup>& groups) {
  return absl::StrCat(
      "Usage: operator [global options] <group> <command> [options] [args]\n\nCommand groups:\n",
      SummaryList(groups), "\nRun 'operator --help' for details.\n");
}

std::string GroupUsage(const CommandGroup& group) {
  return absl::StrCat("Usage: operator ", group.name, " <command> [options] [args]\n\nCommands:\n",
                      SummaryList(group.commands), "\nRun 'operator ", group.name,
                      " <command> --help' for a command's options.\n");
}

std::string CommandUsage(const CommandGroup& group, const CommandSpec& command) {
  std::string out = UsageLine(group, command);
  if (!command.options.empty()) {
    absl::StrAppend(&out, "\nOptions:\n", FormatOptionsHelp(command.options, kWrap));
  }
  absl::StrAppend(&out, "\nRun 'operator ", group.name, " ", command.name,
                  " --help' for details and examples.\n");
  return out;
}

std::string MainHelp(const std::vector<CommandGroup>& groups,
                     const std::vector<OptionSpec>& global_options) {
  std::vector<std::string> examples;
  for (const CommandGroup& g : groups) {
    examples.insert(examples.end(), g.examples.begin(), g.examples.end());
  }
  return absl::StrCat(
      "operator: the command-line client of Operator, the AI-assisted operator for TiKV.\n\n",
      "Usage: operator [global options] <group> <command> [options] [args]\n\n",
      "Command groups:\n", SummaryList(groups),
      "\nGlobal options (accepted anywhere on the command line):\n",
      FormatOptionsHelp(global_options, kWrap), "\n", WrapText(kExitCodes, kWrap), "\n",
      Examples(examples), "\nRun 'operator <group> --help' for a group's commands.\n");
}

std::string GroupHelp(const CommandGroup& group, const std::vector<OptionSpec>& global_options) {
  return absl::StrCat(
      "Usage: operator ", group.name, " <command> [options] [args]\n\n",
      WrapText(group.description, kWrap), "\n\nCommands:\n", SummaryList(group.commands),
      "\nGlobal options:\n", FormatOptionsHelp(global_options, kWrap), Examples(group.examples),
      "\nRun 'operator ", group.name, " <command> --help' for a command's options and examples.\n");
}

std::string CommandHelp(const CommandGroup& group, const CommandSpec& command,
                        const std::vector<OptionSpec>& global_options) {
  std::string out =
      absl::StrCat(UsageLine(group, command), "\n", WrapText(command.description, kWrap), "\n");
  if (!command.options.empty()) {
    absl::StrAppend(&out, "\nOptions:\n", FormatOptionsHelp(command.options, kWrap));
  }
  absl::StrAppend(&out, "\nGlobal options:\n", FormatOptionsHelp(global_options, kWrap),
                  Examples(command.examples));
  return out;
}

}  // namespace ops::cli
