#include "clients/cli/rpc_error.h"

#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/command.h"
#include "clients/cli/format.h"

namespace ops::cli {

std::string StatusCodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < static_cast<int>(std::size(kNames)) ? kNames[i] : absl::StrCat("code ", i);
}

namespace {

std::string WhereToSet(const ServiceTarget& t) {
  return absl::StrCat("set --", t.flag, " or ", t.env);
}

}  // namespace

std::string TransportReason(absl::string_view grpc_message) {
  const std::string m = absl::AsciiStrToLower(grpc_message);
  if (absl::StrContains(m, "connection refused")) return "connection refused";
  if (absl::StrContains(m, "dns resolution failed") || absl::StrContains(m, "name or service") ||
      absl::StrContains(m, "unresolved address")) {
    return "name not resolved";
  }
  if (absl::StrContains(m, "no route to host") || absl::StrContains(m, "network is unreachable")) {
    return "no route to host";
  }
  if (absl::StrContains(m, "socket closed") || absl::StrContains(m, "connection reset") ||
      absl::StrContains(m, "broken pipe") || absl::StrContains(m, "goaway")) {
    return "connection lost";
  }
  if (absl::StrContains(m, "failed to connect") || absl::StrContains(m, "connections to all")) {
    return "cannot connect";
  }
  return "";
}

RpcFailure DescribeRpcFailure(const grpc::Status& status, const ServiceTarget& target,
                              absl::string_view what) {
  const std::string& msg = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE: {
      const std::string reason = TransportReason(msg);
      if (reason.empty()) {
        // The service answered, but says it cannot serve right now.
        return {absl::StrCat("the ", target.name, " service at ", target.address,
                             " is unavailable: ", msg),
                kExitUnreachable};
      }
      return {absl::StrCat("cannot reach the ", target.name, " service at ", target.address, " (",
                           reason, "); is it running? ", WhereToSet(target)),
              kExitUnreachable};
    }
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {
          absl::StrCat("the ", target.name, " service at ", target.address,
                       " did not answer within ", HumanDuration(target.timeout),
                       "; is it running and reachable? raise --timeout, or ", WhereToSet(target)),
          kExitUnreachable};
    case grpc::StatusCode::NOT_FOUND:
      return {what.empty() ? msg : absl::StrCat(what, " not found"), kExitFailed};
    case grpc::StatusCode::CANCELLED:
      return {"interrupted", kExitInterrupted};
    case grpc::StatusCode::UNIMPLEMENTED:
      return {absl::StrCat("the service at ", target.address, " does not implement this call (",
                           msg, "); is it the ", target.name, " service? ", WhereToSet(target)),
              kExitFailed};
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return {msg.empty() ? StatusCodeName(status.error_code()) : msg, kExitFailed};
    default:
      return {absl::StrCat("the ", target.name, " service failed: ",
                           StatusCodeName(status.error_code()), msg.empty() ? "" : ": ", msg),
              kExitFailed};
  }
}

}  // namespace ops::cli
