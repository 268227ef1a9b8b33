// PD /metrics extraction; see pd_metrics_sample.h.
#include "subjects/tikv/metrics/pd_metrics_sample.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/prom/text_parser.h"

namespace ops::tikv {
namespace {

absl::string_view Label(const prom::SampleView& s, absl::string_view name) {
  for (const prom::LabelView& l : s.labels) {
    if (l.name == name) return l.value;
  }
  return {};
}

bool HasLabel(const prom::SampleView& s, absl::string_view name) {
  for (const prom::LabelView& l : s.labels) {
    if (l.name == name) return true;
  }
  return false;
}

uint64_t Count(std::optional<double> v) {
  if (!v || !std::isfinite(*v) || *v <= 0) return 0;
  return static_cast<uint64_t>(std::llround(*v));
}

class PdVisitor : public prom::ParseVisitor {
 public:
  explicit PdVisitor(PdMetricsSample* out) : out_(out) {}

  void OnSample(const prom::SampleView& s) override {
    const absl::string_view f = s.family;
    if (f == "pd_cluster_status") {
      std::string type(Label(s, "type"));
      out_->cluster_status[type] += s.value;
      if (HasLabel(s, "store")) {
        out_->cluster_status_by_store[std::string(Label(s, "store"))][type] += s.value;
      }
    } else if (f == "pd_regions_status") {
      out_->regions_status[std::string(Label(s, "type"))] += s.value;
    } else if (f == "pd_scheduler_store_status") {
      PdStoreSchedulingStatus& st = out_->store_status[std::string(Label(s, "store"))];
      if (st.address.empty()) st.address = std::string(Label(s, "address"));
      st.values[std::string(Label(s, "type"))] = s.value;
    } else if (f == "etcd_server_is_leader") {
      out_->etcd_is_leader = s.value > 0;
    } else if (f == "etcd_server_has_leader") {
      out_->etcd_has_leader = s.value > 0;
    } else if (f == "service_member_role") {
      absl::string_view service = Label(s, "service");
      if (service.empty() || service == "PD") out_->member_role_leader = s.value > 0;
    } else if (f == "pd_tso_role") {
      absl::string_view dc = Label(s, "dc");
      if (dc.empty() || dc == "global") out_->tso_leader = s.value > 0;
    } else if (f == "pd_server_info") {
      out_->version = std::string(Label(s, "version"));
    }
  }

 private:
  PdMetricsSample* out_;
};

std::optional<double> Find(const std::map<std::string, double>& m, absl::string_view key) {
  auto it = m.find(std::string(key));
  if (it == m.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<bool> PdMetricsSample::IsLeader() const {
  if (member_role_leader) return member_role_leader;
  if (etcd_is_leader) return etcd_is_leader;
  return tso_leader;
}

std::optional<double> PdMetricsSample::ClusterStatus(absl::string_view type) const {
  return Find(cluster_status, type);
}

std::optional<double> PdMetricsSample::RegionsStatus(absl::string_view type) const {
  return Find(regions_status, type);
}

absl::StatusOr<PdMetricsSample> ParsePdMetrics(absl::string_view text) {
  PdMetricsSample sample;
  PdVisitor visitor(&sample);
  prom::TextParser parser;
  absl::Status parsed = parser.Parse(text, visitor);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("PD /metrics: ", parsed.message()));
  }
  return sample;
}

core::RegionHealth ToRegionHealth(const PdMetricsSample& s) {
  core::RegionHealth h;
  if (s.cluster_status_by_store.empty()) h.total = Count(s.ClusterStatus("region_count"));
  h.miss_peer = Count(s.RegionsStatus("miss-peer-region-count"));
  h.down_peer = Count(s.RegionsStatus("down-peer-region-count"));
  h.pending_peer = Count(s.RegionsStatus("pending-peer-region-count"));
  h.offline_peer = Count(s.RegionsStatus("offline-peer-region-count"));
  h.extra_peer = Count(s.RegionsStatus("extra-peer-region-count"));
  h.empty = Count(s.RegionsStatus("empty-region-count"));
  return h;
}

}  // namespace ops::tikv
