// The pieces every `operator` command is made of: the Context a run gets from main.cc (streams,
// terminal facts, clock, environment, stub factories, Ctrl-C), the global options, the
// Invocation a command handler receives, and the CommandSpec/CommandGroup tables the
// dispatcher (app.h) routes and documents. A new command group is one function returning a
// CommandGroup, added to the list in app.cc.
#ifndef OPS_CLIENTS_CLI_COMMAND_H_
#define OPS_CLIENTS_CLI_COMMAND_H_

#include <cstddef>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "clients/cli/interrupt.h"
#include "clients/cli/service_clients.h"
#include "libs/config/config.h"

namespace ops::cli {

// Process exit codes, documented in `operator --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the service refused or failed the request
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitUnreachable = 3;  // the service cannot be reached or did not answer
inline constexpr int kExitInterrupted = 130;

// Everything a run needs from the outside world. main.cc fills it with the real process
// state; tests fill it with string streams, a fixed clock and fake stubs.
struct Context {
  std::ostream* out = nullptr;  // required
  std::ostream* err = nullptr;  // required
  // Whether stdout is a terminal (colour in "auto" mode) and its width in columns (0: no
  // truncation, e.g. when piped).
  bool out_is_tty = false;
  size_t terminal_width = 0;
  // Environment lookup (OPS_TICKETS_ADDR, USER, NO_COLOR).
  config::EnvLookup env = config::GetEnv;
  // The current time, for relative ages.
  std::function<absl::Time()> now = [] { return absl::Now(); };
  // Ctrl-C; required.
  Interrupt* interrupt = nullptr;
  // Waits `d` between reconnect attempts; returns false when interrupted. When unset, waits on
  // `interrupt`. Tests record the delays instead of sleeping.
  std::function<bool(absl::Duration d)> wait;
  // A uniform draw in [0, 1) for backoff jitter.
  std::function<double()> unit_random;
  ServiceClients clients;
};

enum class OutputFormat { kTable, kJson };

// Options every command accepts (see app.cc for their flags and defaults).
struct GlobalOptions {
  std::string tickets_addr;
  absl::Duration timeout = absl::Seconds(5);
  OutputFormat output = OutputFormat::kTable;
  bool color = false;
};

// One run of one command, as its handler sees it.
struct Invocation {
  Context* ctx = nullptr;
  GlobalOptions global;
  ParsedArgs args;
  // "operator tickets list": prefixes messages.
  std::string path;
  // The command's usage text, printed after a usage error.
  std::string usage;

  std::ostream& out() const { return *ctx->out; }
  std::ostream& err() const { return *ctx->err; }
  // Prints "<path>: <message>" and the usage to stderr; returns kExitUsage.
  int UsageError(absl::string_view message) const;
  // Waits between retries (see Context::wait); false when interrupted.
  bool Wait(absl::Duration d) const;
};

// A command: what it is called, what it takes, how it is documented and what it runs.
struct CommandSpec {
  std::string name;
  // Positional arguments as shown in usage, e.g. "ID" or "[ID...]".
  std::string args_usage;
  // One line for the group's command list.
  std::string summary;
  // A paragraph or two for the command's --help.
  std::string description;
  std::vector<OptionSpec> options;
  // Example command lines, each optionally followed by "  # comment".
  std::vector<std::string> examples;
  size_t min_args = 0;
  size_t max_args = 0;  // kUnlimitedArgs for no limit
  // Runs the command; returns the exit code. Output goes to inv.out()/inv.err().
  std::function<int(const Invocation& inv)> run;
};

inline constexpr size_t kUnlimitedArgs = std::numeric_limits<size_t>::max();

// A noun that groups commands: `operator tickets <command>`.
struct CommandGroup {
  std::string name;
  std::string summary;
  std::string description;
  std::vector<CommandSpec> commands;
  std::vector<std::string> examples;
  // The command that runs when none is named, so a one-verb group reads as a command
  // (`operator status` runs `operator status show`). Empty: a command is required.
  std::string default_command;
};

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_COMMAND_H_
