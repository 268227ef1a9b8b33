#include "clients/cli/ticket_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "clients/cli/json_output.h"
#include "clients/cli/test_tickets.h"
#include "clients/cli/ticket_detail.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/status/status_matchers.h"

namespace ops::cli {
namespace {

using ::ops::cli::testing::kTestNow;
using ::ops::cli::testing::MakeEvent;
using ::ops::cli::testing::MakeTicket;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace tv1 = ::ops::tickets::v1;

TEST(TicketViewTest, NamesAndParsing) {
  EXPECT_EQ(StatusName(tv1::TICKET_STATUS_DIAGNOSING), "diagnosing");
  EXPECT_EQ(StatusName(tv1::TICKET_STATUS_UNSPECIFIED), "-");
  EXPECT_EQ(StatusName(static_cast<tv1::TicketStatus>(42)), "42");
  EXPECT_EQ(SeverityName(common::v1::SEVERITY_WARNING), "warning");
  EXPECT_EQ(EventTypeName(tv1::TICKET_EVENT_TYPE_SIGNAL_RESOLVED), "signal-resolved");

  ASSERT_OK_AND_ASSIGN(auto statuses, ParseStatuses("Open, resolved"));
  EXPECT_THAT(statuses, ElementsAre(tv1::TICKET_STATUS_OPEN, tv1::TICKET_STATUS_RESOLVED));
  ASSERT_OK_AND_ASSIGN(statuses, ParseStatuses("active"));
  EXPECT_THAT(statuses, ElementsAre(tv1::TICKET_STATUS_OPEN, tv1::TICKET_STATUS_DIAGNOSING,
                                    tv1::TICKET_STATUS_DIAGNOSED));
  EXPECT_THAT(ParseStatuses("open,closed"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown status \"closed\"")));
  EXPECT_THAT(ParseStatuses("unspecified"), StatusIs(absl::StatusCode::kInvalidArgument));

  ASSERT_OK_AND_ASSIGN(auto severity, ParseSeverity("WARN"));
  EXPECT_EQ(severity, common::v1::SEVERITY_WARNING);
  EXPECT_THAT(ParseSeverity("loud"), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("want info, warning or critical")));
}

TEST(TicketViewTest, ListTableShowsAgesAndFlags) {
  tv1::Ticket held = MakeTicket("T-000002");
  held.set_held(true);
  held.set_flapping(true);
  held.set_status(tv1::TICKET_STATUS_DIAGNOSED);
  held.set_severity(common::v1::SEVERITY_WARNING);
  held.mutable_entity()->set_kind("cluster");
  held.mutable_entity()->clear_id();
  held.set_occurrences(12);
  *held.mutable_last_seen() = core::TimeToProto(kTestNow - absl::Hours(26));
  const std::string out = RenderTicketTable({MakeTicket(), held}, ViewOptions{.now = kTestNow});
  EXPECT_EQ(out,
            "ID        STATUS                      SEVERITY  INVARIANT   ENTITY   OCC  LAST SEEN  "
            "SUMMARY\n"
            "T-000001  open                        critical  store_down  store 4  3    3m ago     "
            "Store 4 is down: no heartbeat for 35m\n"
            "T-000002  diagnosed (held, flapping)  warning   store_down  cluster  12   1d2h ago   "
            "Store 4 is down: no heartbeat for 35m\n");
}

TEST(TicketViewTest, ListTableTruncatesTheSummaryToTheTerminal) {
  const std::string out =
      RenderTicketTable({MakeTicket()}, ViewOptions{.now = kTestNow, .width = 90});
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(DisplayWidth(line), 90u) << line;
  }
  EXPECT_THAT(out, HasSubstr("  Store 4 is down: no hear\u2026\n"));
}

