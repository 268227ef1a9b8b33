// TicketServiceImpl: the ops.tickets.v1.TicketService gRPC API over a TicketStore. Unary
// methods are synchronous (they wait on PostgreSQL); WatchTickets is a callback stream that
// replays stored events after from_seq (at most max_replay per call) and then follows the
// EventHub fed by EventFeed.
//
// Error mapping: store errors go out with their code (ops::grpcutil::ToGrpcStatus), so a lost
// database is UNAVAILABLE (clients retry) and an invalid transition FAILED_PRECONDITION with the
// reason. A replay cut at max_replay ends with UNAVAILABLE "resume from seq N"; a client too slow
// for the live stream ends with RESOURCE_EXHAUSTED "consumer too slow; resume from seq N".
//
// Thread safety: thread-safe; the store and hub must outlive it.
#ifndef OPS_SERVICES_TICKETS_TICKET_SERVICE_H_
#define OPS_SERVICES_TICKETS_TICKET_SERVICE_H_

#include <atomic>
#include <cstddef>

#include "libs/grpc/event_hub.h"
#include "ops/v1/tickets.grpc.pb.h"
#include "services/tickets/ticket_store.h"

namespace ops::tickets {

class TicketServiceImpl final
    : public tv1::TicketService::WithCallbackMethod_WatchTickets<tv1::TicketService::Service> {
 public:
  struct Options {
    // Stored events sent per WatchTickets call before the client must resume.
    size_t max_replay = 5000;
  };

  TicketServiceImpl(TicketStore* store, grpcutil::EventHub<tv1::TicketEvent>* hub,
                    Options options);

  grpc::Status ReportSignal(grpc::ServerContext* ctx, const tv1::ReportSignalRequest* request,
                            tv1::ReportSignalResponse* response) override;
  grpc::Status ReportObserverStatus(grpc::ServerContext* ctx,
                                    const tv1::ReportObserverStatusRequest* request,
                                    tv1::ReportObserverStatusResponse* response) override;
  grpc::Status ListTickets(grpc::ServerContext* ctx, const tv1::ListTicketsRequest* request,
                           tv1::ListTicketsResponse* response) override;
  grpc::Status GetTicket(grpc::ServerContext* ctx, const tv1::GetTicketRequest* request,
                         tv1::Ticket* response) override;
  grpc::Status HoldTicket(grpc::ServerContext* ctx, const tv1::HoldTicketRequest* request,
                          tv1::Ticket* response) override;
  grpc::Status ReleaseTicket(grpc::ServerContext* ctx, const tv1::ReleaseTicketRequest* request,
                             tv1::Ticket* response) override;
  grpc::Status ResolveTicket(grpc::ServerContext* ctx, const tv1::ResolveTicketRequest* request,
                             tv1::Ticket* response) override;
  grpc::Status ClaimForDiagnosis(grpc::ServerContext* ctx,
                                 const tv1::ClaimForDiagnosisRequest* request,
                                 tv1::ClaimForDiagnosisResponse* response) override;
  grpc::Status AttachDiagnosis(grpc::ServerContext* ctx,
                               const tv1::AttachDiagnosisRequest* request,
                               tv1::Ticket* response) override;
  grpc::ServerWriteReactor<tv1::TicketEvent>* WatchTickets(
      grpc::CallbackServerContext* ctx, const tv1::WatchTicketsRequest* request) override;

  // Open WatchTickets streams (for /metrics and tests).
  int active_streams() const { return active_streams_.load(); }

 private:
  TicketStore* const store_;
  grpcutil::EventHub<tv1::TicketEvent>* const hub_;
  const Options options_;
  std::atomic<int> active_streams_{0};
};

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_TICKET_SERVICE_H_
