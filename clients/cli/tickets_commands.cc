// Handlers of the unary `operator tickets` commands: list, show, hold, release, resolve.
#include "clients/cli/tickets_commands.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/command_util.h"
#include "clients/cli/ticket_detail.h"
#include "clients/cli/ticket_view.h"
#include "core/proto_time.h"
#include "ops/v1/tickets.grpc.pb.h"

namespace ops::cli {
namespace {

namespace tv1 = ::ops::tickets::v1;

constexpr int kDefaultLimit = 50;
constexpr int kMaxPageSize = 1000;  // the server caps page_size here

// A stub for the tickets service, or nullptr when no factory is wired (a programming error
// reported as such rather than a crash).
std::unique_ptr<tv1::TicketService::StubInterface> TicketsStub(const Invocation& inv) {
  if (!inv.ctx->clients.tickets) return nullptr;
  return inv.ctx->clients.tickets(inv.global.tickets_addr);
}

int NoStub(const Invocation& inv) {
  inv.err() << inv.path << ": internal error: no tickets client configured\n";
  return kExitFailed;
}

// Fills the filters of `req` from the command line; a usage error message on bad input.
absl::Status BuildListRequest(const Invocation& inv, tv1::ListTicketsRequest* req) {
  for (const std::string& value : inv.args.GetAll("status")) {
    absl::StatusOr<std::vector<tv1::TicketStatus>> statuses = ParseStatuses(value);
    if (!statuses.ok()) return statuses.status();
    for (tv1::TicketStatus s : *statuses) {
      if (std::find(req->statuses().begin(), req->statuses().end(), s) == req->statuses().end()) {
        req->add_statuses(s);
      }
    }
  }
  if (inv.args.Has("severity")) {
    absl::StatusOr<common::v1::Severity> severity = ParseSeverity(inv.args.Get("severity"));
    if (!severity.ok()) return severity.status();
    req->set_min_severity(*severity);
  }
  if (inv.args.Has("since")) {
    absl::StatusOr<absl::Time> since = ParseSince(inv.args.Get("since"), ViewFor(inv).now);
    if (!since.ok()) return since.status();
    *req->mutable_since() = core::TimeToProto(*since);
  }
  req->set_summary_only(true);
  return absl::OkStatus();
}

// What hold, release and resolve have in common: one call that returns the ticket.
struct Action {
  const char* verb;  // "held"
  grpc::Status (*call)(tv1::TicketService::StubInterface* stub, grpc::ClientContext* ctx,
                       const std::string& id, const std::string& actor, const std::string& reason,
                       tv1::Ticket* ticket);
  bool reason_required;
};

int RunAction(const Invocation& inv, const Action& action) {
  const std::string& id = inv.args.positionals[0];
  const std::string reason = inv.args.Get("reason");
  if (action.reason_required && absl::StripAsciiWhitespace(reason).empty()) {
    return inv.UsageError("--reason is required (say why, for the ticket's history)");
  }
  const std::string actor = ActorFor(inv);
  auto stub = TicketsStub(inv);
  if (stub == nullptr) return NoStub(inv);
  tv1::Ticket ticket;
  grpc::Status status;
  {
    UnaryCall call(inv);
    status = action.call(stub.get(), call.context(), id, actor, reason, &ticket);
  }
  if (!status.ok()) return ReportRpcFailure(inv, status, TicketsTarget(inv), "ticket " + id);
  if (inv.global.output == OutputFormat::kJson) return PrintJson(inv, ticket, true);
  const ViewOptions view = ViewFor(inv);
  inv.out() << ticket.id() << " " << action.verb << " by " << actor << (reason.empty() ? "" : ": ")
            << reason << "\n"
            << "  now " << Colorize(StatusText(ticket), StatusRole(ticket.status()), view.color)
            << ", "
            << Colorize(SeverityName(ticket.severity()), SeverityRole(ticket.severity()),
                        view.color)
            << ", " << ticket.invariant() << " on " << EntityText(ticket.entity()) << "\n";
  return kExitOk;
}

}  // namespace

ServiceTarget TicketsTarget(const Invocation& inv) {
  return {"tickets", inv.global.tickets_addr, "tickets_addr", "OPS_TICKETS_ADDR",
          inv.global.timeout};
}

absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now) {
  const std::string s(absl::StripAsciiWhitespace(text));
  absl::Duration d;
  int64_t days = 0;
  if (!s.empty() && s.back() == 'd' && absl::SimpleAtoi(s.substr(0, s.size() - 1), &days) &&
      days >= 0) {
    return now - absl::Hours(24) * days;
  }
  if (absl::ParseDuration(s, &d)) {
    if (d < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("--since \"", text, "\" is negative"));
    }
    return now - d;
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &error)) return t;
  return absl::InvalidArgumentError(
      absl::StrCat("bad --since \"", text,
                   "\" (want a duration such as 30m, 2h or 3d, or an RFC 3339 time such as "
                   "2024-05-01T10:00:00Z)"));
}

