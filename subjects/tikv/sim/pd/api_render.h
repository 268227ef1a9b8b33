// Bodies of PD's public HTTP API (/pd/api/v1/...) rendered from a ClusterState, byte-compatible
// with a real PD v8.5: field names and order, omitempty, ByteSize/Duration strings, enums as
// ints, bare-JSON-string errors, 2-space indentation as unrolled/render's IndentJSON writes it
// (../../../../../shared/reference/tikv.md sections 1.1-1.8; samples in ../shared/data/pd/).
// Pure functions of their arguments; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_PD_API_RENDER_H_
#define OPS_SUBJECTS_TIKV_SIM_PD_API_RENDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/pd/cluster_state.h"

namespace ops::sim {

using ojson = nlohmann::ordered_json;

// One PD member as pdpb.Member describes it.
struct MemberInfo {
  std::string name;
  uint64_t member_id = 0;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  std::string deploy_path = "/";
  std::string binary_version = "v8.5.7";
  std::string git_hash = "6dce4a68e3e93b523657bd05cba89a86d64de117";
};

// PD-wide facts the API shows besides the cluster state.
struct PdView {
  uint64_t cluster_id = 0;
  std::vector<MemberInfo> members;
  int leader_index = -1;  // into members; -1 when there is no leader
  absl::Time bootstrap_time = absl::UnixEpoch();
  absl::Duration lease = absl::Seconds(5);
  std::string data_dir;
  std::string initial_cluster;
};

// An API answer: HTTP status and body (JSON text with the trailing newline render writes).
struct ApiReply {
  int status = 200;
  std::string body;
  // Empty: JSON ("application/json; charset=UTF-8", unrolled/render's rd.JSON). Region lists
  // are written with rd.Data: "application/octet-stream".
  std::string content_type;
};

// Formats a JSON value as PD does (indent 2, trailing newline).
std::string RenderBody(const ojson& j);
// A bare JSON string error body, e.g. "[PD:core:ErrStoreNotFound]store 99 not found".
ApiReply ErrorReply(int status, absl::string_view message);

ojson StoreInfoJson(const ClusterState& state, const StoreRecord& s, absl::Time now);
ojson RegionInfoJson(const RegionRecord& r);

// GET /stores[?state=N...]: `states` empty means the default (Up and Offline).
ApiReply RenderStores(const ClusterState& state, absl::Time now, const std::vector<int>& states);
// GET /store/{id}; 404 with the PD error string when unknown.
ApiReply RenderStore(const ClusterState& state, absl::Time now, uint64_t id);
// Appends one RegionInfo as PD's easyjson encoder writes it (compact, field order as emitted).
void AppendRegionJson(const RegionRecord& r, std::string* out);
// GET /regions: every region, compact (PD writes region lists with MarshalRegionsInfoJSON).
ApiReply RenderRegions(const ClusterState& state);
// GET /regions/key?key=&end_key=&limit=&format=: PD's ScanRegions. Keys are raw bytes, or hex
// when format=hex (400 with Go's encoding/hex error otherwise); limit defaults to 16, is capped
// at 10240, and <= 0 means no limit (400 with Go's strconv.Atoi error when not a number).
ApiReply RenderRegionsByKey(const ClusterState& state, absl::string_view key,
                            absl::string_view end_key, absl::string_view format,
                            absl::string_view limit);
ApiReply RenderRegion(const ClusterState& state, uint64_t id);
ApiReply RenderRegionsCount(const ClusterState& state);
// GET /regions/check/{check}; 400 for an unknown check.
ApiReply RenderRegionCheck(const ClusterState& state, absl::string_view check);
ApiReply RenderStatsRegion(const ClusterState& state);
// GET /hotspot/regions/{read,write}.
ApiReply RenderHotspot(const ClusterState& state, bool write);

ojson MemberJson(const MemberInfo& m);
ApiReply RenderMembers(const PdView& view);
// GET /leader; 500 with a PD error string when no leader is known.
ApiReply RenderLeader(const PdView& view);
// GET /health: `healthy[i]` says whether member i's client URL answered.
ApiReply RenderHealth(const PdView& view, const std::vector<bool>& healthy);
ApiReply RenderCluster(const PdView& view);
ApiReply RenderClusterStatus(const PdView& view);
ojson ScheduleConfigJson(const ClusterState& state);
ApiReply RenderConfig(const ClusterState& state, const PdView& view, int self_index);
ApiReply RenderScheduleConfig(const ClusterState& state);
ApiReply RenderSchedulers();
// GET /operators: the pending operators' strings (PD's Operator.MarshalJSON), a JSON array.
ApiReply RenderOperators(const std::vector<std::string>& operators);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_PD_API_RENDER_H_
