// PD operator strings; see operator.h.
#include "subjects/tikv/sim/pd/operator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/pd/go_format.h"

namespace ops::sim {

std::string Operator::Brief() const {
  return absl::StrCat("transfer leader: store ", from_store, " to ", to_store);
}

std::string Operator::Step() const {
  return absl::StrCat("transfer leader from store ", from_store, " to store ", to_store);
}

std::string Operator::String(absl::TimeZone tz, absl::Time monotonic_base) const {
  std::string s =
      absl::StrCat(desc, " {", Brief(), "} (kind:leader, region:", region_id, "(", version, ", ",
                   conf_ver, "), createAt:", GoTimeString(create_time, tz, monotonic_base),
                   ", startAt:", GoTimeString(start_time, tz, monotonic_base),
                   ", currentStep:", finished ? 1 : 0, ", size:", size_mib, ", steps:[0:{", Step(),
                   "}], timeout:[", GoDuration(timeout), "])");
  if (finished) s += " finished";
  if (timed_out) s += " timeout";
  return s;
}

std::string Operator::AdditionalInfoJson() const {
  if (additional_info.empty()) return "";
  return nlohmann::json(additional_info).dump();  // Go marshals map keys sorted, as std::map
}

Operator NewTransferLeaderOperator(std::string desc, uint64_t region_id, uint64_t version,
                                   uint64_t conf_ver, int64_t size_mib, uint64_t from_store,
                                   uint64_t to_store, absl::Time now) {
  Operator op;
  op.desc = std::move(desc);
  op.region_id = region_id;
  op.version = version;
  op.conf_ver = conf_ver;
  op.size_mib = size_mib;
  op.from_store = from_store;
  op.to_store = to_store;
  op.create_time = now;
  op.timeout = std::max(absl::Seconds(60), absl::Seconds(static_cast<int64_t>(0.6 * size_mib)));
  return op;
}

}  // namespace ops::sim
