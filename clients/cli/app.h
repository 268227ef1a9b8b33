// The `operator` dispatcher: parses global options, finds the command group and command in the
// tables, parses the command's options, prints help or usage, resolves the global options
// (flags, then OPS_* environment variables, then defaults) and runs the command.
//
//   ops::cli::Context ctx{.out = &std::cout, .err = &std::cerr, ...};
//   return ops::cli::Run({"tickets", "list", "--status", "open"}, ctx);
//
// Thread-compatible: one Run at a time per Context.
#ifndef OPS_CLIENTS_CLI_APP_H_
#define OPS_CLIENTS_CLI_APP_H_

#include <string>
#include <vector>

#include "clients/cli/args.h"
#include "clients/cli/command.h"

namespace ops::cli {

// Default address of the tickets service (its default listen port).
inline constexpr char kDefaultTicketsAddr[] = "127.0.0.1:50052";

// Runs `operator` with `args` (argv without argv[0]); returns the process exit code.
// ctx.out, ctx.err and ctx.interrupt must be set.
int Run(const std::vector<std::string>& args, Context& ctx);

// Run with another command table (tests use small fake groups).
int Run(const std::vector<std::string>& args, Context& ctx,
        const std::vector<CommandGroup>& groups);

// Every command group, in the order help lists them.
std::vector<CommandGroup> CommandGroups();

// The options every command accepts.
std::vector<OptionSpec> GlobalOptionSpecs();

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_APP_H_
