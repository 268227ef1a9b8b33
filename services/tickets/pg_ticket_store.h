// PgTicketStore: TicketStore on PostgreSQL (schema.h). Every write is one read-committed
// transaction that locks the ticket row (SELECT ... FOR UPDATE), applies the lifecycle from
// core/ticket_lifecycle.h with the time from the injected Clock, writes the row and appends
// the resulting events with the next global seqs, then NOTIFYs kEventChannel. Concurrent
// first reports of one fingerprint race on the partial unique index; the loser retries and
// records an occurrence instead, so no fingerprint ever has two unresolved tickets.
//
// Thread safety: thread-safe (the Database pool is; the store keeps no other state).
#ifndef OPS_SERVICES_TICKETS_PG_TICKET_STORE_H_
#define OPS_SERVICES_TICKETS_PG_TICKET_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/ticket_lifecycle.h"
#include "libs/pg/database.h"
#include "pqxx/nontransaction"
#include "pqxx/transaction"
#include "services/tickets/ticket_rows.h"
#include "services/tickets/ticket_store.h"

namespace ops::tickets {

// A write transaction driven by hand (BEGIN, statements, COMMIT) so that the statements that
// must run last — the event appends, which take the append lock — travel in the same message
// as COMMIT: the lock is then held for no client round trip.
class WriteTxn final : public pqxx::nontransaction {
 public:
  explicit WriteTxn(pqxx::connection_base& conn)
      : pqxx::internal::namedclass("nontransaction", "write"), pqxx::nontransaction(conn) {}
  // SQL run right before COMMIT, in the same message (statements separated by "; ").
  std::string commit_tail;
};

class PgTicketStore final : public TicketStore {
 public:
  struct Options {
    core::TicketPolicy policy;
    // Later evidence snapshots kept per ticket (the first one is always kept).
    int max_later_snapshots = 10;
    // Attempts for a write that lost a race (unique violation, serialization failure).
    int max_attempts = 5;
  };

  // `db` and `clock` must outlive the store. The schema must be migrated (TicketMigrations).
  PgTicketStore(pg::Database* db, const core::Clock* clock, Options options);

  absl::StatusOr<tv1::ReportSignalResponse> ReportSignal(
      const tv1::ReportSignalRequest& request) override;
  absl::Status ReportObserverStatus(const tv1::ReportObserverStatusRequest& request) override;
  absl::StatusOr<tv1::ListTicketsResponse> ListTickets(
      const tv1::ListTicketsRequest& request) override;
  absl::StatusOr<tv1::Ticket> GetTicket(const std::string& ticket_id) override;
  absl::StatusOr<tv1::Ticket> HoldTicket(const tv1::HoldTicketRequest& request) override;
  absl::StatusOr<tv1::Ticket> ReleaseTicket(const tv1::ReleaseTicketRequest& request) override;
  absl::StatusOr<tv1::Ticket> ResolveTicket(const tv1::ResolveTicketRequest& request) override;
  absl::StatusOr<tv1::ClaimForDiagnosisResponse> ClaimForDiagnosis(
      const tv1::ClaimForDiagnosisRequest& request) override;
  absl::StatusOr<tv1::Ticket> AttachDiagnosis(const tv1::AttachDiagnosisRequest& request) override;
  absl::StatusOr<int> ResolveDueTickets() override;
  absl::StatusOr<std::vector<tv1::TicketEvent>> EventsAfter(uint64_t after_seq,
                                                            size_t limit) override;
  absl::StatusOr<uint64_t> LastSeq() override;

 private:
  // A lifecycle step on one locked ticket: may change t.state (and t.ticket) and returns the
  // events to append, or an error that rolls everything back.
  using Step = std::function<absl::StatusOr<std::vector<core::TicketChange>>(
      WriteTxn& tx, StoredTicket& t, absl::Time now)>;

  // Locks ticket `ticket_id` and runs `step`; saves the state and appends the events when the
  // step returns any. Returns the whole ticket afterwards. NOT_FOUND for an unknown ticket.
  absl::StatusOr<tv1::Ticket> ChangeTicket(const std::string& ticket_id, const std::string& actor,
                                           const Step& step);

  // Runs `fn` in a WriteTxn and commits it (with its commit_tail), again when it loses a race
  // (ALREADY_EXISTS or ABORTED). Rolls back on any error.
  absl::Status WriteWithRetry(const std::function<absl::Status(WriteTxn&)>& fn);

  // The ticket with this id, locked FOR UPDATE; nullopt when there is none.
  absl::StatusOr<std::optional<StoredTicket>> LockTicket(WriteTxn& tx, int64_t id);

  // Writes the lifecycle columns of `t`; with `snapshot`, also stores it as later snapshot
  // number t.snapshot_count (already incremented) and drops the oldest beyond the bound.
  void SaveState(WriteTxn& tx, const StoredTicket& t,
                 const tv1::EvidenceSnapshot* snapshot = nullptr,
                 absl::Time now = absl::InfinitePast());

  // Appends one event per change for ticket `t` (or an observer-wide event when t is null) and
  // notifies listeners. The appends go to tx.commit_tail: they take the append lock, held until
  // commit, so they run right before COMMIT in the same message.
  absl::Status AppendEvents(WriteTxn& tx, const StoredTicket* t,
                            const std::vector<core::TicketChange>& changes,
                            const std::string& actor, absl::Time now);

  // True when the newest status of any observer of `subject` says blind.
  bool SubjectBlind(WriteTxn& tx, const std::string& subject);

  pg::Database* const db_;
  const core::Clock* const clock_;
  const Options options_;
};

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_PG_TICKET_STORE_H_
