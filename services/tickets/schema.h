// The tickets service's PostgreSQL schema, as versioned migrations applied at start-up by
// ops::pg::Database::Migrate (libs/pg/migration.h). Append new versions; never edit an applied
// one.
//
// Tables:
//   tickets           one row per ticket; at most one unresolved row per fingerprint (a partial
//                     unique index), which is what makes ReportSignal idempotent.
//   ticket_snapshots  evidence snapshots after the first, bounded per ticket.
//   ticket_diagnoses  diagnoses in attach order, structured (protobuf) and Markdown.
//   ticket_events     the append-only event log; seq is global, gap-free and assigned under a
//                     transaction-scoped advisory lock, so commit order equals seq order and a
//                     reader that has seen seq N has seen everything below it.
//   observer_status   each observer's latest visibility report.
#ifndef OPS_SERVICES_TICKETS_SCHEMA_H_
#define OPS_SERVICES_TICKETS_SCHEMA_H_

#include <cstdint>
#include <vector>

#include "libs/pg/migration.h"

namespace ops::tickets {

// Key of the transaction-scoped advisory lock that serializes event appends.
inline constexpr int64_t kEventAppendLock = 0x6f70735f65767473;  // "ops_evts"

// NOTIFY channel carrying the newest committed seq (as text) after every append.
inline constexpr char kEventChannel[] = "ops_ticket_events";

// Status values as stored (the ops.tickets.v1.TicketStatus numbers).
inline constexpr int kStoredResolved = 4;

const std::vector<pg::Migration>& TicketMigrations();

}  // namespace ops::tickets

#endif  // OPS_SERVICES_TICKETS_SCHEMA_H_
