#include "core/fingerprint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/signal.h"

namespace ops::core {
namespace {

TEST(FingerprintTest, IsSixteenLowerHexDigits) {
  const std::string fp = Fingerprint({{"subject", "tikv"}, {"entity_id", "4"}});
  EXPECT_THAT(fp, ::testing::MatchesRegex("[0-9a-f]{16}"));
}

TEST(FingerprintTest, KnownValuesAreStable) {
  // Pinned: fingerprints are stored in PostgreSQL, so the algorithm must never change silently.
  EXPECT_EQ(Fingerprint({}), "cbf29ce484222325");  // FNV-1a offset basis.
  EXPECT_EQ(Fingerprint({{"a", "b"}}), Fingerprint({{"a", "b"}}));
  EXPECT_EQ(Fingerprint(SignalLabels("tikv", "store_down", {"store", "4", {}})),
            "21374ddc083dbc3d");
}

TEST(FingerprintTest, IndependentOfInsertionOrder) {
  Labels a;
  a["subject"] = "tikv";
  a["invariant"] = "store_down";
  a["entity_id"] = "4";
  Labels b;
  b["entity_id"] = "4";
  b["subject"] = "tikv";
  b["invariant"] = "store_down";
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
}

TEST(FingerprintTest, SeparatorsInKeysAndValuesDoNotCollide) {
  std::set<std::string> fps = {
      Fingerprint({{"a", "b=c"}}),
      Fingerprint({{"a=b", "c"}}),
      Fingerprint({{"a", "bc"}}),
      Fingerprint({{"ab", "c"}}),
      Fingerprint({{"a", "b"}, {"c", ""}}),
      Fingerprint({{"a", "b,c="}}),
      Fingerprint({{"a", ""}, {"bc", ""}}),
      Fingerprint({{"", "abc"}}),
      Fingerprint({{std::string("a\0b", 3), "c"}}),
      Fingerprint({{"a", std::string("b\0c", 3)}}),
  };
  EXPECT_EQ(fps.size(), 10u);
}

TEST(FingerprintTest, NearIdenticalLabelSetsDiffer) {
  std::set<std::string> fps;
  for (int i = 0; i < 1000; ++i) {
    fps.insert(Fingerprint(SignalLabels("tikv", "store_down", {"store", std::to_string(i), {}})));
  }
  EXPECT_EQ(fps.size(), 1000u);
  EXPECT_NE(Fingerprint(SignalLabels("tikv", "store_down", {"store", "1", {}})),
            Fingerprint(SignalLabels("tikv", "store_slow", {"store", "1", {}})));
  EXPECT_NE(Fingerprint(SignalLabels("tikv", "store_down", {"store", "1", {}})),
            Fingerprint(SignalLabels("tikv", "store_down", {"pd_member", "1", {}})));
}

TEST(SignalLabelsTest, ReservedKeysWinOverExtraLabels) {
  Labels labels =
      SignalLabels("tikv", "inv", {"store", "4", {}}, {{"subject", "evil"}, {"x", "y"}});
  EXPECT_EQ(labels.at("subject"), "tikv");
  EXPECT_EQ(labels.at("invariant"), "inv");
  EXPECT_EQ(labels.at("entity_kind"), "store");
  EXPECT_EQ(labels.at("entity_id"), "4");
  EXPECT_EQ(labels.at("x"), "y");
}

}  // namespace
}  // namespace ops::core
