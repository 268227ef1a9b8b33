#include "services/tickets/ticket_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/grpc/status_convert.h"
#include "libs/grpc/stream_reactor.h"

namespace ops::tickets {
namespace {

using grpcutil::ToGrpcStatus;

// Copies a StatusOr's value into *out, or returns its error as a gRPC status.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* out) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *out = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

TicketServiceImpl::TicketServiceImpl(TicketStore* store,
                                     grpcutil::EventHub<tv1::TicketEvent>* hub, Options options)
    : store_(store), hub_(hub), options_(options) {}

grpc::Status TicketServiceImpl::ReportSignal(grpc::ServerContext*,
                                             const tv1::ReportSignalRequest* request,
                                             tv1::ReportSignalResponse* response) {
  return Reply(store_->ReportSignal(*request), response);
}

grpc::Status TicketServiceImpl::ReportObserverStatus(grpc::ServerContext*,
                                                     const tv1::ReportObserverStatusRequest* request,
                                                     tv1::ReportObserverStatusResponse*) {
  return ToGrpcStatus(store_->ReportObserverStatus(*request));
}

grpc::Status TicketServiceImpl::ListTickets(grpc::ServerContext*,
                                            const tv1::ListTicketsRequest* request,
                                            tv1::ListTicketsResponse* response) {
  return Reply(store_->ListTickets(*request), response);
}

grpc::Status TicketServiceImpl::GetTicket(grpc::ServerContext*,
                                          const tv1::GetTicketRequest* request,
                                          tv1::Ticket* response) {
  return Reply(store_->GetTicket(request->ticket_id()), response);
}

grpc::Status TicketServiceImpl::HoldTicket(grpc::ServerContext*,
                                           const tv1::HoldTicketRequest* request,
                                           tv1::Ticket* response) {
  return Reply(store_->HoldTicket(*request), response);
}

grpc::Status TicketServiceImpl::ReleaseTicket(grpc::ServerContext*,
                                              const tv1::ReleaseTicketRequest* request,
                                              tv1::Ticket* response) {
  return Reply(store_->ReleaseTicket(*request), response);
}

grpc::Status TicketServiceImpl::ResolveTicket(grpc::ServerContext*,
                                              const tv1::ResolveTicketRequest* request,
                                              tv1::Ticket* response) {
  return Reply(store_->ResolveTicket(*request), response);
}

grpc::Status TicketServiceImpl::ClaimForDiagnosis(grpc::ServerContext*,
                                                  const tv1::ClaimForDiagnosisRequest* request,
                                                  tv1::ClaimForDiagnosisResponse* response) {
  return Reply(store_->ClaimForDiagnosis(*request), response);
}

grpc::Status TicketServiceImpl::AttachDiagnosis(grpc::ServerContext*,
                                                const tv1::AttachDiagnosisRequest* request,
                                                tv1::Ticket* response) {
  return Reply(store_->AttachDiagnosis(*request), response);
}

grpc::ServerWriteReactor<tv1::TicketEvent>* TicketServiceImpl::WatchTickets(
    grpc::CallbackServerContext*, const tv1::WatchTicketsRequest* request) {
  using Reactor = grpcutil::HubWriteReactor<tv1::TicketEvent>;
  // Subscribe before reading the backlog so no event falls between the two.
  auto sub = hub_->Subscribe();
  if (!sub.ok()) return grpcutil::FinishedWriteReactor<tv1::TicketEvent>(ToGrpcStatus(sub.status()));
  Reactor::Options options;
  options.seq = [](const tv1::TicketEvent& e) { return e.seq(); };
  options.resume_hint = [](const tv1::TicketEvent* last) {
    return last ? absl::StrCat("resume from seq ", last->seq() + 1) : std::string("resume");
  };
  if (request->ticket_ids_size() > 0) {
    auto ids = std::make_shared<absl::flat_hash_set<std::string>>(request->ticket_ids().begin(),
                                                                  request->ticket_ids().end());
    options.include = [ids](const tv1::TicketEvent& e) { return ids->contains(e.ticket_id()); };
  }
  std::vector<tv1::TicketEvent> backlog;
  if (request->from_seq() > 0) {
    options.after_seq = request->from_seq() - 1;
    // Blocks this callback thread for one bounded query; replays are rare (reconnects).
    auto stored = store_->EventsAfter(options.after_seq, options_.max_replay);
    if (!stored.ok()) {
      (*sub)->Cancel();
      return grpcutil::FinishedWriteReactor<tv1::TicketEvent>(ToGrpcStatus(stored.status()));
    }
    if (stored->size() == options_.max_replay) {
      options.end_after_backlog = grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("replay paused after ", stored->size(), " events; resume from seq ",
                       stored->back().seq() + 1));
    }
    for (tv1::TicketEvent& e : *stored) {
      if (!options.include || options.include(e)) backlog.push_back(std::move(e));
    }
    // Live events up to the last stored one were sent (or filtered) already.
    if (!stored->empty()) options.after_seq = stored->back().seq();
  }
  ++active_streams_;
  options.on_done = [this] { --active_streams_; };
  return Reactor::Start(*std::move(sub), std::move(backlog), std::move(options));
}

}  // namespace ops::tickets
