#include "subjects/tikv/sim/common/exposition.h"

#include <cmath>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ops::sim {
namespace {

TEST(FormatFloatTest, RustMatchesRealTikvValues) {
  // Values as printed in data/metrics/tikv-v5.3.0-alpha-status-metrics.txt.
  EXPECT_EQ(FormatFloat(1634094873.15, FloatStyle::kRust), "1634094873.15");
  EXPECT_EQ(FormatFloat(0.0000283, FloatStyle::kRust), "0.0000283");
  EXPECT_EQ(FormatFloat(0.002291400000000001, FloatStyle::kRust), "0.002291400000000001");
  EXPECT_EQ(FormatFloat(24446681088, FloatStyle::kRust), "24446681088");
  EXPECT_EQ(FormatFloat(-1249664, FloatStyle::kRust), "-1249664");
  EXPECT_EQ(FormatFloat(0, FloatStyle::kRust), "0");
  EXPECT_EQ(FormatFloat(8.18, FloatStyle::kRust), "8.18");
  EXPECT_EQ(FormatFloat(0.0000001, FloatStyle::kRust), "0.0000001");
}

TEST(FormatFloatTest, GoMatchesRealPdValues) {
  EXPECT_EQ(FormatFloat(1634094872.6, FloatStyle::kGo), "1.6340948726e+09");
  EXPECT_EQ(FormatFloat(62725623808, FloatStyle::kGo), "6.2725623808e+10");
  EXPECT_EQ(FormatFloat(0.0000152, FloatStyle::kGo), "1.52e-05");
  EXPECT_EQ(FormatFloat(1048576, FloatStyle::kGo), "1.048576e+06");
  EXPECT_EQ(FormatFloat(76, FloatStyle::kGo), "76");
  EXPECT_EQ(FormatFloat(0.001, FloatStyle::kGo), "0.001");
  EXPECT_EQ(FormatFloat(0.0001, FloatStyle::kGo), "0.0001");
  EXPECT_EQ(FormatFloat(123456, FloatStyle::kGo), "123456");
  EXPECT_EQ(FormatFloat(1e+20, FloatStyle::kGo), "1e+20");
  EXPECT_EQ(FormatFloat(0, FloatStyle::kGo), "0");
  EXPECT_EQ(FormatFloat(-3.5, FloatStyle::kGo), "-3.5");
}

TEST(FormatFloatTest, SpecialValues) {
  for (FloatStyle s : {FloatStyle::kRust, FloatStyle::kGo}) {
    EXPECT_EQ(FormatFloat(std::numeric_limits<double>::infinity(), s), "+Inf");
    EXPECT_EQ(FormatFloat(-std::numeric_limits<double>::infinity(), s), "-Inf");
    EXPECT_EQ(FormatFloat(std::nan(""), s), "NaN");
  }
}

TEST(ExpositionWriterTest, FamilyAndEscapedLabels) {
  ExpositionWriter w(FloatStyle::kRust);
  w.Family("tikv_store_size_bytes", "Size of storage.", "gauge");
  w.Sample("tikv_store_size_bytes", {{"type", "available"}}, 24446681088);
  w.Sample("x", {{"a", "q\"b\\c\nd"}, {"b", ""}}, 1);
  w.Sample("y", {}, 2.5);
  EXPECT_EQ(w.Take(),
            "# HELP tikv_store_size_bytes Size of storage.\n"
            "# TYPE tikv_store_size_bytes gauge\n"
            "tikv_store_size_bytes{type=\"available\"} 24446681088\n"
            "x{a=\"q\\\"b\\\\c\\nd\",b=\"\"} 1\n"
            "y 2.5\n");
  EXPECT_EQ(w.Take(), "");
}

TEST(ExpositionWriterTest, HistogramShape) {
  ExpositionWriter w(FloatStyle::kRust);
  w.Histogram("tikv_grpc_msg_duration_seconds", {{"priority", "medium"}, {"type", "raw_put"}},
              {0.00005, 0.0001}, {3, 5}, 1.93, 7);
  EXPECT_EQ(w.Take(),
            "tikv_grpc_msg_duration_seconds_bucket{priority=\"medium\",type=\"raw_put\","
            "le=\"0.00005\"} 3\n"
            "tikv_grpc_msg_duration_seconds_bucket{priority=\"medium\",type=\"raw_put\","
            "le=\"0.0001\"} 5\n"
            "tikv_grpc_msg_duration_seconds_bucket{priority=\"medium\",type=\"raw_put\","
            "le=\"+Inf\"} 7\n"
            "tikv_grpc_msg_duration_seconds_sum{priority=\"medium\",type=\"raw_put\"} 1.93\n"
            "tikv_grpc_msg_duration_seconds_count{priority=\"medium\",type=\"raw_put\"} 7\n");
}

TEST(ExpositionWriterTest, GoHistogramBoundsUseGoStyle) {
  ExpositionWriter w(FloatStyle::kGo);
  w.Histogram("h", {}, {0.00001}, {1}, 0.5, 1);
  EXPECT_THAT(w.Take(), testing::HasSubstr("h_bucket{le=\"1e-05\"} 1\n"));
}

TEST(SortedFamilies, SortsByNameAndDropsFamiliesWithoutSeries) {
  SortedFamilies w(FloatStyle::kRust);
  w.Family("tikv_b", "B.", "gauge");
  w.Sample("tikv_b", {}, 2);
  w.Family("tikv_empty", "Never used.", "counter");
  w.Family("tikv_a", "A.", "gauge");
  w.Sample("tikv_a", {{"type", "x"}}, 1.5);
  EXPECT_EQ(w.Take(),
            "# HELP tikv_a A.\n# TYPE tikv_a gauge\ntikv_a{type=\"x\"} 1.5\n"
            "# HELP tikv_b B.\n# TYPE tikv_b gauge\ntikv_b 2\n");
  EXPECT_EQ(w.Take(), "");
}

}  // namespace
}  // namespace ops::sim
