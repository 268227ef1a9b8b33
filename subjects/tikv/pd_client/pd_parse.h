// Parsers for PD's HTTP API bodies (/pd/api/v1, tikv.md §1) into the structs of pd_types.h.
// Held against the real payloads in shared/data/pd and bodies captured from tikv-sim-pd
// (pd_parse_test.cc).
//
// Errors, never exceptions: a body that is not JSON at all (empty, truncated, HTML) is
// DATA_LOSS; JSON of the wrong shape (wrong type, bad duration/size/time, missing id) is
// INVALID_ARGUMENT naming the field path ("stores[1].status.capacity: invalid byte size
// \"12XB\""). Unknown fields are ignored, so newer PD versions parse. Pure; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_PD_PARSE_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_PD_PARSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "subjects/tikv/pd_client/pd_types.h"

namespace ops::tikv {

// GET /stores → the stores in PD's order. Fails when `count` disagrees with the list.
absl::StatusOr<std::vector<PdStore>> ParseStores(absl::string_view body);
// GET /store/{id} → one StoreInfo.
absl::StatusOr<PdStore> ParseStore(absl::string_view body);
// GET /members.
absl::StatusOr<PdMembers> ParseMembers(absl::string_view body);
// GET /leader → one pdpb.Member.
absl::StatusOr<PdMember> ParseLeader(absl::string_view body);
// GET /health.
absl::StatusOr<std::vector<PdMemberHealth>> ParseHealth(absl::string_view body);
// GET /cluster/status.
absl::StatusOr<PdClusterStatus> ParseClusterStatus(absl::string_view body);
// GET /config (the whole config; `schedule` and `replication` sections are read).
absl::StatusOr<PdConfig> ParseConfig(absl::string_view body);
// The `count` of a RegionsInfo body: GET /regions/check/<name>, /regions/count, /regions.
// The `regions` list is not decoded.
absl::StatusOr<uint64_t> ParseRegionsCount(absl::string_view body);
// GET /stats/region.
absl::StatusOr<PdRegionStats> ParseRegionStats(absl::string_view body);
// GET /hotspot/regions/read or /hotspot/regions/write.
absl::StatusOr<PdHotspots> ParseHotspots(absl::string_view body);

// PD's error bodies are a bare JSON string ("[PD:core:ErrStoreNotFound]store 99 not found");
// returns that string, or the body itself (trimmed, at most 256 bytes) when it is not one.
std::string PdErrorText(absl::string_view body);

// Reads the count from the first bytes of a RegionsInfo body, so a region-check answer listing
// a million regions need not be received whole: PD (easyjson) and tikv-sim write `count` first
// (`{"count":3,"regions":[...`, indented or not). kFound fills `count`; kNeedMore asks for more
// bytes; kNotLeading means the body does not start that way and must be parsed whole.
enum class LeadingCount { kFound, kNeedMore, kNotLeading };
LeadingCount ReadLeadingCount(absl::string_view prefix, uint64_t* count);

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_PD_PARSE_H_
