// ObserverServer: a whole observer service as main.cc runs it: the Observer loop over an
// injected subject adapter, the TicketReporter (when a tickets address is given), the gRPC
// ObserverService with reflection/health, and /metrics:
//   ops_observer_cycles_total, ops_observer_cycle_seconds (last), ops_observer_signals{state},
//   ops_observer_blind, ops_observer_ticket_reports_{delivered,dropped,rejected}_total,
//   ops_observer_ticket_queue, plus the adapter's own gauges (e.g. PD requests per cycle).
//
// Thread safety: Shutdown/Wait from any thread.
#ifndef OPS_SERVICES_OBSERVER_OBSERVER_SERVER_H_
#define OPS_SERVICES_OBSERVER_OBSERVER_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/grpc/server_runner.h"
#include "ops/v1/tickets.grpc.pb.h"
#include "services/observer/observer.h"
#include "services/observer/observer_service.h"
#include "services/observer/ticket_reporter.h"

namespace ops::observer {

class ObserverServer {
 public:
  struct Options {
    std::string listen_address = "127.0.0.1:50051";
    int metrics_port = -1;
    // Empty: no tickets service (signals are only streamed).
    std::string tickets_address;
    Observer::Options observer;
    TicketReporter::Options reporter;
    // Extra gauges from the adapter, exported as ops_observer_adapter_<name>.
    std::function<std::map<std::string, double>()> adapter_gauges;
  };

  // `adapter` must outlive the server. Starts the loop and serves.
  static absl::StatusOr<std::unique_ptr<ObserverServer>> Create(core::SubjectAdapter* adapter,
                                                                Options options);
  ~ObserverServer();

  std::string address() const { return runner_->address(); }
  int metrics_port() const { return runner_->metrics_port(); }
  Observer& observer() { return *observer_; }
  absl::Status InstallSignalHandlers() { return runner_->InstallSignalHandlers(); }
  void Wait() { runner_->Wait(); }
  void Shutdown();

 private:
  explicit ObserverServer(Options options) : options_(std::move(options)) {}
  std::string RenderMetrics() const;

  Options options_;
  std::unique_ptr<::ops::tickets::v1::TicketService::StubInterface> tickets_;
  std::unique_ptr<TicketReporter> reporter_;
  std::unique_ptr<Observer> observer_;
  std::unique_ptr<ObserverServiceImpl> service_;
  std::unique_ptr<grpcutil::ServerRunner> runner_;
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_OBSERVER_SERVER_H_
