// TicketStore: where tickets live. The gRPC service (ticket_service.h) validates requests and
// maps errors; the store applies the lifecycle (core/ticket_lifecycle.h) atomically and appends
// every change to the event log. PgTicketStore (pg_ticket_store.h) is the real one.
//
// Error codes: NOT_FOUND for an unknown ticket, INVALID_ARGUMENT for bad requests,
// FAILED_PRECONDITION for invalid transitions (with the reason), UNAVAILABLE when the database
// is unreachable (retryable), DATA_LOSS for stored data that does not parse.
//
// Thread safety: implementations are thread-safe.
#ifndef OPS_SERVICES_TICKETS_TICKET_STORE_H_
#define OPS_SERVICES_TICKETS_TICKET_STORE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ops/v1/tickets.pb.h"

namespace ops::tickets {

namespace tv1 = ::ops::tickets::v1;

class TicketStore {
 public:
  virtual ~TicketStore() = default;

  // Opens, reopens or updates the ticket of the signal's fingerprint (see tickets.proto).
  virtual absl::StatusOr<tv1::ReportSignalResponse> ReportSignal(
      const tv1::ReportSignalRequest& request) = 0;

  // Records an observer's visibility. When a subject's observer turns from blind to seeing,
  // running clear windows of that subject restart: what was "clear" while blind proves nothing.
  virtual absl::Status ReportObserverStatus(const tv1::ReportObserverStatusRequest& request) = 0;

  virtual absl::StatusOr<tv1::ListTicketsResponse> ListTickets(
      const tv1::ListTicketsRequest& request) = 0;
  virtual absl::StatusOr<tv1::Ticket> GetTicket(const std::string& ticket_id) = 0;
  virtual absl::StatusOr<tv1::Ticket> HoldTicket(const tv1::HoldTicketRequest& request) = 0;
  virtual absl::StatusOr<tv1::Ticket> ReleaseTicket(const tv1::ReleaseTicketRequest& request) = 0;
  virtual absl::StatusOr<tv1::Ticket> ResolveTicket(const tv1::ResolveTicketRequest& request) = 0;
  virtual absl::StatusOr<tv1::ClaimForDiagnosisResponse> ClaimForDiagnosis(
      const tv1::ClaimForDiagnosisRequest& request) = 0;
  virtual absl::StatusOr<tv1::Ticket> AttachDiagnosis(
      const tv1::AttachDiagnosisRequest& request) = 0;

  // Resolves every ticket whose clear window has run out (not held, observer not blind).
  // Returns how many resolved. Safe to run from several replicas at once.
  virtual absl::StatusOr<int> ResolveDueTickets() = 0;

  // Up to `limit` events with seq > after_seq, in seq order.
  virtual absl::StatusOr<std::vector<tv1::TicketEvent>> EventsAfter(uint64_t after_seq,
                                                                    size_t limit) = 0;

  // The newest committed seq (0 when the log is empty).
  virtual absl::StatusOr<uint64_t> LastSeq() = 0;
};

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_TICKET_STORE_H_
