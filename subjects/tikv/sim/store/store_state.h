// The persistent identity of one simulated TiKV store: its id, cluster id and the regions it
// holds a peer of (range, epoch, peers, raft term and last known leader). Read once from the
// supervisor's <data-dir>/bootstrap.json (docs/tikv-sim.md "Initial region layout"), then kept
// in <data-dir>/store_state.json so a restart keeps the id and the raft terms.
// Plain value types plus load/save functions; thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_STORE_STORE_STATE_H_
#define OPS_SUBJECTS_TIKV_SIM_STORE_STORE_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::sim {

struct PeerMeta {
  uint64_t id = 0;
  uint64_t store_id = 0;
};

struct RegionMeta {
  uint64_t id = 0;
  std::string start_key;  // upper-case hex of the raw key; "" = unbounded
  std::string end_key;
  uint64_t conf_ver = 1;
  uint64_t version = 1;
  std::vector<PeerMeta> peers;
  uint64_t term = 0;
  uint64_t leader_store_id = 0;  // 0 = unknown
  uint64_t vote = 0;             // store id voted for in `term`, 0 = none

  // This store's peer of the region, or nullptr.
  const PeerMeta* PeerOnStore(uint64_t store_id) const;
  // True when hex key `key` (upper-case) lies in [start_key, end_key).
  bool ContainsKey(absl::string_view key) const;
};

struct StoreState {
  uint64_t store_id = 0;
  uint64_t cluster_id = 0;
  std::vector<RegionMeta> regions;
  // Optional address hints for peer stores (store id -> "host:port"); bootstrap.json may carry
  // them as "stores": [{"id": 2, "address": "127.0.0.1:20161"}]. Otherwise PD resolves them.
  std::map<uint64_t, std::string> store_addresses;
};

// Parses bootstrap.json / store_state.json text. INVALID_ARGUMENT naming the problem.
absl::StatusOr<StoreState> ParseStoreState(absl::string_view json_text);
std::string StoreStateToJson(const StoreState& state);

// Loads <data_dir>/store_state.json when present, else <data_dir>/bootstrap.json; NOT_FOUND
// (naming both paths) when neither exists.
absl::StatusOr<StoreState> LoadStoreState(const std::string& data_dir);
// Writes <data_dir>/store_state.json atomically (temp file + rename).
absl::Status SaveStoreState(const std::string& data_dir, const StoreState& state);

// Upper-cases a hex key and checks it is valid hex of whole bytes.
absl::StatusOr<std::string> NormalizeHexKey(absl::string_view key);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_STORE_STORE_STATE_H_
