// Turns a failed gRPC call into the message a person reads and the process exit code, the
// same way for every command: the service cannot be reached or did not answer (exit 3, saying
// how to point the CLI elsewhere), the thing asked for does not exist (exit 1, "ticket T-1 not
// found"), the service refused the request (exit 1, its own message), Ctrl-C (exit 130).
// Pure; thread-safe.
#ifndef OPS_CLIENTS_CLI_RPC_ERROR_H_
#define OPS_CLIENTS_CLI_RPC_ERROR_H_

#include <grpcpp/support/status.h>

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::cli {

// Which service a call went to, for messages.
struct ServiceTarget {
  std::string name;     // "tickets"
  std::string address;  // "127.0.0.1:50052"
  std::string flag;     // "tickets_addr"
  std::string env;      // "OPS_TICKETS_ADDR"
  absl::Duration timeout = absl::Seconds(5);
};

// What to tell the user and how to exit.
struct RpcFailure {
  std::string message;  // one line, no trailing newline
  int exit_code = 1;
};

// Describes `status` (not OK) of a call to `target`. `what` names the object of the call for
// NOT_FOUND ("ticket T-1"); empty uses the server's message instead.
RpcFailure DescribeRpcFailure(const grpc::Status& status, const ServiceTarget& target,
                              absl::string_view what = "");

// "RESOURCE_EXHAUSTED" and friends.
std::string StatusCodeName(grpc::StatusCode code);

// A short reason for a transport failure from gRPC's message: "connection refused",
// "name not resolved", "connection lost", or empty when the message is not a transport error
// (e.g. a server's own UNAVAILABLE).
std::string TransportReason(absl::string_view grpc_message);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_RPC_ERROR_H_
