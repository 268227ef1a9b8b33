// Prometheus instance → TiKV store; see instance_mapping.h.
#include "subjects/tikv/metrics/instance_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace ops::tikv {

absl::string_view InstanceMatchName(InstanceMatch match) {
  switch (match) {
    case InstanceMatch::kStatusAddress:
      return "status_address";
    case InstanceMatch::kDataAddressOnly:
      return "data_address_only";
    case InstanceMatch::kAmbiguous:
      return "ambiguous";
    case InstanceMatch::kNoStore:
      return "no_store";
  }
  return "unknown";
}

std::string NormalizeEndpoint(absl::string_view endpoint) {
  std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(endpoint));
  absl::string_view v = s;
  if (!absl::ConsumePrefix(&v, "http://")) absl::ConsumePrefix(&v, "https://");
  if (size_t slash = v.find('/'); slash != absl::string_view::npos) v = v.substr(0, slash);
  // Split host and port at the last ':' outside brackets.
  absl::string_view host = v, port;
  size_t colon = v.rfind(':');
  if (colon != absl::string_view::npos && v.find(']', colon) == absl::string_view::npos) {
    host = v.substr(0, colon);
    port = v.substr(colon);  // keeps the ':'
  }
  if (host == "localhost" || host == "[::1]" || host == "127.0.0.1") host = "127.0.0.1";
  return absl::StrCat(host, port);
}

InstanceIndex::InstanceIndex(absl::Span<const StoreEndpoint> stores) {
  stores_.reserve(stores.size());
  for (const StoreEndpoint& s : stores) {
    stores_.push_back({s.id, s.address.empty() ? "" : NormalizeEndpoint(s.address),
                       s.status_address.empty() ? "" : NormalizeEndpoint(s.status_address)});
  }
}

InstanceMapping InstanceIndex::Map(absl::string_view instance) const {
  InstanceMapping m;
  const std::string key = NormalizeEndpoint(instance);
  if (key.empty()) {
    m.message = "series has no instance label";
    return m;
  }
  std::vector<const Entry*> by_status;
  const Entry* by_address = nullptr;
  for (const Entry& e : stores_) {
    if (!e.status.empty() && e.status == key) by_status.push_back(&e);
    if (by_address == nullptr && !e.address.empty() && e.address == key) by_address = &e;
  }
  if (by_status.size() == 1) {
    m.match = InstanceMatch::kStatusAddress;
    m.store_id = by_status[0]->id;
    return m;
  }
  if (by_status.size() > 1) {
    std::vector<std::string> ids;
    for (const Entry* e : by_status) ids.push_back(e->id);
    m.match = InstanceMatch::kAmbiguous;
    m.message = absl::StrCat("instance ", instance, " is the status address of stores ",
                             absl::StrJoin(ids, ", "), "; its series are not attributed");
    return m;
  }
  if (by_address != nullptr) {
    m.match = InstanceMatch::kDataAddressOnly;
    m.store_id = by_address->id;
    m.message = absl::StrCat("instance ", instance, " is the data (gRPC) address of store ",
                             by_address->id, ", not its status address",
                             by_address->status.empty() ? "" : " ", by_address->status,
                             ": the Prometheus scrape target should be the status port; its "
                             "series are not attributed");
    return m;
  }
  m.message = absl::StrCat("instance ", instance, " matches no store's status address");
  return m;
}

}  // namespace ops::tikv
