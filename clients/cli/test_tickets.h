// Test-only: canned tickets and events shared by the clients_cli tests, at fixed times around
// kTestNow so rendered ages are stable.
#ifndef OPS_CLIENTS_CLI_TEST_TICKETS_H_
#define OPS_CLIENTS_CLI_TEST_TICKETS_H_

#include <string>

#include "absl/time/time.h"
#include "core/proto_time.h"
#include "ops/v1/tickets.pb.h"

namespace ops::cli::testing {

// 2023-11-14 22:13:20 UTC.
inline const absl::Time kTestNow = absl::FromUnixSeconds(1'700'000'000);

// An open, critical store_down ticket on store 4 last seen 3 minutes before kTestNow.
inline tickets::v1::Ticket MakeTicket(const std::string& id = "T-000001") {
  tickets::v1::Ticket t;
  t.set_id(id);
  t.set_fingerprint("0123456789abcdef");
  t.set_subject("tikv");
  t.set_invariant("store_down");
  t.mutable_entity()->set_kind("store");
  t.mutable_entity()->set_id("4");
  t.set_severity(common::v1::SEVERITY_CRITICAL);
  t.set_status(tickets::v1::TICKET_STATUS_OPEN);
  t.set_occurrences(3);
  *t.mutable_first_seen() = core::TimeToProto(kTestNow - absl::Hours(2));
  *t.mutable_opened_at() = core::TimeToProto(kTestNow - absl::Hours(2));
  *t.mutable_last_seen() = core::TimeToProto(kTestNow - absl::Minutes(3));
  t.set_summary("Store 4 is down: no heartbeat for 35m");
  common::v1::Signal* s = t.mutable_signal();
  s->set_fingerprint(t.fingerprint());
  s->set_invariant("store_down");
  s->set_subject("tikv");
  s->set_severity(common::v1::SEVERITY_CRITICAL);
  s->set_state(common::v1::SIGNAL_STATE_FIRING);
  s->set_summary(t.summary());
  s->set_value(1);
  s->set_source("invariant");
  *s->mutable_fired_at() = core::TimeToProto(kTestNow - absl::Hours(2));
  return t;
}

// An event of `type` about MakeTicket(id) at kTestNow - 1 minute.
inline tickets::v1::TicketEvent MakeEvent(uint64_t seq, tickets::v1::TicketEventType type,
                                          const std::string& id = "T-000001") {
  tickets::v1::TicketEvent e;
  e.set_seq(seq);
  e.set_ticket_id(id);
  e.set_type(type);
  *e.mutable_at() = core::TimeToProto(kTestNow - absl::Minutes(1));
  e.set_actor("observer:obs-1");
  *e.mutable_ticket() = MakeTicket(id);
  return e;
}

}  // namespace ops::cli::testing

#endif  // OPS_CLIENTS_CLI_TEST_TICKETS_H_
