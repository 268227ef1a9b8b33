// The help and usage texts of `operator`, built from the command tables so they never drift
// from what the parser accepts: `operator --help`, `operator <group> --help`, `operator
// <group> <command> --help`, and the short usage printed after a usage error.
// Pure; thread-safe.
#ifndef OPS_CLIENTS_CLI_HELP_H_
#define OPS_CLIENTS_CLI_HELP_H_

#include <string>
#include <vector>

#include "clients/cli/args.h"
#include "clients/cli/command.h"

namespace ops::cli {

std::string MainHelp(const std::vector<CommandGroup>& groups,
                     const std::vector<OptionSpec>& global_options);
std::string GroupHelp(const CommandGroup& group, const std::vector<OptionSpec>& global_options);
std::string CommandHelp(const CommandGroup& group, const CommandSpec& command,
                        const std::vector<OptionSpec>& global_options);

// The usage line and the command's own options, plus where to find more.
std::string CommandUsage(const CommandGroup& group, const CommandSpec& command);
// The usage line of a group and its commands.
std::string GroupUsage(const CommandGroup& group);
// The usage line of the program and its command groups.
std::string MainUsage(const std::vector<CommandGroup>& groups);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_HELP_H_
