#include "libs/prom/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace ops::prom {
namespace {

TEST(FormatValueTest, MatchesGoStrconvG) {
  struct Case {
    double value;
    const char* want;
  };
  // Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints.
  for (const Case& c : std::vector<Case>{{0, "0"},
                                         {-0.0, "0"},
                                         {1, "1"},
                                         {-1, "-1"},
                                         {3, "3"},
                                         {0.005, "0.005"},
                                         {0.0001, "0.0001"},
                                         {0.00001, "1e-05"},
                                         {1.52e-05, "1.52e-05"},
                                         {2.5, "2.5"},
                                         {123456, "123456"},
                                         {999999, "999999"},
                                         {1e6, "1e+06"},
                                         {1234567, "1.234567e+06"},
                                         {1634094872.6, "1.6340948726e+09"},
                                         {6.2725623808e+10, "6.2725623808e+10"},
                                         {1e21, "1e+21"},
                                         {1.5e300, "1.5e+300"},
                                         {5e-324, "5e-324"},
                                         {0.1 + 0.2, "0.30000000000000004"},
                                         {-12.75, "-12.75"}}) {
    EXPECT_EQ(FormatValue(c.value), c.want) << c.want;
  }
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(FormatValueTest, RoundTrips) {
  for (double v : {1.0 / 3, 2.0 / 3 * 1e10, 1e-7 / 3, 123.456, 98765.4321}) {
    EXPECT_EQ(std::stod(FormatValue(v)), v);
  }
}

TEST(EscapeTest, LabelValuesAndHelp) {
  std::string out;
  AppendEscapedLabelValue("a\\b\"c\nd", &out);
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd");
  out.clear();
  AppendEscapedHelp("a\\b\"c\nd", &out);
  EXPECT_EQ(out, "a\\\\b\"c\\nd");
}

}  // namespace
}  // namespace ops::prom
