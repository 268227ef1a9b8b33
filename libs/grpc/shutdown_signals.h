// Turns SIGTERM/SIGINT into an ordinary function call on a normal thread, so a service can shut
// down gracefully (ServerRunner::InstallSignalHandlers uses it). The signal handler only writes
// the signal number to a self-pipe (async-signal-safe); a watcher thread reads the pipe and
// runs the callback. Works whichever thread the kernel delivers the signal to, including
// threads gRPC started before the handlers were installed.
//
//   ASSIGN_OR_RETURN(auto signals, ShutdownSignals::Install([&](int) { runner->Shutdown(); }));
//
// Process-wide: at most one instance may exist at a time. Destroying it restores the previous
// handlers and joins the watcher thread.
#ifndef OPS_LIBS_GRPC_SHUTDOWN_SIGNALS_H_
#define OPS_LIBS_GRPC_SHUTDOWN_SIGNALS_H_

#include <csignal>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace ops::grpcutil {

class ShutdownSignals {
 public:
  // Installs handlers for `signals` and starts the watcher thread, which calls
  // `on_signal(signo)` once per signal received, in order; the callback may block (e.g. run a
  // graceful shutdown) and must not destroy this object. Fails with FAILED_PRECONDITION when
  // another instance is installed, INTERNAL when pipe/sigaction/thread creation fails.
  static absl::StatusOr<std::unique_ptr<ShutdownSignals>> Install(
      std::function<void(int signo)> on_signal, std::vector<int> signals = {SIGTERM, SIGINT});

  // Restores the previous handlers, then stops and joins the watcher thread (waiting for a
  // running callback to return). Must not be called from the callback.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

 private:
  ShutdownSignals(int read_fd, int write_fd, std::vector<int> signals,
                  std::vector<struct sigaction> previous);
  void Run(std::function<void(int)> on_signal);

  const int read_fd_;
  const int write_fd_;
  const std::vector<int> signals_;
  const std::vector<struct sigaction> previous_;
  std::thread watcher_;
};

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_SHUTDOWN_SIGNALS_H_
