// Log contract of tikv-sim-pd's scheduling lines (operators, slow store), produced by its
// OperatorController (no processes) and held to the v8.5.7 catalog by CheckLogText with no
// exceptions. The store's side: store_log_contract_test.cc.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subjects/tikv/sim/common/unified_log.h"
#include "subjects/tikv/sim/pd/scheduler.h"
#include "tests/prometheus/contract_checks.h"

namespace ops::sim_contract {
namespace {

using ::testing::IsEmpty;

class LogText {
 public:
  void Add(const std::string& level, const std::string& source, const std::string& message,
           const sim::LogFields& fields) {
    text_ += sim::FormatUnifiedLine(absl::FromUnixSeconds(1735689600), absl::UTCTimeZone(), level,
                                    source, message, fields) +
             "\n";
    messages_.push_back(message);
  }
  const std::string& text() const { return text_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::string text_;
  std::vector<std::string> messages_;
};

TEST(PdLogContractTest, EverySchedulerLineIsARealPdLine) {
  LogText log;
  absl::Time now = absl::FromUnixSeconds(1735689600);
  sim::ClusterState state;
  for (uint64_t s = 1; s <= 3; ++s) {
    sim::StoreRecord r;
    r.id = s;
    r.last_heartbeat = now;
    r.slow_score = s == 1 ? 100 : 1;
    state.PutStore(r);
  }
  for (uint64_t i = 1; i <= 12; ++i) {
    sim::RegionRecord r;
    r.id = 10 * i;
    for (uint64_t s = 1; s <= 3; ++s) r.peers.push_back({r.id + s, s, false});
    r.leader = r.peers[0];  // all on the slow store 1
    state.PutRegion(r);
  }
  sim::OperatorController::Options o;
  o.tz = absl::UTCTimeZone();
  o.monotonic_base = now - absl::Seconds(30);
  sim::OperatorController ctrl(o);
  ctrl.Schedule(state, now);                               // detected slow store, add operator
  nlohmann::json cmds = ctrl.Commands(state, 1, {}, now);  // send schedule command
  ASSERT_FALSE(cmds.empty());
  sim::RegionRecord moved = *state.FindRegion(cmds[0]["region_id"]);
  moved.leader = moved.peers[1];
  state.PutRegion(moved);
  ctrl.OnRegionHeartbeat(state, now);  // operator finish
  now += absl::Minutes(2);
  for (uint64_t s = 1; s <= 3; ++s) {
    sim::StoreRecord r = state.stores().at(s);
    r.last_heartbeat = now;
    state.PutStore(r);
  }
  ctrl.Schedule(state, now);  // operator timeout for the others
  for (const sim::PdLogLine& l : ctrl.TakeLogs()) log.Add(l.level, l.source, l.message, l.fields);
  EXPECT_THAT(
      log.messages(),
      ::testing::IsSupersetOf({"detected slow store, start to evict leaders", "add operator",
                               "send schedule command", "operator finish", "operator timeout"}));
  EXPECT_THAT(CheckLogText(log.text(), Server::kPd), IsEmpty()) << log.text();
}

}  // namespace
}  // namespace ops::sim_contract
