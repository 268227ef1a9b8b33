#include "services/tickets/schema.h"

namespace ops::tickets {

const std::vector<pg::Migration>& TicketMigrations() {
  static const auto* const kMigrations = new std::vector<pg::Migration>{
      {1, "tickets, events, snapshots, diagnoses, observer status", R"sql(
CREATE TABLE tickets (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint       text        NOT NULL,
  subject           text        NOT NULL,
  invariant         text        NOT NULL,
  entity_kind       text        NOT NULL DEFAULT '',
  entity_id         text        NOT NULL DEFAULT '',
  severity          smallint    NOT NULL,
  status            smallint    NOT NULL,   -- ops.tickets.v1.TicketStatus
  held              boolean     NOT NULL DEFAULT false,
  hold_actor        text        NOT NULL DEFAULT '',
  hold_reason       text        NOT NULL DEFAULT '',
  flapping          boolean     NOT NULL DEFAULT false,
  occurrences       bigint      NOT NULL,
  first_seen        timestamptz NOT NULL,
  last_seen         timestamptz NOT NULL,
  opened_at         timestamptz NOT NULL,
  clear_since       timestamptz,            -- start of the clear window, if running
  resolved_at       timestamptz,
  resolution_reason text        NOT NULL DEFAULT '',
  summary           text        NOT NULL DEFAULT '',
  signal            bytea       NOT NULL,   -- latest ops.common.v1.Signal
  first_snapshot    bytea,                  -- ops.tickets.v1.EvidenceSnapshot
  snapshot_count    bigint      NOT NULL DEFAULT 0,  -- later snapshots ever taken
  claimed_by        text        NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX tickets_one_unresolved_per_fingerprint ON tickets (fingerprint)
  WHERE status <> 4;
CREATE INDEX tickets_by_fingerprint ON tickets (fingerprint, id DESC);
CREATE INDEX tickets_by_last_seen ON tickets (last_seen DESC, id DESC);
CREATE INDEX tickets_clearing ON tickets (clear_since)
  WHERE clear_since IS NOT NULL AND status <> 4;

CREATE TABLE ticket_snapshots (
  ticket_id bigint      NOT NULL REFERENCES tickets (id),
  n         bigint      NOT NULL,
  taken_at  timestamptz NOT NULL,
  snapshot  bytea       NOT NULL,             -- ops.tickets.v1.EvidenceSnapshot
  PRIMARY KEY (ticket_id, n)
);

CREATE TABLE ticket_diagnoses (
  ticket_id    bigint      NOT NULL REFERENCES tickets (id),
  n            integer     NOT NULL,
  diagnoser_id text        NOT NULL,
  attached_at  timestamptz NOT NULL,
  diagnosis    bytea       NOT NULL,          -- ops.common.v1.Diagnosis
  markdown     text        NOT NULL,
  PRIMARY KEY (ticket_id, n)
);

CREATE TABLE ticket_events (
  seq       bigint      PRIMARY KEY,
  ticket_id bigint,                           -- NULL for observer-wide events
  type      smallint    NOT NULL,             -- ops.tickets.v1.TicketEventType
  at        timestamptz NOT NULL,
  actor     text        NOT NULL,
  reason    text        NOT NULL DEFAULT '',
  event     bytea       NOT NULL              -- the whole ops.tickets.v1.TicketEvent
);

CREATE TABLE observer_status (
  observer_id text        PRIMARY KEY,
  subject     text        NOT NULL,
  blind       boolean     NOT NULL,
  visibility  bytea       NOT NULL,           -- ops.common.v1.Visibility
  reported_at timestamptz NOT NULL
);
)sql"},
      {2, "event append in one server-side call", R"sql(
-- Appends one event with the next seq and notifies listeners, in one round trip: the append
-- lock is held from here to commit, so the less the client talks under it the better.
-- VOLATILE: each statement takes a fresh snapshot, so max(seq) after the lock sees every
-- commit that released it.
CREATE FUNCTION ops_append_ticket_event(p_lock bigint, p_channel text, p_ticket_id bigint,
                                        p_type smallint, p_at timestamptz, p_actor text,
                                        p_reason text, p_event bytea)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  next_seq bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM ticket_events;
  INSERT INTO ticket_events (seq, ticket_id, type, at, actor, reason, event)
    VALUES (next_seq, NULLIF(p_ticket_id, 0), p_type, p_at, p_actor, p_reason, p_event);
  PERFORM pg_notify(p_channel, next_seq::text);
  RETURN next_seq;
END $$;
)sql"},
  };
  return *kMigrations;
}

}  // namespace ops::tickets
