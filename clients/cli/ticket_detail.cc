#include "clients/cli/ticket_detail.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ops::cli {
namespace {

using tickets::v1::Ticket;

constexpr size_t kKeyWidth = 14;

void Field(std::string* out, absl::string_view key, absl::string_view value) {
  absl::StrAppend(out, "  ", key, std::string(kKeyWidth - std::min(kKeyWidth, key.size()), ' '),
                  value.empty() ? "-" : value, "\n");
}

// "2024-05-01 10:00:00 UTC (2h ago)", or "-" when unset.
std::string When(const google::protobuf::Timestamp& ts, bool present, const ViewOptions& o) {
  const absl::Time t = TimeOrPast(ts, present);
  if (t == absl::InfinitePast()) return "-";
  return absl::StrCat(FormatTimestamp(t), " (", FormatAge(o.now, t), ")");
}

std::string Labels(const google::protobuf::Map<std::string, std::string>& labels) {
  const std::map<std::string, std::string> sorted(labels.begin(), labels.end());
  return absl::StrJoin(sorted, ", ", absl::PairFormatter("="));
}

// `text` with every line indented by `indent` spaces; no trailing newline is added.
std::string Indent(absl::string_view text, size_t indent) {
  const std::string pad(indent, ' ');
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(absl::StripTrailingAsciiWhitespace(text), '\n')) {
    lines.push_back(line.empty() ? std::string() : absl::StrCat(pad, line));
  }
  return absl::StrJoin(lines, "\n");
}

void TicketSection(const Ticket& t, const ViewOptions& o, std::string* out) {
  absl::StrAppend(out, Colorize(absl::StrCat("Ticket ", t.id()), ColorRole::kBold, o.color), "\n");
  Field(out, "status", Colorize(StatusText(t), StatusRole(t.status()), o.color));
  Field(out, "severity", Colorize(SeverityName(t.severity()), SeverityRole(t.severity()), o.color));
  Field(out, "invariant", t.invariant());
  std::string entity = EntityText(t.entity());
  if (!t.entity().labels().empty())
    absl::StrAppend(&entity, " (", Labels(t.entity().labels()), ")");
  Field(out, "entity", entity);
  Field(out, "subject", t.subject());
  Field(out, "fingerprint", t.fingerprint());
  Field(out, "summary", SummaryText(t));
  Field(out, "occurrences", absl::StrCat(t.occurrences()));
  Field(out, "held",
        t.held() ? absl::StrCat("yes, by ", t.hold_actor().empty() ? "?" : t.hold_actor(),
                                t.hold_reason().empty() ? "" : ": ", t.hold_reason())
                 : "no");
  Field(out, "flapping", t.flapping() ? "yes" : "no");
  Field(out, "first seen", When(t.first_seen(), t.has_first_seen(), o));
  Field(out, "last seen", When(t.last_seen(), t.has_last_seen(), o));
  Field(out, "opened", When(t.opened_at(), t.has_opened_at(), o));
  if (t.status() == tickets::v1::TICKET_STATUS_RESOLVED || t.has_resolved_at()) {
    Field(out, "resolved", When(t.resolved_at(), t.has_resolved_at(), o));
    Field(out, "resolution", t.resolution_reason());
  }
}

void SignalSection(const Ticket& t, const ViewOptions& o, std::string* out) {
  absl::StrAppend(out, "\n", Colorize("Latest signal", ColorRole::kBold, o.color), "\n");
  if (!t.has_signal()) {
    absl::StrAppend(out, "  none reported\n");
    return;
  }
  const common::v1::Signal& s = t.signal();
  std::string state =
      absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripPrefix(
                              common::v1::SignalState_Name(s.state()), "SIGNAL_STATE_")),
                          {{"_", "-"}});
  if (s.flapping()) absl::StrAppend(&state, " (flapping)");
  Field(out, "state", state);
  Field(out, "severity", Colorize(SeverityName(s.severity()), SeverityRole(s.severity()), o.color));
  Field(out, "value", absl::StrFormat("%g (threshold %g)", s.value(), s.threshold()));
  Field(out, "summary", s.summary());
  Field(out, "source", s.source());
  Field(out, "active since", When(s.active_since(), s.has_active_since(), o));
  Field(out, "fired at", When(s.fired_at(), s.has_fired_at(), o));
  if (s.has_resolved_at()) Field(out, "resolved at", When(s.resolved_at(), true, o));
  if (!s.labels().empty()) Field(out, "labels", Labels(s.labels()));
}

