// Many threads updating and rendering one registry at once; run under ASan/UBSan/TSan in CI.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "libs/prom/registry.h"
#include "libs/prom/text_parser.h"
#include "libs/status/status_matchers.h"

namespace ops::prom {
namespace {

TEST(RegistryConcurrencyTest, IncrementsFromEightThreadsSumCorrectly) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Counter> * counter, registry.AddCounter("c_total", "C.", {"k"}));
  ASSERT_OK_AND_ASSIGN(Family<Gauge> * gauge, registry.AddGauge("g", "G."));
  ASSERT_OK_AND_ASSIGN(Family<Histogram> * hist, registry.AddHistogram("h", "H.", {"k"}));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Lookups race with creation of the other threads' series on purpose.
        counter->WithLabels({"shared"}).Increment();
        counter->WithLabels({std::to_string(t)}).Increment(0.5);
        gauge->WithLabels({}).Add(1);
        hist->WithLabels({"shared"}).Observe(i % 2 == 0 ? 0.001 : 100);
        if (i % 5000 == 0) {
          EXPECT_FALSE(registry.Render().empty());
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(counter->WithLabels({"shared"}).Value(), kThreads * kPerThread);
  EXPECT_EQ(gauge->WithLabels({}).Value(), kThreads * kPerThread);
  Histogram::Snapshot snap = hist->WithLabels({"shared"}).Read();
  EXPECT_EQ(snap.count, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(snap.cumulative.front(), static_cast<uint64_t>(kThreads * kPerThread / 2));
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(registry.Render()));
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_OK_AND_ASSIGN(double v, FindValue(families, "c_total", {{"k", std::to_string(t)}}));
    EXPECT_EQ(v, kPerThread * 0.5);
  }
}

}  // namespace
}  // namespace ops::prom