int RunTicketsList(const Invocation& inv) {
  tv1::ListTicketsRequest req;
  if (absl::Status s = BuildListRequest(inv, &req); !s.ok()) return inv.UsageError(s.message());
  int limit = kDefaultLimit;
  if (inv.args.Has("limit") && (!absl::SimpleAtoi(inv.args.Get("limit"), &limit) || limit <= 0)) {
    return inv.UsageError(
        absl::StrCat("bad --limit \"", inv.args.Get("limit"), "\" (want a positive number)"));
  }
  auto stub = TicketsStub(inv);
  if (stub == nullptr) return NoStub(inv);

  // Pages until `limit` tickets or the last page; the final token says whether more match.
  tv1::ListTicketsResponse all;
  std::string next_token;
  do {
    req.set_page_size(std::min(limit - all.tickets_size(), kMaxPageSize));
    req.set_page_token(next_token);
    tv1::ListTicketsResponse page;
    grpc::Status status;
    {
      UnaryCall call(inv);
      status = stub->ListTickets(call.context(), req, &page);
    }
    if (!status.ok()) return ReportRpcFailure(inv, status, TicketsTarget(inv));
    for (tv1::Ticket& t : *page.mutable_tickets()) {
      if (all.tickets_size() < limit) *all.add_tickets() = std::move(t);
    }
    next_token = page.next_page_token();
  } while (!next_token.empty() && all.tickets_size() < limit);
  all.set_next_page_token(next_token);

  if (inv.global.output == OutputFormat::kJson) return PrintJson(inv, all, true);
  if (all.tickets_size() == 0) {
    inv.out() << "no tickets match\n";
    return kExitOk;
  }
  const std::vector<tv1::Ticket> tickets(all.tickets().begin(), all.tickets().end());
  inv.out() << RenderTicketTable(tickets, ViewFor(inv));
  if (!next_token.empty()) {
    inv.err() << "showing the newest " << tickets.size()
              << " tickets; more match (raise --limit or narrow the filters)\n";
  }
  return kExitOk;
}

int RunTicketsShow(const Invocation& inv) {
  const std::string& id = inv.args.positionals[0];
  auto stub = TicketsStub(inv);
  if (stub == nullptr) return NoStub(inv);
  tv1::GetTicketRequest req;
  req.set_ticket_id(id);
  tv1::Ticket ticket;
  grpc::Status status;
  {
    UnaryCall call(inv);
    status = stub->GetTicket(call.context(), req, &ticket);
  }
  if (!status.ok()) return ReportRpcFailure(inv, status, TicketsTarget(inv), "ticket " + id);
  if (inv.global.output == OutputFormat::kJson) return PrintJson(inv, ticket, true);
  inv.out() << RenderTicketDetail(ticket, ViewFor(inv));
  return kExitOk;
}

int RunTicketsHold(const Invocation& inv) {
  static const Action kHold = {
      "held",
      [](tv1::TicketService::StubInterface* stub, grpc::ClientContext* ctx, const std::string& id,
         const std::string& actor, const std::string& reason, tv1::Ticket* ticket) {
        tv1::HoldTicketRequest req;
        req.set_ticket_id(id);
        req.set_actor(actor);
        req.set_reason(reason);
        return stub->HoldTicket(ctx, req, ticket);
      },
      /*reason_required=*/true};
  return RunAction(inv, kHold);
}

int RunTicketsRelease(const Invocation& inv) {
  static const Action kRelease = {
      "released",
      [](tv1::TicketService::StubInterface* stub, grpc::ClientContext* ctx, const std::string& id,
         const std::string& actor, const std::string& reason, tv1::Ticket* ticket) {
        tv1::ReleaseTicketRequest req;
        req.set_ticket_id(id);
        req.set_actor(actor);
        req.set_reason(reason);
        return stub->ReleaseTicket(ctx, req, ticket);
      },
      /*reason_required=*/false};
  return RunAction(inv, kRelease);
}

int RunTicketsResolve(const Invocation& inv) {
  static const Action kResolve = {
      "resolved",
      [](tv1::TicketService::StubInterface* stub, grpc::ClientContext* ctx, const std::string& id,
         const std::string& actor, const std::string& reason, tv1::Ticket* ticket) {
        tv1::ResolveTicketRequest req;
        req.set_ticket_id(id);
        req.set_actor(actor);
        req.set_reason(reason);
        return stub->ResolveTicket(ctx, req, ticket);
      },
      /*reason_required=*/true};
  return RunAction(inv, kResolve);
}

}  // namespace ops::cli
