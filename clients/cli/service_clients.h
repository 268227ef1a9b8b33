// Stub factories for the services `operator` talks to. Commands get their stubs from here, so
// tests hand in a generated gMock stub (or a stub on an in-process server) and main.cc hands in
// real channels. A new service (the observer, say) adds one factory.
#ifndef OPS_CLIENTS_CLI_SERVICE_CLIENTS_H_
#define OPS_CLIENTS_CLI_SERVICE_CLIENTS_H_

#include <functional>
#include <memory>
#include <string>

#include "ops/v1/tickets.grpc.pb.h"

namespace ops::cli {

struct ServiceClients {
  // Makes a TicketService stub for "host:port". Called at most once per command.
  std::function<std::unique_ptr<tickets::v1::TicketService::StubInterface>(
      const std::string& address)>
      tickets;
};

// Factories that open real insecure channels (libs/grpc MakeChannel). Thread-safe.
ServiceClients RealServiceClients();

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_SERVICE_CLIENTS_H_
