// The observer loop driven by hand (RunCycle) with a fake adapter whose snapshots the test
// writes, using the real TiKV invariant pack.
#include "services/observer/observer.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/invariants/invariants.h"

namespace ops::observer {
namespace {

namespace pb = ::ops::common::v1;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1735689600);

class FakeAdapter final : public core::SubjectAdapter {
 public:
  FakeAdapter() : invariants_(tikv::TikvInvariants({})) {}
  std::string name() const override { return "tikv"; }
  absl::StatusOr<core::Snapshot> CollectSnapshot(absl::Time) override { return next; }
  const std::vector<core::InvariantDefinition>& Invariants() const override { return invariants_; }
  const core::DiagnosisRulePack& RulePack() const override { std::abort(); }
  std::vector<core::FaultTarget> FaultTargets(const core::Snapshot&) const override { return {}; }

  core::Snapshot next;

 private:
  std::vector<core::InvariantDefinition> invariants_;
};

core::StoreStatus Store(const std::string& id, absl::Time at) {
  core::StoreStatus s;
  s.id = id;
  s.address = "127.0.0.1:2016" + id;
  s.status_address = "127.0.0.1:2018" + id;
  s.state = pb::STORE_STATE_UP;
  s.state_name = "Up";
  s.last_heartbeat = at;
  s.probe = {true, absl::Milliseconds(1), "", at, 0, false};
  s.workload.ops_per_sec = 100;
  return s;
}

core::Snapshot Healthy(absl::Time at) {
  core::Snapshot s;
  s.subject = "tikv";
  s.captured_at = at;
  s.stores = {Store("1", at), Store("2", at), Store("3", at)};
  s.members = {{"pd1", "1", {"http://127.0.0.1:2379"}, true, true}};
  s.workload.ops_per_sec = 300;
  return s;
}

class ObserverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Observer::Options o;
    o.health_interval = absl::Seconds(1);
    o.resend_interval = absl::Seconds(10);
    o.signal_log = 4;
    ASSERT_OK_AND_ASSIGN(observer_, Observer::Create(&adapter_, nullptr, o));
    ASSERT_OK_AND_ASSIGN(sub_, observer_->signal_hub().Subscribe());
  }

  // Runs one cycle on `snap` and returns "invariant:entity:STATE" for each transition.
  std::vector<std::string> Cycle(const core::Snapshot& snap) {
    adapter_.next = snap;
    auto t = observer_->RunCycle();
    EXPECT_TRUE(t.ok()) << t.status();
    std::vector<std::string> out;
    if (!t.ok()) return out;
    for (const auto& tr : *t) {
      out.push_back(tr.signal.invariant + ":" + tr.signal.entity.id + ":" +
                    pb::SignalState_Name(tr.to).substr(std::string("SIGNAL_STATE_").size()));
    }
    return out;
  }

  FakeAdapter adapter_;
  std::unique_ptr<Observer> observer_;
  std::shared_ptr<grpcutil::EventHub<ov1::SignalEvent>::Subscription> sub_;
};

TEST_F(ObserverTest, KilledStoreFiresAtOnceAndResolvesAfterTheClearWindow) {
  EXPECT_THAT(Cycle(Healthy(kT0)), IsEmpty());
  core::Snapshot killed = Healthy(kT0 + absl::Milliseconds(250));
  killed.stores[0].probe = {false, absl::Milliseconds(1), "connection refused",
                            killed.captured_at, 1, true};
  EXPECT_THAT(Cycle(killed), ElementsAre("store_unreachable:1:FIRING"));
  auto event = sub_->TryPop();
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->signal().invariant(), "store_unreachable");
  EXPECT_FALSE(event->resend());

  // Back: clear for the 30 s window, then resolved.
  EXPECT_THAT(Cycle(Healthy(kT0 + absl::Seconds(1))), IsEmpty());
  EXPECT_THAT(Cycle(Healthy(kT0 + absl::Seconds(31))), ElementsAre("store_unreachable:1:RESOLVED"));
}

