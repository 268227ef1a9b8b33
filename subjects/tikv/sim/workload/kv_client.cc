#include "subjects/tikv/sim/workload/kv_client.h"

#include "nlohmann/json.hpp"

namespace ops::sim {

KvClient::KvClient(KvTransport* transport, int max_attempts)
    : transport_(transport), max_attempts_(max_attempts < 1 ? 1 : max_attempts) {}

OpOutcome KvClient::Execute(const RegionTable& table, bool is_read, const std::string& key,
                            const std::string& value) const {
  OpOutcome out;
  const RegionRoute* region = table.Locate(key);
  if (region == nullptr || region->leader_store_id == 0) {
    return {"no_leader", 0, true};
  }
  uint64_t store = region->leader_store_id;
  nlohmann::json body = {{"region_id", region->id}, {"key", key}};
  if (!is_read) body["value"] = value;
  const std::string path = is_read ? "/kv/v1/get" : "/kv/v1/put";
  const std::string payload = body.dump();
  while (out.attempts < max_attempts_) {
    const std::string addr = table.StoreAddress(store);
    if (addr.empty()) return {"no_leader", out.attempts, true};
    ++out.attempts;
    absl::StatusOr<KvReply> reply = transport_->Post(addr, path, payload);
    if (!reply.ok()) {
      out.result = "unavailable";
      out.refresh = true;
      return out;
    }
    if (reply->status == 200) {
      out.result = "ok";
      return out;
    }
    nlohmann::json err = nlohmann::json::parse(reply->body, nullptr, false);
    const std::string kind = err.is_object() && err.contains("error") && err["error"].is_string()
                                 ? err["error"].get<std::string>()
                                 : "other";
    out.result = kind == "not_leader" || kind == "region_not_found" ||
                         kind == "key_not_in_region" || kind == "server_is_busy" ||
                         kind == "disk_full"
                     ? kind
                     : "other";
    if (kind == "not_leader") {
      out.refresh = true;
      const uint64_t hint = err.value("leader_store_id", uint64_t{0});
      if (hint == 0 || hint == store) return out;
      store = hint;  // retry at the hinted leader
      continue;
    }
    out.refresh = kind == "region_not_found" || kind == "key_not_in_region";
    return out;
  }
  return out;
}

}  // namespace ops::sim
