#include "services/observer/ticket_reporter.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/v1/tickets_mock.grpc.pb.h"

namespace ops::observer {
namespace {

namespace pb = ::ops::common::v1;
namespace tv1 = ::ops::tickets::v1;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Invoke;

core::Signal Firing(const std::string& fp) {
  core::Signal s;
  s.fingerprint = fp;
  s.invariant = "store_unreachable";
  s.subject = "tikv";
  s.entity = {"store", "1", {}};
  s.severity = pb::SEVERITY_CRITICAL;
  s.state = pb::SIGNAL_STATE_FIRING;
  return s;
}

core::Snapshot Snap() {
  core::Snapshot s;
  s.subject = "tikv";
  s.captured_at = absl::FromUnixSeconds(1735689600);
  return s;
}

TicketReporter::Options Fast() {
  TicketReporter::Options o;
  o.observer_id = "obs-1";
  o.subject = "tikv";
  o.backoff = {absl::Milliseconds(1), absl::Milliseconds(5), 2.0};
  o.max_queue = 4;
  return o;
}

// Records delivered fingerprints; fails the first `failures` calls with `code`.
struct Recorder {
  std::mutex mu;
  std::vector<std::string> delivered;
  std::atomic<int> failures{0};
  grpc::StatusCode code = grpc::StatusCode::UNAVAILABLE;
  std::atomic<bool> block{false};

  grpc::Status Report(grpc::ClientContext*, const tv1::ReportSignalRequest& req,
                      tv1::ReportSignalResponse*) {
    if (block.load() || failures.fetch_sub(1) > 0) return grpc::Status(code, "down");
    EXPECT_EQ(req.observer_id(), "obs-1");
    EXPECT_EQ(req.snapshot().subject(), "tikv");
    std::lock_guard<std::mutex> lock(mu);
    delivered.push_back(req.signal().fingerprint());
    return grpc::Status::OK;
  }
};

TEST(TicketReporterTest, DeliversInOrderAndSkipsPending) {
  tv1::MockTicketServiceStub stub;
  Recorder rec;
  EXPECT_CALL(stub, ReportSignal(_, _, _)).WillRepeatedly(Invoke(&rec, &Recorder::Report));
  TicketReporter reporter(&stub, Fast());
  core::Signal pending = Firing("p");
  pending.state = pb::SIGNAL_STATE_PENDING;
  reporter.EnqueueSignal(pending, Snap());
  reporter.EnqueueSignal(Firing("a"), Snap());
  core::Signal resolved = Firing("a");
  resolved.state = pb::SIGNAL_STATE_RESOLVED;
  reporter.EnqueueSignal(resolved, Snap());
  reporter.EnqueueSignal(Firing("b"), Snap());
  ASSERT_TRUE(reporter.Drain(absl::Seconds(10)));
  EXPECT_THAT(rec.delivered, ElementsAre("a", "a", "b"));
  EXPECT_EQ(reporter.delivered(), 3u);
}

TEST(TicketReporterTest, RetriesWhileUnavailableThenDelivers) {
  tv1::MockTicketServiceStub stub;
  Recorder rec;
  rec.failures = 5;
  EXPECT_CALL(stub, ReportSignal(_, _, _)).WillRepeatedly(Invoke(&rec, &Recorder::Report));
  TicketReporter reporter(&stub, Fast());
  reporter.EnqueueSignal(Firing("a"), Snap());
  reporter.EnqueueSignal(Firing("b"), Snap());
  ASSERT_TRUE(reporter.Drain(absl::Seconds(10)));
  EXPECT_THAT(rec.delivered, ElementsAre("a", "b"));
  EXPECT_TRUE(reporter.healthy());
  EXPECT_EQ(reporter.dropped(), 0u);
}

TEST(TicketReporterTest, RejectedReportsAreDroppedNotRetried) {
  tv1::MockTicketServiceStub stub;
  Recorder rec;
  rec.failures = 1;
  rec.code = grpc::StatusCode::INVALID_ARGUMENT;
  EXPECT_CALL(stub, ReportSignal(_, _, _)).WillRepeatedly(Invoke(&rec, &Recorder::Report));
  TicketReporter reporter(&stub, Fast());
  reporter.EnqueueSignal(Firing("bad"), Snap());
  reporter.EnqueueSignal(Firing("good"), Snap());
  ASSERT_TRUE(reporter.Drain(absl::Seconds(10)));
  EXPECT_THAT(rec.delivered, ElementsAre("good"));
  EXPECT_EQ(reporter.rejected(), 1u);
}

TEST(TicketReporterTest, FullQueueDropsTheOldestWaitingReport) {
  tv1::MockTicketServiceStub stub;
  Recorder rec;
  rec.block = true;
  EXPECT_CALL(stub, ReportSignal(_, _, _)).WillRepeatedly(Invoke(&rec, &Recorder::Report));
  TicketReporter reporter(&stub, Fast());
  reporter.EnqueueSignal(Firing("0"), Snap());
  // Wait until the sender holds "0" (it is never dropped while in flight).
  while (reporter.healthy()) absl::SleepFor(absl::Milliseconds(1));
  for (int i = 1; i <= 6; ++i) reporter.EnqueueSignal(Firing(std::to_string(i)), Snap());
  EXPECT_EQ(reporter.dropped(), 2u);  // "1" and "2"
  EXPECT_EQ(reporter.queued(), 5u);   // "0" in flight + 4 waiting
  rec.block = false;
  ASSERT_TRUE(reporter.Drain(absl::Seconds(10)));
  EXPECT_THAT(rec.delivered, ElementsAre("0", "3", "4", "5", "6"));
}

TEST(TicketReporterTest, VisibilityChangesAreReported) {
  tv1::MockTicketServiceStub stub;
  std::atomic<int> blind_reports{0};
  EXPECT_CALL(stub, ReportObserverStatus(_, _, _))
      .WillRepeatedly(Invoke([&](grpc::ClientContext*, const tv1::ReportObserverStatusRequest& r,
                                 tv1::ReportObserverStatusResponse*) {
        EXPECT_EQ(r.subject(), "tikv");
        if (r.visibility().blind()) ++blind_reports;
        return grpc::Status::OK;
      }));
  TicketReporter reporter(&stub, Fast());
  core::Visibility v;
  v.blind = true;
  reporter.EnqueueVisibility(v, absl::Now());
  ASSERT_TRUE(reporter.Drain(absl::Seconds(10)));
  EXPECT_EQ(blind_reports.load(), 1);
}

}  // namespace
}  // namespace ops::observer
