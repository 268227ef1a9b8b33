// Helpers every command handler uses: a unary call context with the global deadline that
// Ctrl-C cancels, printing a protobuf as JSON, reporting a failed call, the ViewOptions for
// this terminal, and the acting person's name. Thread-compatible (one Invocation per thread).
#ifndef OPS_CLIENTS_CLI_COMMAND_UTIL_H_
#define OPS_CLIENTS_CLI_COMMAND_UTIL_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/strings/string_view.h"
#include "clients/cli/command.h"
#include "clients/cli/interrupt.h"
#include "clients/cli/rpc_error.h"
#include "clients/cli/ticket_view.h"
#include "google/protobuf/message.h"

namespace ops::cli {

// A ClientContext for one unary call: its deadline is now + the global --timeout, and Ctrl-C
// cancels it. Create one per call, right before the call.
class UnaryCall {
 public:
  explicit UnaryCall(const Invocation& inv);
  grpc::ClientContext* context() { return &ctx_; }

 private:
  grpc::ClientContext ctx_;
  Interrupt::Attachment attachment_;
};

// Writes `message` as JSON (see json_output.h) and a newline to stdout, flushing. Returns
// kExitOk, or kExitFailed after a message on stderr when it cannot be rendered.
int PrintJson(const Invocation& inv, const google::protobuf::Message& message, bool multiline);

// Prints the message for a failed call to `target` on stderr; returns the exit code
// (see rpc_error.h). `what` names the object for NOT_FOUND, e.g. "ticket T-1".
int ReportRpcFailure(const Invocation& inv, const grpc::Status& status, const ServiceTarget& target,
                     absl::string_view what = "");

// The terminal facts and the current time for renderers.
ViewOptions ViewFor(const Invocation& inv);

// --actor when given, else $USER, else "unknown".
std::string ActorFor(const Invocation& inv);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_COMMAND_UTIL_H_