TEST_F(ObserverTest, BlindnessNeitherFiresNorResolvesStoreSignals) {
  core::Snapshot killed = Healthy(kT0);
  killed.stores[0].probe = {false, absl::Milliseconds(1), "connection refused", kT0, 1, true};
  EXPECT_THAT(Cycle(killed), ElementsAre("store_unreachable:1:FIRING"));

  // Blind: every probe fails and PD is gone, yet only observer_blind fires.
  core::Snapshot blind = Healthy(kT0 + absl::Seconds(1));
  for (auto& s : blind.stores) s.probe = {false, absl::Seconds(1), "timeout", blind.captured_at, 9, false};
  blind.visibility.blind = true;
  blind.visibility.unavailable_sources = {"pd: connection refused"};
  EXPECT_THAT(Cycle(blind), ElementsAre("observer_blind::FIRING"));
  blind.captured_at = kT0 + absl::Minutes(5);  // far past every clear window
  EXPECT_THAT(Cycle(blind), IsEmpty());
  auto [active, seq] = observer_->ActiveSignals();
  EXPECT_EQ(active.size(), 2u);  // store_unreachable is still firing

  // Sight returns with the store healthy: blindness resolves at once, the store after 30 s.
  EXPECT_THAT(Cycle(Healthy(kT0 + absl::Minutes(6))), ElementsAre("observer_blind::RESOLVED"));
  EXPECT_THAT(Cycle(Healthy(kT0 + absl::Minutes(6) + absl::Seconds(31))),
              ElementsAre("store_unreachable:1:RESOLVED"));
}

TEST_F(ObserverTest, FiringSignalsAreResentForLateSubscribers) {
  core::Snapshot killed = Healthy(kT0);
  killed.stores[1].probe = {false, absl::Milliseconds(1), "connection refused", kT0, 1, true};
  Cycle(killed);
  while (sub_->TryPop()) {
  }
  killed.captured_at = kT0 + absl::Seconds(5);
  Cycle(killed);
  EXPECT_EQ(sub_->TryPop(), nullptr);
  killed.captured_at = kT0 + absl::Seconds(10);
  Cycle(killed);
  auto resent = sub_->TryPop();
  ASSERT_NE(resent, nullptr);
  EXPECT_TRUE(resent->resend());
  EXPECT_EQ(resent->signal().entity().id(), "2");
}

TEST_F(ObserverTest, SignalLogReplaysAndSaysWhenTooOld) {
  core::Snapshot s = Healthy(kT0);
  for (int i = 0; i < 3; ++i) {
    s.captured_at = kT0 + absl::Seconds(i);
    s.stores[i].probe = {false, absl::Milliseconds(1), "refused", s.captured_at, 1, true};
    Cycle(s);
  }
  ASSERT_OK_AND_ASSIGN(auto events, observer_->SignalEventsFrom(2, 100));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq(), 2u);
  EXPECT_EQ(events[1].signal().entity().id(), "3");
  // The log keeps 4 events; two more push seq 1 out.
  s.captured_at = kT0 + absl::Seconds(10);  // resends the 3 firing signals
  Cycle(s);
  EXPECT_THAT(observer_->SignalEventsFrom(1, 100).status(),
              StatusIs(absl::StatusCode::kOutOfRange));
  ASSERT_OK_AND_ASSIGN(events, observer_->SignalEventsFrom(3, 100));
  EXPECT_EQ(events.size(), 4u);
}

TEST_F(ObserverTest, HealthSummariesAtTheirIntervalWithStoreCounts) {
  ASSERT_OK_AND_ASSIGN(auto health, observer_->health_hub().Subscribe());
  core::Snapshot s = Healthy(kT0);
  s.stores[2].probe = {false, absl::Milliseconds(1), "refused", kT0, 1, true};
  Cycle(s);
  s.captured_at = kT0 + absl::Milliseconds(500);
  Cycle(s);
  s.captured_at = kT0 + absl::Seconds(1);
  Cycle(s);
  auto first = health->TryPop();
  auto second = health->TryPop();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(health->TryPop(), nullptr);
  EXPECT_EQ(second->seq(), first->seq() + 1);
  ASSERT_EQ(second->stores_size(), 3);
  EXPECT_EQ(second->stores(2).firing_signals(), 1u);
  EXPECT_EQ(second->firing_signals(), 1u);
  EXPECT_DOUBLE_EQ(second->workload().ops_per_sec(), 300);
}

}  // namespace
}  // namespace ops::observer
