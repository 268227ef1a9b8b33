// The `operator tickets` command table: names, arguments, options, help and examples.
#include "clients/cli/tickets_commands.h"

namespace ops::cli {
namespace {

OptionSpec ActorOption() {
  return {"actor", "NAME", "Who is acting, recorded in the ticket's history. Default: $USER."};
}

CommandSpec ListCommand() {
  return {
      .name = "list",
      .summary = "List tickets, most recently seen first",
      .description =
          "Lists tickets matching all the given filters, most recently seen first. The table "
          "shows each ticket's id, status (with held/flapping marks), severity, invariant, "
          "entity, number of occurrences, when it was last seen, and its summary, cut to the "
          "terminal width. Snapshots and diagnoses are left out; use 'operator tickets show ID' "
          "for those.",
      .options =
          {{"status", "S[,S]",
            "Only tickets in these statuses: open, diagnosing, diagnosed, resolved; 'active' "
            "means open,diagnosing,diagnosed. May be repeated. Default: any status."},
           {"severity", "MIN",
            "Only tickets at least this severe: info, warning or critical. Default: any."},
           {"since", "WHEN",
            "Only tickets seen at or after WHEN: a duration back from now (30m, 2h, 3d) or an "
            "RFC 3339 time (2024-05-01T10:00:00Z)."},
           {"limit", "N", "Show at most N tickets (default 50; pages are fetched as needed)."}},
      .examples = {"operator tickets list",
                   "operator tickets list --status active --severity warning",
                   "operator tickets list --status resolved --since 24h --limit 200",
                   "operator tickets list -o json | jq -r '.tickets[].id'"},
      .run = RunTicketsList,
  };
}

CommandSpec ShowCommand() {
  return {
      .name = "show",
      .args_usage = "ID",
      .summary = "Show one ticket in detail",
      .description =
          "Shows one ticket: status with held and flapping flags, timestamps with their age, "
          "the latest signal, how many cluster snapshots are stored as evidence, and every "
          "diagnosis with its root cause, confidence and full Markdown report.",
      .examples = {"operator tickets show T-000123",
                   "operator tickets show T-000123 -o json | jq '.diagnoses[-1].rootCause'"},
      .min_args = 1,
      .max_args = 1,
      .run = RunTicketsShow,
  };
}

CommandSpec HoldCommand() {
  return {
      .name = "hold",
      .args_usage = "ID",
      .summary = "Hold a ticket so it never resolves by itself",
      .description =
          "Holds a ticket: it stays open even after its signal clears, until someone releases "
          "or resolves it. Holding a held ticket replaces actor and reason. A resolved ticket "
          "cannot be held.",
      .options = {{"reason", "TEXT", "Why you hold it (required)."}, ActorOption()},
      .examples = {"operator tickets hold T-000123 --reason \"disk replacement in progress\"",
                   "operator tickets hold T-000123 --reason \"watching\" --actor oncall-bob"},
      .min_args = 1,
      .max_args = 1,
      .run = RunTicketsHold,
  };
}

CommandSpec ReleaseCommand() {
  return {
      .name = "release",
      .args_usage = "ID",
      .summary = "Release a hold",
      .description =
          "Releases a hold so the ticket can resolve by itself again. Releasing a "
          "ticket that is not held changes nothing.",
      .options = {{"reason", "TEXT", "Why (optional)."}, ActorOption()},
      .examples = {"operator tickets release T-000123",
                   "operator tickets release T-000123 --reason \"disk replaced\""},
      .min_args = 1,
      .max_args = 1,
      .run = RunTicketsRelease,
  };
}

CommandSpec ResolveCommand() {
  return {
      .name = "resolve",
      .args_usage = "ID",
      .summary = "Resolve a ticket by hand",
      .description =
          "Resolves a ticket now, recording your reason as its resolution. Resolving "
          "a resolved ticket changes nothing. If the problem fires again, a new "
          "occurrence reopens it.",
      .options = {{"reason", "TEXT", "Why it is resolved (required)."}, ActorOption()},
      .examples = {"operator tickets resolve T-000123 --reason \"store 4 decommissioned\""},
      .min_args = 1,
      .max_args = 1,
      .run = RunTicketsResolve,
  };
}

CommandSpec WatchCommand() {
  return {
      .name = "watch",
      .args_usage = "[ID...]",
      .summary = "Follow ticket events as they happen",
      .description =
          "Prints every ticket event (opened, occurred, held, diagnosis attached, resolved, "
          "...) as it happens, one line each, until Ctrl-C. Give ticket ids to follow only "
          "those. When the stream breaks, or the service drops a reader that fell behind "
          "(RESOURCE_EXHAUSTED), the watch reconnects with capped exponential backoff and "
          "resumes after the last event it printed, saying so on stderr, so no event is "
          "missed or printed twice. With -o json, each event is one JSON object per line.",
      .options = {{"from-seq", "N",
                   "Replay stored events from sequence number N first, then follow. Default 0: "
                   "new events only."}},
      .examples = {"operator tickets watch",
                   "operator tickets watch --from-seq 1   # everything the service still keeps",
                   "operator tickets watch T-000123",
                   "operator tickets watch -o json | jq -c 'select(.type == "
                   "\"TICKET_EVENT_TYPE_OPENED\")'"},
      .max_args = kUnlimitedArgs,
      .run = RunTicketsWatch,
  };
}

}  // namespace

CommandGroup TicketsCommandGroup() {
  return {
      .name = "tickets",
      .summary = "List, inspect, hold, resolve and watch tickets",
      .description =
          "Tickets are the problems Operator found: one per fingerprint, opened when a signal "
          "fires, diagnosed, and resolved automatically once the signal stays clear (unless "
          "held). These commands talk to the tickets service (--tickets_addr).",
      .commands = {ListCommand(), ShowCommand(), HoldCommand(), ReleaseCommand(), ResolveCommand(),
                   WatchCommand()},
      .examples = {"operator tickets list --status active", "operator tickets show T-000123",
                   "operator tickets hold T-000123 --reason \"maintenance\"",
                   "OPS_TICKETS_ADDR=10.0.0.7:50052 operator tickets watch"},
  };
}

}  // namespace ops::cli