TEST(TicketViewTest, ColourOnlyWhenAsked) {
  const std::string plain = RenderTicketTable({MakeTicket()}, ViewOptions{.now = kTestNow});
  EXPECT_THAT(plain, Not(HasSubstr("\x1b[")));
  const std::string coloured =
      RenderTicketTable({MakeTicket()}, ViewOptions{.now = kTestNow, .color = true});
  EXPECT_THAT(coloured, HasSubstr("\x1b[1;31mcritical\x1b[0m"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[33mopen\x1b[0m"));
}

TEST(TicketViewTest, DetailShowsFlagsSignalSnapshotsAndDiagnoses) {
  tv1::Ticket t = MakeTicket();
  t.set_held(true);
  t.set_hold_actor("alice");
  t.set_hold_reason("disk swap");
  t.mutable_first_snapshot()->set_reason("opened");
  t.add_later_snapshots()->set_reason("occurred");
  t.add_later_snapshots()->set_reason("occurred");
  common::v1::Diagnosis* d = t.add_diagnoses();
  d->set_id("D-1");
  d->mutable_root_cause()->set_category("store_crash");
  d->mutable_root_cause()->set_confidence(0.92);
  d->mutable_root_cause()->mutable_entity()->set_kind("store");
  d->mutable_root_cause()->mutable_entity()->set_id("4");
  d->mutable_provenance()->set_engine(common::v1::ENGINE_RULES);
  d->set_markdown("# Store 4 crashed\n\nThe process exited [E1].");
  const std::string out = RenderTicketDetail(t, ViewOptions{.now = kTestNow});
  EXPECT_THAT(out, HasSubstr("Ticket T-000001\n"));
  EXPECT_THAT(out, HasSubstr("  status        open (held)\n"));
  EXPECT_THAT(out, HasSubstr("  held          yes, by alice: disk swap\n"));
  EXPECT_THAT(out, HasSubstr("  flapping      no\n"));
  EXPECT_THAT(out, HasSubstr("  last seen     2023-11-14 22:10:20 UTC (3m ago)\n"));
  EXPECT_THAT(out, HasSubstr("  state         firing\n"));
  EXPECT_THAT(out, HasSubstr("  stored        3\n"));
  EXPECT_THAT(out, HasSubstr("Diagnoses (1)"));
  EXPECT_THAT(out, HasSubstr("root cause  store_crash on store 4, confidence 0.92"));
  EXPECT_THAT(out, HasSubstr("      # Store 4 crashed\n\n      The process exited [E1].\n"));
}

TEST(TicketViewTest, EventLinesAlign) {
  tv1::TicketEvent opened = MakeEvent(7, tv1::TICKET_EVENT_TYPE_OPENED);
  tv1::TicketEvent held = MakeEvent(8, tv1::TICKET_EVENT_TYPE_HELD);
  held.set_actor("alice");
  held.set_reason("disk swap");
  const ViewOptions view{.now = kTestNow};
  EXPECT_EQ(
      RenderEventHeader(view),
      "SEQ     AT (UTC)        EVENT               TICKET     STATUS      SEVERITY  DETAIL\n");
  EXPECT_EQ(RenderEventLine(opened, view),
            "7       11-14 22:12:20  opened              T-000001   open        critical  "
            "store_down store 4: Store 4 is down: no heartbeat for 35m\n");
  // The detail column takes what the terminal leaves.
  EXPECT_EQ(RenderEventLine(opened, ViewOptions{.now = kTestNow, .width = 100}),
            "7       11-14 22:12:20  opened              T-000001   open        critical  "
            "store_down store 4: St\u2026\n");
  EXPECT_THAT(RenderEventLine(held, view), HasSubstr("held  "));
  EXPECT_THAT(RenderEventLine(held, view), HasSubstr("critical  by alice: disk swap\n"));
}

TEST(TicketViewTest, ObserverEventsHaveNoTicket) {
  tv1::TicketEvent e;
  e.set_seq(9);
  e.set_type(tv1::TICKET_EVENT_TYPE_OBSERVER_STATUS);
  e.set_actor("observer:obs-1");
  e.set_reason("blind: pd unreachable");
  EXPECT_THAT(RenderEventLine(e, ViewOptions{}),
              HasSubstr("observer-status     -          -           -         "
                        "observer:obs-1: blind: pd unreachable\n"));
}

TEST(JsonOutputTest, ParsesBackToTheSameMessage) {
  tv1::Ticket t = MakeTicket();
  ASSERT_OK_AND_ASSIGN(std::string json, ToJson(t, /*multiline=*/true));
  // Valid JSON with proto3 JSON names and defaults printed.
  const nlohmann::json parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["id"], "T-000001");
  EXPECT_EQ(parsed["status"], "TICKET_STATUS_OPEN");
  EXPECT_EQ(parsed["held"], false);
  EXPECT_EQ(parsed["lastSeen"], "2023-11-14T22:10:20Z");
  tv1::Ticket back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(t, back));

  ASSERT_OK_AND_ASSIGN(std::string line, ToJson(MakeEvent(3, tv1::TICKET_EVENT_TYPE_OPENED),
                                                /*multiline=*/false));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(line)["seq"], "3");  // uint64 is a string in proto3 JSON
}

}  // namespace
}  // namespace ops::cli
