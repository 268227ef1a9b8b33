// `operator tickets watch`: follows the WatchTickets stream on this one thread. When the stream
// breaks or the server ends it (RESOURCE_EXHAUSTED for a slow reader, OK when it shuts down),
// it reconnects from the last seq seen + 1 after a capped exponential backoff with jitter,
// saying so on stderr. Ctrl-C cancels the open stream or the wait and ends with exit code 0.
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/command_util.h"
#include "clients/cli/format.h"
#include "clients/cli/json_output.h"
#include "clients/cli/ticket_view.h"
#include "clients/cli/tickets_commands.h"
#include "libs/grpc/status_convert.h"
#include "libs/status/retry.h"
#include "ops/v1/tickets.grpc.pb.h"

namespace ops::cli {
namespace {

namespace tv1 = ::ops::tickets::v1;

// Waits between attempts: 0.5 s, 1 s, 2 s ... up to 30 s, with jitter.
constexpr Backoff kBackoff = {absl::Milliseconds(500), absl::Seconds(30), 2.0};

struct WatchState {
  uint64_t from_seq = 0;      // what the next WatchTickets asks for
  bool received_any = false;  // any event so far (in any attempt)
  uint64_t last_seq = 0;      // valid when received_any
  bool header_printed = false;
};

// Reads one stream to its end, printing each new event. Returns the stream's final status.
grpc::Status FollowOnce(const Invocation& inv, tv1::TicketService::StubInterface* stub,
                        const tv1::WatchTicketsRequest& req, WatchState* state, int* attempt) {
  grpc::ClientContext ctx;
  Interrupt::Attachment attachment(inv.ctx->interrupt, &ctx);
  std::unique_ptr<grpc::ClientReaderInterface<tv1::TicketEvent>> reader =
      stub->WatchTickets(&ctx, req);
  tv1::TicketEvent event;
  while (reader->Read(&event)) {
    // The server guarantees order; a replay overlapping what we printed is skipped anyway.
    if (state->received_any && event.seq() <= state->last_seq) continue;
    state->received_any = true;
    state->last_seq = event.seq();
    state->from_seq = event.seq() + 1;
    *attempt = 0;
    if (inv.global.output == OutputFormat::kJson) {
      absl::StatusOr<std::string> json = ToJson(event, /*multiline=*/false);
      if (json.ok()) {
        inv.out() << *json << "\n";
      } else {
        inv.err() << inv.path << ": " << json.status().message() << "\n";
      }
    } else {
      // The header waits for the first event so a failed start prints only the error.
      if (!state->header_printed) inv.out() << RenderEventHeader(ViewFor(inv));
      state->header_printed = true;
      inv.out() << RenderEventLine(event, ViewFor(inv));
    }
    inv.out().flush();
  }
  return reader->Finish();
}

// Why the stream ended, for the reconnect message.
std::string EndReason(const grpc::Status& status, const ServiceTarget& target) {
  if (status.ok()) return "the tickets service ended the stream";
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return DescribeRpcFailure(status, target).message;
  }
  return absl::StrCat("stream ended: ", StatusCodeName(status.error_code()),
                      status.error_message().empty() ? "" : ": ", status.error_message());
}

}  // namespace

int RunTicketsWatch(const Invocation& inv) {
  WatchState state;
  if (inv.args.Has("from-seq") && !absl::SimpleAtoi(inv.args.Get("from-seq"), &state.from_seq)) {
    return inv.UsageError(absl::StrCat("bad --from-seq \"", inv.args.Get("from-seq"),
                                       "\" (want a sequence number; 0 means new events only)"));
  }
  if (!inv.ctx->clients.tickets) {
    inv.err() << inv.path << ": internal error: no tickets client configured\n";
    return kExitFailed;
  }
  auto stub = inv.ctx->clients.tickets(inv.global.tickets_addr);
  const ServiceTarget target = TicketsTarget(inv);
  tv1::WatchTicketsRequest req;
  for (const std::string& id : inv.args.positionals) req.add_ticket_ids(id);

  inv.err() << "watching tickets at " << target.address
            << (state.from_seq == 0 ? " (new events only)"
                                    : absl::StrCat(" from seq ", state.from_seq))
            << "; Ctrl-C to stop\n";

  const auto unit_random = inv.ctx->unit_random ? inv.ctx->unit_random : UnitRandom;
  int attempt = 0;
  for (bool first = true;; first = false) {
    req.set_from_seq(state.from_seq);
    const grpc::Status status = FollowOnce(inv, stub.get(), req, &state, &attempt);
    if (inv.ctx->interrupt->triggered()) return kExitOk;
    // Nothing listening at the very start is a wrong address or a stopped service: say so
    // and stop, like the other commands, rather than retrying silently forever.
    if (first && !state.received_any && status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        !TransportReason(status.error_message()).empty()) {
      return ReportRpcFailure(inv, status, target);
    }
    if (!status.ok() && !IsRetryable(grpcutil::ToAbslStatus(status))) {
      const int code = ReportRpcFailure(inv, status, target);
      if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
        inv.err() << "(the service no longer keeps events that old; --from-seq 0 follows new "
                     "events only)\n";
      }
      return code;
    }
    const absl::Duration delay = kBackoff.Delay(attempt++, unit_random());
    inv.err() << "watch: " << EndReason(status, target) << "; reconnecting "
              << (state.from_seq == 0 ? std::string("for new events")
                                      : absl::StrCat("from seq ", state.from_seq))
              << " in " << HumanDuration(delay) << "\n";
    if (!inv.Wait(delay)) return kExitOk;
  }
}

}  // namespace ops::cli
