#include "services/tickets/ticket_rows.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/proto_time.h"
#include "libs/status/status_macros.h"

namespace ops::tickets {

std::string TicketIdString(int64_t id) { return absl::StrFormat("T-%06d", id); }

absl::StatusOr<int64_t> ParseTicketId(absl::string_view text) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  if (digits.size() > 2 && (digits[0] == 'T' || digits[0] == 't') && digits[1] == '-') {
    digits.remove_prefix(2);
  }
  int64_t id = 0;
  if (digits.empty() || !absl::ascii_isdigit(digits[0]) || !absl::SimpleAtoi(digits, &id) ||
      id <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ticket id \"", text, "\": expected T-<number>, e.g. T-000123"));
  }
  return id;
}

std::string PgTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::optional<std::string> PgTime(const std::optional<absl::Time>& t) {
  if (!t) return std::nullopt;
  return PgTime(*t);
}

absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

#define OPS_MICROS(col) "(extract(epoch from t." col ") * 1000000)::bigint"
// Every column but the first snapshot, which comes last before snapshot_count.
#define OPS_TICKET_COLUMNS_HEAD                                                                 \
  "t.id, t.status, t.severity, t.held, t.hold_actor, t.hold_reason, t.flapping, "             \
  "t.occurrences, " OPS_MICROS("first_seen") ", " OPS_MICROS("last_seen") ", "                \
  OPS_MICROS("opened_at") ", " OPS_MICROS("clear_since") ", " OPS_MICROS("resolved_at") ", " \
  "t.resolution_reason, t.fingerprint, t.subject, t.invariant, t.summary, t.signal, "
const char kTicketColumns[] = OPS_TICKET_COLUMNS_HEAD "t.first_snapshot, t.snapshot_count";
const char kTicketColumnsNoSnapshot[] = OPS_TICKET_COLUMNS_HEAD "NULL::bytea, t.snapshot_count";
#undef OPS_TICKET_COLUMNS_HEAD
#undef OPS_MICROS

namespace {

std::optional<absl::Time> OptionalTime(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromMicros(f.as<int64_t>());
}

}  // namespace

absl::StatusOr<StoredTicket> FromTicketRow(const pqxx::row& row) {
  StoredTicket out;
  out.id = row[0].as<int64_t>();
  out.snapshot_count = row[20].as<int64_t>();
  core::TicketState& s = out.state;
  s.status = static_cast<core::TicketStatus>(row[1].as<int>());
  s.severity = static_cast<::ops::common::v1::Severity>(row[2].as<int>());
  s.held = row[3].as<bool>();
  s.hold_actor = row[4].as<std::string>();
  s.hold_reason = row[5].as<std::string>();
  s.flapping = row[6].as<bool>();
  s.occurrences = row[7].as<uint64_t>();
  s.first_seen = FromMicros(row[8].as<int64_t>());
  s.last_seen = FromMicros(row[9].as<int64_t>());
  s.opened_at = FromMicros(row[10].as<int64_t>());
  s.clear_since = OptionalTime(row[11]);
  s.resolved_at = OptionalTime(row[12]);
  s.resolution_reason = row[13].as<std::string>();

  tv1::Ticket& t = out.ticket;
  t.set_id(TicketIdString(out.id));
  t.set_fingerprint(row[14].as<std::string>());
  t.set_subject(row[15].as<std::string>());
  t.set_invariant(row[16].as<std::string>());
  t.set_summary(row[17].as<std::string>());
  RETURN_IF_ERROR(ParseBlob(row[18], *t.mutable_signal(), "tickets.signal"));
  *t.mutable_entity() = t.signal().entity();
  if (!row[19].is_null()) {
    RETURN_IF_ERROR(ParseBlob(row[19], *t.mutable_first_snapshot(), "tickets.first_snapshot"));
  }
  ApplyState(s, t);
  return out;
}

void ApplyState(const core::TicketState& s, tv1::Ticket& t) {
  t.set_status(s.status);
  t.set_severity(s.severity);
  t.set_held(s.held);
  t.set_hold_actor(s.hold_actor);
  t.set_hold_reason(s.hold_reason);
  t.set_flapping(s.flapping);
  t.set_occurrences(s.occurrences);
  *t.mutable_first_seen() = core::TimeToProto(s.first_seen);
  *t.mutable_last_seen() = core::TimeToProto(s.last_seen);
  *t.mutable_opened_at() = core::TimeToProto(s.opened_at);
  if (s.resolved_at) {
    *t.mutable_resolved_at() = core::TimeToProto(*s.resolved_at);
  } else {
    t.clear_resolved_at();
  }
  t.set_resolution_reason(s.resolution_reason);
}

pqxx::binarystring Blob(const google::protobuf::MessageLite& message) {
  return pqxx::binarystring(message.SerializeAsString());
}

absl::Status ParseBlob(const pqxx::field& field, google::protobuf::MessageLite& message,
                       absl::string_view what) {
  pqxx::binarystring bytes(field);
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(what, ": stored protobuf does not parse"));
  }
  return absl::OkStatus();
}

}  // namespace ops::tickets