void SnapshotSection(const Ticket& t, const ViewOptions& o, std::string* out) {
  const int count = (t.has_first_snapshot() ? 1 : 0) + t.later_snapshots_size();
  absl::StrAppend(out, "\n", Colorize("Snapshots", ColorRole::kBold, o.color), "\n");
  Field(out, "stored", absl::StrCat(count));
  auto describe = [&](const tickets::v1::EvidenceSnapshot& e) {
    const auto& s = e.snapshot();
    return absl::StrCat(When(s.captured_at(), s.has_captured_at(), o), " ",
                        e.reason().empty() ? "" : absl::StrCat("\"", e.reason(), "\""));
  };
  if (t.has_first_snapshot()) Field(out, "first", describe(t.first_snapshot()));
  if (t.later_snapshots_size() > 0) {
    Field(out, "newest", describe(t.later_snapshots(t.later_snapshots_size() - 1)));
  }
}

void DiagnosesSection(const Ticket& t, const ViewOptions& o, std::string* out) {
  absl::StrAppend(
      out, "\n",
      Colorize(absl::StrCat("Diagnoses (", t.diagnoses_size(), ")"), ColorRole::kBold, o.color),
      "\n");
  if (t.diagnoses_size() == 0) {
    absl::StrAppend(out, "  none yet\n");
    return;
  }
  for (int i = 0; i < t.diagnoses_size(); ++i) {
    const common::v1::Diagnosis& d = t.diagnoses(i);
    const common::v1::RootCause& cause = d.root_cause();
    absl::StrAppend(out, "  [", i + 1, "] ", d.id().empty() ? "(no id)" : d.id(), "  ",
                    When(d.created_at(), d.has_created_at(), o), "\n");
    std::string root = cause.category().empty() ? "-" : cause.category();
    if (cause.has_entity()) absl::StrAppend(&root, " on ", EntityText(cause.entity()));
    absl::StrAppend(&root, absl::StrFormat(", confidence %.2f", cause.confidence()));
    Field(out, "  root cause", root);
    if (!cause.summary().empty()) Field(out, "", cause.summary());
    const std::string model = d.provenance().model();
    std::string engine =
        absl::StrReplaceAll(absl::AsciiStrToLower(absl::StripPrefix(
                                common::v1::Engine_Name(d.provenance().engine()), "ENGINE_")),
                            {{"_", "-"}});
    if (!model.empty()) absl::StrAppend(&engine, " (", model, ")");
    if (d.provenance().fallback()) absl::StrAppend(&engine, ", fallback");
    Field(out, "  engine", engine);
    if (!d.markdown().empty()) {
      absl::StrAppend(out, "\n", Indent(d.markdown(), 6), "\n");
    } else if (!d.summary().empty()) {
      absl::StrAppend(out, "\n", Indent(d.summary(), 6), "\n");
    }
    if (i + 1 < t.diagnoses_size()) absl::StrAppend(out, "\n");
  }
}

}  // namespace

std::string RenderTicketDetail(const Ticket& ticket, const ViewOptions& options) {
  std::string out;
  TicketSection(ticket, options, &out);
  SignalSection(ticket, options, &out);
  SnapshotSection(ticket, options, &out);
  DiagnosesSection(ticket, options, &out);
  return out;
}

}  // namespace ops::cli
