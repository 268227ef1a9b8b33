#include "clients/cli/command_util.h"

#include <optional>

#include "clients/cli/json_output.h"
#include "libs/grpc/channel.h"

namespace ops::cli {

UnaryCall::UnaryCall(const Invocation& inv) : attachment_(inv.ctx->interrupt, &ctx_) {
  grpcutil::SetDeadline(&ctx_, inv.global.timeout);
}

int PrintJson(const Invocation& inv, const google::protobuf::Message& message, bool multiline) {
  absl::StatusOr<std::string> json = ToJson(message, multiline);
  if (!json.ok()) {
    inv.err() << inv.path << ": " << json.status().message() << "\n";
    return kExitFailed;
  }
  inv.out() << *json << "\n" << std::flush;
  return kExitOk;
}

int ReportRpcFailure(const Invocation& inv, const grpc::Status& status, const ServiceTarget& target,
                     absl::string_view what) {
  const RpcFailure failure = DescribeRpcFailure(status, target, what);
  inv.err() << failure.message << "\n";
  return failure.exit_code;
}

ViewOptions ViewFor(const Invocation& inv) {
  ViewOptions options;
  options.now = inv.ctx->now ? inv.ctx->now() : absl::Now();
  options.width = inv.ctx->terminal_width;
  options.color = inv.global.color;
  return options;
}

std::string ActorFor(const Invocation& inv) {
  std::string actor = inv.args.Get("actor");
  if (actor.empty() && inv.ctx->env) actor = inv.ctx->env("USER").value_or("");
  return actor.empty() ? "unknown" : actor;
}

}  // namespace ops::cli
