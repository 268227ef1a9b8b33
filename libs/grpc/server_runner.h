// ServerRunner: everything a service's main() needs to serve gRPC the same way in every service:
// the listening port, server reflection (for grpcurl), the standard grpc.health.v1 service,
// Prometheus /metrics on a side HTTP port, and a graceful shutdown with a deadline on
// SIGTERM/SIGINT.
//
//   ASSIGN_OR_RETURN(auto runner, ServerRunner::Create({
//       .listen_address = "0.0.0.0:50051",
//       .metrics_port = 9101,
//       .metrics_text = [&] { return registry.Render(); },
//       .services = {&ticket_service},
//       .on_shutdown = {[&] { ticket_service.CloseStreams(); }},
//   }));
//   RETURN_IF_ERROR(runner->InstallSignalHandlers());
//   runner->Wait();  // returns after SIGTERM has run Shutdown()
//
// Shutdown order: health NOT_SERVING → on_shutdown callbacks (close event hubs so open streams
// end cleanly) → grpc::Server::Shutdown(now + deadline), which cancels what is still running at
// the deadline → the /metrics server stops.
//
// Thread safety: all methods may be called from any thread, except that Shutdown() (and the
// destructor) must not be called from inside an RPC handler of this server.
#ifndef OPS_LIBS_GRPC_SERVER_RUNNER_H_
#define OPS_LIBS_GRPC_SERVER_RUNNER_H_

#include <grpcpp/server.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/grpc/shutdown_signals.h"
#include "libs/http/server.h"

namespace ops::grpcutil {

class ServerRunner {
 public:
  struct Options {
    // "host:port"; port 0 picks a free port (see port()). E.g. "127.0.0.1:0", "0.0.0.0:50051".
    std::string listen_address = "127.0.0.1:0";
    // Side HTTP port serving GET /metrics: 0 picks a free port, -1 serves no metrics.
    int metrics_port = -1;
    std::string metrics_host = "127.0.0.1";
    // How long Shutdown() lets in-flight RPCs finish before cancelling them.
    absl::Duration shutdown_deadline = absl::Seconds(5);
    // Renders the /metrics body (Prometheus text format); runs on HTTP worker threads, so it
    // must be thread-safe. Unset serves an empty body.
    std::function<std::string()> metrics_text;
    // Services to register, sync or callback; not owned, must outlive the runner.
    std::vector<grpc::Service*> services;
    // Run by Shutdown() in order, after health turns NOT_SERVING and before the gRPC server
    // shuts down: close event hubs here so open streams finish with OK.
    std::vector<std::function<void()>> on_shutdown;
  };

  // Builds and starts the server. Fails with UNAVAILABLE naming the address when the gRPC or
  // metrics port cannot be bound (in use, or an invalid address); with INVALID_ARGUMENT on a
  // negative deadline or an empty listen address.
  static absl::StatusOr<std::unique_ptr<ServerRunner>> Create(Options options);

  // Shuts down (if not done yet) and releases the server.
  ~ServerRunner();
  ServerRunner(const ServerRunner&) = delete;
  ServerRunner& operator=(const ServerRunner&) = delete;

  // The bound gRPC port (the picked one when the address asked for 0).
  int port() const { return port_; }
  // "127.0.0.1:<port>" style address clients in this process can dial.
  std::string address() const;
  // The bound /metrics port, or -1 when metrics are off.
  int metrics_port() const;

  // Names of the registered services, as health and reflection report them (including
  // grpc.health.v1.Health and the reflection service).
  const std::vector<std::string>& service_names() const { return service_names_; }

  // Sets the health status of `service` ("" is the whole server). Ignored after Shutdown()
  // started.
  void SetServing(const std::string& service, bool serving);

  // Calls Shutdown() when SIGTERM or SIGINT arrives (see shutdown_signals.h); at most one
  // runner per process may do this. Fails with FAILED_PRECONDITION when handlers are already
  // installed elsewhere in the process.
  absl::Status InstallSignalHandlers();

  // Blocks until Shutdown() has completed.
  void Wait() ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to `timeout`; true when shutdown has completed.
  bool WaitFor(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  // Graceful shutdown in the order described at the top of this file. Idempotent: concurrent
  // and later calls wait until the first one has completed.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

  bool shutting_down() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  ServerRunner(Options options, std::unique_ptr<grpc::Server> server, int port,
               std::vector<std::string> service_names, std::unique_ptr<ops::http::Server> metrics);

  const Options options_;
  const std::unique_ptr<grpc::Server> server_;
  const int port_;
  const std::vector<std::string> service_names_;
  const std::unique_ptr<ops::http::Server> metrics_;
  std::unique_ptr<ShutdownSignals> signals_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ops::grpcutil

#endif  // OPS_LIBS_GRPC_SERVER_RUNNER_H_
