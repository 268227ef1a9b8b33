// Prometheus instance → store mapping: status port matches, the data port alone is reported,
// unknown and ambiguous instances are reported, and spelling differences are tolerated.
#include "subjects/tikv/metrics/instance_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace ops::tikv {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Reference §5 compose layout: data port 20160, status port 20180.
std::vector<StoreEndpoint> Stores() {
  return {{"1", "tikv1:20160", "tikv1:20180"},
          {"4", "tikv2:20160", "tikv2:20180"},
          {"5", "127.0.0.1:20161", "127.0.0.1:20181"}};
}

TEST(InstanceMappingTest, MatchesTheStatusAddress) {
  InstanceIndex index(Stores());
  InstanceMapping m = index.Map("tikv2:20180");
  EXPECT_EQ(m.match, InstanceMatch::kStatusAddress);
  EXPECT_EQ(m.store_id, "4");
  EXPECT_THAT(m.message, IsEmpty());
}

TEST(InstanceMappingTest, DataPortOnlyIsReportedNotAttributed) {
  InstanceIndex index(Stores());
  InstanceMapping m = index.Map("tikv1:20160");
  EXPECT_EQ(m.match, InstanceMatch::kDataAddressOnly);
  EXPECT_EQ(m.store_id, "1");
  EXPECT_THAT(m.message, HasSubstr("data (gRPC) address of store 1"));
  EXPECT_THAT(m.message, HasSubstr("tikv1:20180"));
  EXPECT_EQ(InstanceMatchName(m.match), "data_address_only");
}

TEST(InstanceMappingTest, UnknownInstance) {
  InstanceIndex index(Stores());
  InstanceMapping m = index.Map("tikv9:20180");
  EXPECT_EQ(m.match, InstanceMatch::kNoStore);
  EXPECT_THAT(m.store_id, IsEmpty());
  EXPECT_THAT(m.message, HasSubstr("tikv9:20180 matches no store"));
  EXPECT_EQ(index.Map("").match, InstanceMatch::kNoStore);
  EXPECT_THAT(index.Map("").message, HasSubstr("no instance label"));
  // Same host, a port that is neither.
  EXPECT_EQ(index.Map("tikv1:9100").match, InstanceMatch::kNoStore);
}

TEST(InstanceMappingTest, AmbiguousStatusAddress) {
  std::vector<StoreEndpoint> stores = Stores();
  stores.push_back({"7", "tikv1:20170", "tikv1:20180"});  // e.g. a tombstone left in the list
  InstanceIndex index(stores);
  InstanceMapping m = index.Map("tikv1:20180");
  EXPECT_EQ(m.match, InstanceMatch::kAmbiguous);
  EXPECT_THAT(m.store_id, IsEmpty());
  EXPECT_THAT(m.message, HasSubstr("stores 1, 7"));
}

TEST(InstanceMappingTest, SpellingDifferencesAreTolerated) {
  InstanceIndex index(Stores());
  EXPECT_EQ(index.Map("localhost:20181").store_id, "5");
  EXPECT_EQ(index.Map("http://127.0.0.1:20181/metrics").store_id, "5");
  EXPECT_EQ(index.Map("[::1]:20181").store_id, "5");
  EXPECT_EQ(index.Map("TIKV1:20180").store_id, "1");
  EXPECT_EQ(NormalizeEndpoint(" https://Host:1/x "), "host:1");
  EXPECT_EQ(NormalizeEndpoint("[fe80::1]:20180"), "[fe80::1]:20180");
  EXPECT_EQ(NormalizeEndpoint("[fe80::1]"), "[fe80::1]");
}

TEST(InstanceMappingTest, StoreWithoutStatusAddress) {
  InstanceIndex index(std::vector<StoreEndpoint>{{"1", "tikv1:20160", ""}});
  EXPECT_EQ(index.Map("tikv1:20180").match, InstanceMatch::kNoStore);
  InstanceMapping m = index.Map("tikv1:20160");
  EXPECT_EQ(m.match, InstanceMatch::kDataAddressOnly);
  EXPECT_THAT(m.message, HasSubstr("not its status address:"));
}

}  // namespace
}  // namespace ops::tikv
