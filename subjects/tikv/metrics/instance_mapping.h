// Maps Prometheus' `instance` label to a TiKV store.
//
// TiKV serves /metrics on its status address, so a scrape target — and the `instance` label
// Prometheus gives its series — is host:status_port (reference §5: targets 'tikv1:20180'), not
// the data address PD lists as `address` (tikv1:20160). Matching is on the store's
// status_address. An instance equal to a store's data address only is reported as such (a
// scrape config pointing at the gRPC port scrapes nothing useful; the label must not be
// silently attributed), and so is an instance that matches no store, or several.
//
// Comparison ignores an http(s):// scheme, a trailing path and letter case, and treats
// localhost, 127.0.0.1 and [::1] as the same host. Pure; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_METRICS_INSTANCE_MAPPING_H_
#define OPS_SUBJECTS_TIKV_METRICS_INSTANCE_MAPPING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ops::tikv {

// A store's endpoints as PD lists them.
struct StoreEndpoint {
  std::string id;
  std::string address;         // data (gRPC) address, e.g. "tikv1:20160"
  std::string status_address;  // status address serving /metrics, e.g. "tikv1:20180"
};

enum class InstanceMatch {
  kStatusAddress,    // matched one store's status_address: the normal case
  kDataAddressOnly,  // matched a store's data address but no status address
  kAmbiguous,        // matched the status address of more than one store
  kNoStore,          // matched nothing
};

// "status_address", "data_address_only", "ambiguous" or "no_store".
absl::string_view InstanceMatchName(InstanceMatch match);

struct InstanceMapping {
  InstanceMatch match = InstanceMatch::kNoStore;
  std::string store_id;  // set for kStatusAddress and kDataAddressOnly (the store it names)
  std::string message;   // empty for kStatusAddress; otherwise a sentence for operators
};

// Index over one cycle's store list.
class InstanceIndex {
 public:
  explicit InstanceIndex(absl::Span<const StoreEndpoint> stores);
  InstanceMapping Map(absl::string_view instance) const;

 private:
  struct Entry {
    std::string id;
    std::string address;  // normalized
    std::string status;   // normalized
  };
  std::vector<Entry> stores_;
};

// host:port in the form compared (see header comment).
std::string NormalizeEndpoint(absl::string_view endpoint);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_METRICS_INSTANCE_MAPPING_H_
