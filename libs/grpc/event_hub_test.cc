#include "libs/grpc/event_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "libs/status/status_matchers.h"

namespace ops::grpcutil {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using Hub = EventHub<int>;

std::vector<int> Drain(Hub::Subscription& sub) {
  std::vector<int> out;
  while (auto e = sub.TryPop()) out.push_back(*e);
  return out;
}

TEST(EventHubTest, DeliversEventsPublishedAfterSubscribeInOrder) {
  Hub hub;
  hub.Publish(0);  // before anyone subscribed: nobody gets it
  ASSERT_OK_AND_ASSIGN(auto a, hub.Subscribe());
  hub.Publish(1);
  ASSERT_OK_AND_ASSIGN(auto b, hub.Subscribe());
  hub.Publish(2);
  hub.Publish(3);
  EXPECT_THAT(Drain(*a), ::testing::ElementsAre(1, 2, 3));
  EXPECT_THAT(Drain(*b), ::testing::ElementsAre(2, 3));
  EXPECT_EQ(hub.subscriber_count(), 2u);
  EXPECT_FALSE(a->ended());
  EXPECT_EQ(a->TryPop(), nullptr);
}

TEST(EventHubTest, FullQueueOverflowsOnlyThatSubscriber) {
  Hub hub({.queue_capacity = 3});
  ASSERT_OK_AND_ASSIGN(auto slow, hub.Subscribe());
  ASSERT_OK_AND_ASSIGN(auto fast, hub.Subscribe());
  std::vector<int> fast_got;
  for (int i = 1; i <= 10; ++i) {
    hub.Publish(i);  // never blocks although `slow` reads nothing
    while (auto e = fast->TryPop()) fast_got.push_back(*e);
  }
  EXPECT_EQ(fast_got.size(), 10u);
  EXPECT_EQ(slow->state(), Hub::Subscription::State::kOverflowed);
  EXPECT_TRUE(slow->ended());  // the overflowed queue is discarded
  EXPECT_EQ(slow->TryPop(), nullptr);
  EXPECT_THAT(slow->status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(fast->status(), IsOk());
  EXPECT_EQ(hub.subscriber_count(), 1u);
}

TEST(EventHubTest, CloseDrainsThenEndsOkAndRefusesNewSubscribers) {
  Hub hub;
  ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
  hub.Publish(1);
  hub.Publish(2);
  hub.Close();
  hub.Publish(3);  // ignored after Close
  EXPECT_TRUE(hub.closed());
  EXPECT_FALSE(sub->ended());  // still has queued events
  EXPECT_THAT(Drain(*sub), ::testing::ElementsAre(1, 2));
  EXPECT_TRUE(sub->ended());
  EXPECT_THAT(sub->status(), IsOk());
  EXPECT_THAT(hub.Subscribe(), StatusIs(absl::StatusCode::kUnavailable));
  hub.Close();  // idempotent
}

TEST(EventHubTest, CancelLeavesTheHub) {
  Hub hub;
  ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
  hub.Publish(1);
  sub->Cancel();
  EXPECT_TRUE(sub->ended());
  EXPECT_EQ(sub->TryPop(), nullptr);
  EXPECT_THAT(sub->status(), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(hub.subscriber_count(), 0u);
  hub.Publish(2);
  EXPECT_EQ(sub->TryPop(), nullptr);
}

TEST(EventHubTest, NotifiesOnFirstQueuedEventAndOnEnd) {
  Hub hub;
  ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
  std::atomic<int> calls{0};
  sub->SetNotify([&] { ++calls; });
  hub.Publish(1);
  EXPECT_EQ(calls, 1);
  hub.Publish(2);  // queue was not empty: the consumer already knows to look
  EXPECT_EQ(calls, 1);
  Drain(*sub);
  hub.Publish(3);
  EXPECT_EQ(calls, 2);
  hub.Close();
  EXPECT_EQ(calls, 3);
}

TEST(EventHubTest, NotifiesOnOverflow) {
  Hub hub({.queue_capacity = 1});
  ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
  std::atomic<int> calls{0};
  sub->SetNotify([&] { ++calls; });
  hub.Publish(1);
  hub.Publish(2);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(sub->state(), Hub::Subscription::State::kOverflowed);
}

TEST(EventHubTest, PopTimesOutWhenIdleAndWakesOnPublishAndClose) {
  Hub hub;
  ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
  EXPECT_EQ(sub->Pop(absl::Milliseconds(1)), nullptr);
  std::thread producer([&] {
    hub.Publish(7);
    hub.Close();
  });
  auto first = sub->Pop(absl::Seconds(30));
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, 7);
  EXPECT_EQ(sub->Pop(absl::Seconds(30)), nullptr);  // returns at Close, not at the timeout
  EXPECT_TRUE(sub->ended());
  producer.join();
}

TEST(EventHubTest, ConcurrentPublishersKeepEachPublishersOrder) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  Hub hub({.queue_capacity = kThreads * kPerThread});
  std::vector<std::shared_ptr<Hub::Subscription>> subs;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto sub, hub.Subscribe());
    subs.push_back(sub);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&hub, t] {
      for (int i = 0; i < kPerThread; ++i) hub.Publish(t * kPerThread + i);
    });
  }
  for (auto& th : threads) th.join();
  for (auto& sub : subs) {
    std::vector<int> got = Drain(*sub);
    ASSERT_EQ(got.size(), static_cast<size_t>(kThreads * kPerThread));
    std::vector<int> last(kThreads, -1);
    for (int v : got) {
      int t = v / kPerThread;
      EXPECT_GT(v, last[t]);
      last[t] = v;
    }
  }
}

TEST(EventHubTest, SharesOneCopyOfEachEvent) {
  EventHub<std::string> hub;
  ASSERT_OK_AND_ASSIGN(auto a, hub.Subscribe());
  ASSERT_OK_AND_ASSIGN(auto b, hub.Subscribe());
  hub.Publish(std::string(1000, 'x'));
  auto ea = a->TryPop();
  auto eb = b->TryPop();
  ASSERT_NE(ea, nullptr);
  EXPECT_EQ(ea.get(), eb.get());
}

}  // namespace
}  // namespace ops::grpcutil
