#include "core/evidence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/status/status_matchers.h"

namespace ops::core {
namespace {

using ::ops::common::v1::EVIDENCE_SOURCE_KIND_CONTROL_PLANE;
using ::ops::common::v1::EVIDENCE_SOURCE_KIND_METRIC;
using ::ops::testing::StatusIs;

Evidence Item(const std::string& id, const std::string& summary) {
  Evidence e;
  e.id = id;
  e.source_kind = EVIDENCE_SOURCE_KIND_METRIC;
  e.locator = "tikv_raftstore_slow_score";
  e.summary = summary;
  return e;
}

TEST(EvidencePackTest, AddAssignsSequentialIds) {
  EvidencePack pack;
  EXPECT_EQ(pack.Add(Item("ignored", "a")), "E1");
  EXPECT_EQ(pack.Add(Item("", "b")), "E2");
  ASSERT_EQ(pack.items().size(), 2u);
  EXPECT_EQ(pack.items()[0].id, "E1");
  EXPECT_EQ(pack.items()[1].summary, "b");
  ASSERT_NE(pack.Find("E2"), nullptr);
  EXPECT_EQ(pack.Find("E2")->summary, "b");
  EXPECT_TRUE(pack.Contains("E1"));
  EXPECT_FALSE(pack.Contains("E3"));
  EXPECT_EQ(pack.Find("E3"), nullptr);
}

TEST(EvidencePackTest, FromItemsKeepsIdsAndContinuesNumbering) {
  ASSERT_OK_AND_ASSIGN(EvidencePack pack, EvidencePack::FromItems({Item("E1", "a"), Item("E7", "b"),
                                                                   Item("custom", "c")}));
  EXPECT_TRUE(pack.Contains("custom"));
  EXPECT_EQ(pack.Add(Item("", "d")), "E8");
}

TEST(EvidencePackTest, FromItemsRejectsRepeatedEmptyOrUnsourcedIds) {
  EXPECT_THAT(EvidencePack::FromItems({Item("E1", "a"), Item("E1", "b")}),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("repeated")));
  EXPECT_THAT(EvidencePack::FromItems({Item("", "a")}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  Evidence unsourced = Item("E1", "a");
  unsourced.source_kind = ::ops::common::v1::EVIDENCE_SOURCE_KIND_UNSPECIFIED;
  EXPECT_THAT(EvidencePack::FromItems({unsourced}), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(EvidencePackTest, AddSkipsIdsTakenByFromItems) {
  Evidence e = Item("E2", "x");
  e.source_kind = EVIDENCE_SOURCE_KIND_CONTROL_PLANE;
  ASSERT_OK_AND_ASSIGN(EvidencePack pack, EvidencePack::FromItems({e}));
  EXPECT_EQ(pack.Add(Item("", "y")), "E3");
}

TEST(EvidencePackTest, CarriesSignalAndSnapshot) {
  EvidencePack pack;
  EXPECT_FALSE(pack.signal().has_value());
  Signal s;
  s.fingerprint = "abc";
  pack.set_signal(s);
  Snapshot snap;
  snap.subject = "tikv";
  pack.set_snapshot(snap);
  EXPECT_EQ(pack.signal()->fingerprint, "abc");
  EXPECT_EQ(pack.snapshot()->subject, "tikv");
}

}  // namespace
}  // namespace ops::core
