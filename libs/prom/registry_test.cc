#include "libs/prom/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libs/prom/text_parser.h"
#include "libs/status/status_matchers.h"

namespace ops::prom {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;

TEST(RegistryTest, RendersExactText) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(
      Family<Counter> * requests,
      registry.AddCounter("ops_requests_total", "Requests handled.", {"method", "code"}));
  ASSERT_OK_AND_ASSIGN(Family<Gauge> * up, registry.AddGauge("ops_up", "1 when serving.\nOr 0."));
  ASSERT_OK_AND_ASSIGN(
      Family<Histogram> * latency,
      registry.AddHistogram("ops_latency_seconds", "Latency.", {"rpc"}, {0.005, 0.5, 2}));
  ASSERT_OK_AND_ASSIGN(Family<Gauge> * unused,
                       registry.AddGauge("ops_unused", "No series.", {"x"}));
  (void)unused;
  requests->WithLabels({"get", "200"}).Increment(2);
  requests->WithLabels({"get", "200"}).Increment();
  requests->WithLabels({"put", "5\"0\\0\n"}).Increment(1e6);
  up->WithLabels({}).Set(1);
  Histogram& watch = latency->WithLabels({"Watch"});
  for (double v : {0.001, 0.005, 0.3, 7.0}) watch.Observe(v);

  EXPECT_EQ(registry.Render(),
            "# HELP ops_latency_seconds Latency.\n"
            "# TYPE ops_latency_seconds histogram\n"
            "ops_latency_seconds_bucket{rpc=\"Watch\",le=\"0.005\"} 2\n"
            "ops_latency_seconds_bucket{rpc=\"Watch\",le=\"0.5\"} 3\n"
            "ops_latency_seconds_bucket{rpc=\"Watch\",le=\"2\"} 3\n"
            "ops_latency_seconds_bucket{rpc=\"Watch\",le=\"+Inf\"} 4\n"
            "ops_latency_seconds_sum{rpc=\"Watch\"} 7.306\n"
            "ops_latency_seconds_count{rpc=\"Watch\"} 4\n"
            "# HELP ops_requests_total Requests handled.\n"
            "# TYPE ops_requests_total counter\n"
            "ops_requests_total{code=\"200\",method=\"get\"} 3\n"
            "ops_requests_total{code=\"5\\\"0\\\\0\\n\",method=\"put\"} 1e+06\n"
            "# HELP ops_up 1 when serving.\\nOr 0.\n"
            "# TYPE ops_up gauge\n"
            "ops_up 1\n");
}

TEST(RegistryTest, HandlesAreStable) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Counter> * c, registry.AddCounter("c_total", "C.", {"k"}));
  Counter* first = &c->WithLabels({"a"});
  for (int i = 0; i < 1000; ++i) c->WithLabels({std::to_string(i)});  // Forces rehashing.
  EXPECT_EQ(&c->WithLabels({"a"}), first);
}

TEST(RegistryTest, CounterIgnoresNegativeAndGaugeMovesBothWays) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Counter> * c, registry.AddCounter("c_total", "C."));
  ASSERT_OK_AND_ASSIGN(Family<Gauge> * g, registry.AddGauge("g", "G."));
  c->WithLabels({}).Increment(5);
  c->WithLabels({}).Increment(-3);
  EXPECT_EQ(c->WithLabels({}).Value(), 5);
  g->WithLabels({}).Add(5);
  g->WithLabels({}).Sub(7.5);
  EXPECT_EQ(g->WithLabels({}).Value(), -2.5);
}

TEST(RegistryTest, RejectsBadRegistrations) {
  Registry registry;
  EXPECT_THAT(registry.AddCounter("9bad", "x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddCounter("a-b", "x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddGauge("g", "x", {"__reserved"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddGauge("g", "x", {"a", "a"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddHistogram("h", "x", {"le"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddHistogram("h", "x", {}, {1, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(registry.AddHistogram("h", "x", {}, {2, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(registry.AddGauge("taken", "x"), IsOk());
  EXPECT_THAT(registry.AddCounter("taken", "x"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(registry.Render(), "# HELP taken x\n# TYPE taken gauge\ntaken 0\n");
}

TEST(RegistryTest, WrongLabelCountIsReportedAndNotRendered) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Counter> * c, registry.AddCounter("c_total", "C.", {"a", "b"}));
  const absl::string_view one[] = {"x"};
  EXPECT_THAT(c->TryWithLabels(one), StatusIs(absl::StatusCode::kInvalidArgument));
  c->WithLabels({"x"}).Increment();  // Goes to the detached series.
  EXPECT_EQ(registry.Render(), "");
}

TEST(RegistryTest, DefaultBucketsAndInfTail) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Histogram> * h, registry.AddHistogram("h", "H."));
  EXPECT_THAT(h->WithLabels({}).bounds(),
              ElementsAre(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10));
  ASSERT_OK_AND_ASSIGN(Family<Histogram> * h2,
                       registry.AddHistogram("h2", "H.", {}, {1, INFINITY}));
  EXPECT_THAT(h2->WithLabels({}).bounds(), ElementsAre(1));
}

TEST(RegistryTest, ParserReadsWhatTheWriterWrites) {
  Registry registry;
  ASSERT_OK_AND_ASSIGN(Family<Counter> * c,
                       registry.AddCounter("rt_total", "Help with \\ and\nnewline.", {"z", "a"}));
  ASSERT_OK_AND_ASSIGN(Family<Histogram> * h,
                       registry.AddHistogram("rt_seconds", "H.", {"op"}, {0.001, 0.1, 10}));
  ASSERT_OK_AND_ASSIGN(Family<Gauge> * g, registry.AddGauge("rt_gauge", "G."));
  c->WithLabels({"q\"uote", "b\\s"}).Increment(1.0 / 3);
  c->WithLabels({"", "{,}"}).Increment(12345678);
  for (int i = 0; i < 100; ++i) h->WithLabels({"get"}).Observe(i * 0.01);
  g->WithLabels({}).Set(-1.5e-7);

  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(registry.Render()));
  ASSERT_EQ(families.size(), 3u);
  EXPECT_EQ(families[0].name, "rt_gauge");
  EXPECT_EQ(families[0].samples[0].value, -1.5e-7);
  EXPECT_EQ(families[1].name, "rt_seconds");
  EXPECT_EQ(families[1].type, MetricType::kHistogram);
  EXPECT_EQ(families[1].samples.size(), 6u);  // 3 bounds + Inf, sum, count.
  EXPECT_EQ(families[2].help, "Help with \\ and\nnewline.");
  EXPECT_EQ(families[2].type, MetricType::kCounter);
  ASSERT_OK_AND_ASSIGN(double third, FindValue(families, "rt_total", {{"z", "q\"uote"}}));
  EXPECT_EQ(third, 1.0 / 3);  // Shortest round-trip formatting loses nothing.
  ASSERT_OK_AND_ASSIGN(double big, FindValue(families, "rt_total", {{"a", "{,}"}}));
  EXPECT_EQ(big, 12345678);
  // Series are sorted by label values; labels by name.
  EXPECT_THAT(families[2].samples[0].labels,
              ElementsAre(Label{"a", "b\\s"}, Label{"z", "q\"uote"}));
  ASSERT_OK_AND_ASSIGN(double count, FindValue(families, "rt_seconds_count", {{"op", "get"}}));
  EXPECT_EQ(count, 100);
}

}  // namespace
}  // namespace ops::prom
