// operator: the command-line client of the Operator services. All logic is in clients_cli
// (app.h); this file only wires the real process: streams, terminal, environment, stubs, and
// Ctrl-C.
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "clients/cli/app.h"
#include "clients/cli/command.h"
#include "clients/cli/interrupt.h"
#include "clients/cli/service_clients.h"
#include "libs/config/config.h"
#include "libs/grpc/shutdown_signals.h"

namespace {

// Columns of the terminal on stdout; $COLUMNS when stdout is not one; 0 for "no limit".
size_t TerminalWidth(bool is_tty) {
  struct winsize ws {};
  if (is_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  size_t columns = 0;
  const auto env = ops::config::GetEnv("COLUMNS");
  if (env && absl::SimpleAtoi(*env, &columns)) return columns;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ops::cli::Interrupt interrupt;
  // First Ctrl-C cancels the running call or watch cleanly; a second one stops at once.
  auto signals = ops::grpcutil::ShutdownSignals::Install([&interrupt](int signo) {
    if (interrupt.triggered()) _exit(128 + signo);
    interrupt.Trigger();
  });
  if (!signals.ok()) std::cerr << "operator: " << signals.status().message() << "\n";

  ops::cli::Context ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  ctx.out_is_tty = isatty(STDOUT_FILENO) == 1;
  ctx.terminal_width = TerminalWidth(ctx.out_is_tty);
  ctx.interrupt = &interrupt;
  ctx.clients = ops::cli::RealServiceClients();

  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code = ops::cli::Run(args, ctx);
  std::cout.flush();
  return code;
}
