#include "clients/cli/service_clients.h"

#include "libs/grpc/channel.h"

namespace ops::cli {

ServiceClients RealServiceClients() {
  ServiceClients clients;
  clients.tickets = [](const std::string& address) {
    return std::unique_ptr<tickets::v1::TicketService::StubInterface>(
        tickets::v1::TicketService::NewStub(grpcutil::MakeChannel(address)));
  };
  return clients;
}

}  // namespace ops::cli
