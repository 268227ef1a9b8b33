// The detail view of `operator tickets show`: every field of one ticket a person reads when
// deciding what to do (status with held/flapping flags, timestamps with ages, the latest
// signal, how many snapshots are stored, and each diagnosis's root cause, confidence and
// Markdown). Pure; thread-safe.
#ifndef OPS_CLIENTS_CLI_TICKET_DETAIL_H_
#define OPS_CLIENTS_CLI_TICKET_DETAIL_H_

#include <string>

#include "clients/cli/ticket_view.h"
#include "ops/v1/tickets.pb.h"

namespace ops::cli {

// Several sections of "key  value" lines; ages are relative to options.now.
std::string RenderTicketDetail(const tickets::v1::Ticket& ticket, const ViewOptions& options);

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_TICKET_DETAIL_H_
