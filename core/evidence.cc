#include "core/evidence.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ops::core {
namespace {

// Returns n for ids of the form "E<n>" (n >= 1), else 0.
int EvidenceNumber(absl::string_view id) {
  int n = 0;
  if (id.size() < 2 || id[0] != 'E' || !absl::SimpleAtoi(id.substr(1), &n) || n < 1) return 0;
  return n;
}

}  // namespace

absl::StatusOr<EvidencePack> EvidencePack::FromItems(std::vector<Evidence> items) {
  EvidencePack pack;
  for (Evidence& e : items) {
    if (e.id.empty()) return absl::InvalidArgumentError("evidence item without an id");
    if (e.source_kind == ::ops::common::v1::EVIDENCE_SOURCE_KIND_UNSPECIFIED ||
        !::ops::common::v1::EvidenceSourceKind_IsValid(e.source_kind)) {
      return absl::InvalidArgumentError(
          absl::StrCat("evidence ", e.id, ": source kind is not set"));
    }
    if (pack.index_.contains(e.id)) {
      return absl::InvalidArgumentError(absl::StrCat("evidence id ", e.id, " is repeated"));
    }
    pack.next_number_ = std::max(pack.next_number_, EvidenceNumber(e.id) + 1);
    pack.index_.emplace(e.id, pack.items_.size());
    pack.items_.push_back(std::move(e));
  }
  return pack;
}

std::string EvidencePack::Add(Evidence item) {
  // Skip numbers already taken by ids that came from FromItems in another form.
  std::string id;
  do {
    id = absl::StrCat("E", next_number_++);
  } while (index_.contains(id));
  item.id = id;
  index_.emplace(id, items_.size());
  items_.push_back(std::move(item));
  return id;
}

const Evidence* EvidencePack::Find(absl::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &items_[it->second];
}

}  // namespace ops::core
