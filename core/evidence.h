// Evidence: the facts a diagnosis may cite, and EvidencePack, the builder that gives each fact a
// stable id ("E1", "E2", ...) in the order it was added. A diagnosis is valid only if every id
// it cites is in its pack, so ids are assigned here and nowhere else.
#ifndef OPS_CORE_EVIDENCE_H_
#define OPS_CORE_EVIDENCE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/fingerprint.h"
#include "core/signal.h"
#include "core/snapshot.h"
#include "ops/v1/common.pb.h"

namespace ops::core {

using EvidenceSourceKind = ::ops::common::v1::EvidenceSourceKind;

// One fact. Plain value.
struct Evidence {
  std::string id;  // "E<n>"; assigned by EvidencePack::Add.
  EvidenceSourceKind source_kind = ::ops::common::v1::EVIDENCE_SOURCE_KIND_UNSPECIFIED;
  std::string locator;  // PD path, metric name or PromQL, "file:line", probed address.
  absl::Time observed_at = absl::UnixEpoch();
  std::string summary;
  std::string value;
  Labels labels;

  friend bool operator==(const Evidence&, const Evidence&) = default;
};

// Everything a diagnosis engine knows about one problem: the signal, the snapshot captured with
// it, and numbered evidence items. Thread-compatible (const methods may be called concurrently;
// mutation needs external synchronisation).
class EvidencePack {
 public:
  EvidencePack() = default;

  // Builds a pack from items that already carry ids (explicit evidence from a client, or a
  // pack read back from storage). Fails with INVALID_ARGUMENT when an id is empty or repeated
  // or a source kind is unset. Later Add() calls continue after the highest "E<n>" present.
  static absl::StatusOr<EvidencePack> FromItems(std::vector<Evidence> items);

  // Adds `item`, overwriting its id with the next "E<n>", and returns that id.
  std::string Add(Evidence item);

  // All items in the order added.
  const std::vector<Evidence>& items() const { return items_; }

  // Returns the item with `id`, or nullptr.
  const Evidence* Find(absl::string_view id) const;

  // True when an item with `id` exists.
  bool Contains(absl::string_view id) const { return Find(id) != nullptr; }

  // The signal being explained, if set.
  const std::optional<Signal>& signal() const { return signal_; }
  void set_signal(Signal signal) { signal_ = std::move(signal); }

  // The snapshot captured with the signal, if set.
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }
  void set_snapshot(Snapshot snapshot) { snapshot_ = std::move(snapshot); }

 private:
  std::vector<Evidence> items_;
  absl::flat_hash_map<std::string, size_t> index_;
  int next_number_ = 1;
  std::optional<Signal> signal_;
  std::optional<Snapshot> snapshot_;
};

}  // namespace ops::core

#endif  // OPS_CORE_EVIDENCE_H_
