#include "libs/prom/histogram_quantile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "libs/prom/text_parser.h"
#include "libs/status/status_matchers.h"

namespace ops::prom {
namespace {

using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();

// 100 observations: 10 in (0,1], 40 in (1,2], 40 in (2,4], 10 above 4.
const std::vector<Bucket> kBuckets = {{1, 10}, {2, 50}, {4, 90}, {kInf, 100}};

TEST(HistogramQuantileTest, InterpolatesLinearlyWithinTheBucket) {
  struct Case {
    double q;
    double want;
  };
  for (const Case& c : std::vector<Case>{{0.05, 0.5},  // rank 5 of 10 in (0,1]
                                         {0.1, 1.0},   // top of the first bucket
                                         {0.3, 1.5},   // rank 30: 20 of 40 into (1,2]
                                         {0.5, 2.0},   // rank 50: top of (1,2]
                                         {0.7, 3.0},   // rank 70: 20 of 40 into (2,4]
                                         {0.9, 4.0},   // rank 90: top of (2,4]
                                         {0.99, 4.0},  // rank in +Inf bucket: highest finite bound
                                         {1.0, 4.0}}) {
    ASSERT_OK_AND_ASSIGN(double got, HistogramQuantile(c.q, kBuckets));
    EXPECT_DOUBLE_EQ(got, c.want) << "q=" << c.q;
  }
}

TEST(HistogramQuantileTest, OrderAndDuplicateBoundsDoNotMatter) {
  std::vector<Bucket> shuffled = {{kInf, 100}, {2, 50}, {1, 10}, {4, 90}};
  ASSERT_OK_AND_ASSIGN(double got, HistogramQuantile(0.3, shuffled));
  EXPECT_DOUBLE_EQ(got, 1.5);
}

TEST(HistogramQuantileTest, EvensOutNonMonotonicCounts) {
  // A scrape racing observations can show a lower count in a higher bucket.
  std::vector<Bucket> racy = {{1, 10}, {2, 9}, {kInf, 20}};
  ASSERT_OK_AND_ASSIGN(double got, HistogramQuantile(0.25, racy));
  EXPECT_DOUBLE_EQ(got, 0.5);
}

TEST(HistogramQuantileTest, NoObservationsIsNaN) {
  ASSERT_OK_AND_ASSIGN(double got, HistogramQuantile(0.99, {{1, 0}, {kInf, 0}}));
  EXPECT_TRUE(std::isnan(got));
}

TEST(HistogramQuantileTest, NegativeFirstBoundIsReturnedAsIs) {
  ASSERT_OK_AND_ASSIGN(double got, HistogramQuantile(0.1, {{-1, 5}, {0, 10}, {kInf, 10}}));
  EXPECT_DOUBLE_EQ(got, -1);
}

TEST(HistogramQuantileTest, RejectsBadInput) {
  EXPECT_THAT(HistogramQuantile(1.5, kBuckets), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(HistogramQuantile(-0.1, kBuckets), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(HistogramQuantile(NAN, kBuckets), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(HistogramQuantile(0.5, {{1, 1}, {2, 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("+Inf")));
  EXPECT_THAT(HistogramQuantile(0.5, {{kInf, 2}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("two buckets")));
}

constexpr absl::string_view kFamilyText =
    "# TYPE lat histogram\n"
    "lat_bucket{type=\"get\",le=\"1\"} 10\n"
    "lat_bucket{type=\"get\",le=\"2\"} 50\n"
    "lat_bucket{type=\"get\",le=\"+Inf\"} 60\n"
    "lat_sum{type=\"get\"} 90\n"
    "lat_count{type=\"get\"} 60\n"
    "lat_bucket{type=\"put\",le=\"1\"} 0\n"
    "lat_bucket{type=\"put\",le=\"2\"} 0\n"
    "lat_bucket{type=\"put\",le=\"+Inf\"} 40\n"
    "lat_sum{type=\"put\"} 200\n"
    "lat_count{type=\"put\"} 40\n";

TEST(CollectTest, GroupsSeriesByLabelsWithoutLe) {
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(kFamilyText));
  ASSERT_OK_AND_ASSIGN(std::vector<HistogramSeries> series, CollectHistogramSeries(families[0]));
  ASSERT_EQ(series.size(), 2u);
  EXPECT_THAT(series[0].labels, ElementsAre(Label{"type", "get"}));
  EXPECT_THAT(series[0].buckets, ElementsAre(Bucket{1, 10}, Bucket{2, 50}, Bucket{kInf, 60}));
  EXPECT_EQ(series[0].sum, 90);
  EXPECT_EQ(series[0].count, 60);
  EXPECT_EQ(series[1].count, 40);
}

TEST(CollectTest, SumsMatchingSeriesPerBound) {
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> families, ParseFamilies(kFamilyText));
  ASSERT_OK_AND_ASSIGN(std::vector<Bucket> all, CollectBuckets(families[0]));
  EXPECT_THAT(all, ElementsAre(Bucket{1, 10}, Bucket{2, 50}, Bucket{kInf, 100}));
  ASSERT_OK_AND_ASSIGN(std::vector<Bucket> get, CollectBuckets(families[0], {{"type", "get"}}));
  ASSERT_OK_AND_ASSIGN(double p50, HistogramQuantile(0.5, get));
  EXPECT_DOUBLE_EQ(p50, 1.5);  // rank 30: 20 of 40 into (1,2].
  EXPECT_THAT(CollectBuckets(families[0], {{"type", "scan"}}),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(CollectTest, RejectsNonHistogramsAndBadLe) {
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> gauge, ParseFamilies("# TYPE g gauge\ng 1\n"));
  EXPECT_THAT(CollectHistogramSeries(gauge[0]), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(std::vector<MetricFamily> bad,
                       ParseFamilies("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n"));
  EXPECT_THAT(CollectHistogramSeries(bad[0]), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace ops::prom
