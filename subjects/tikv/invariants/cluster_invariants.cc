// Cluster-wide, PD and observer invariants of the TiKV pack (see invariants.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "subjects/tikv/invariants/invariants.h"

namespace ops::tikv {
namespace {

namespace pb = ::ops::common::v1;
using core::Condition;
using core::InvariantDefinition;
using core::Snapshot;

InvariantDefinition Define(std::string name, std::string description, core::Severity severity,
                           core::InvariantTiming timing,
                           std::function<std::vector<Condition>(const Snapshot&)> evaluate) {
  InvariantDefinition d;
  d.name = std::move(name);
  d.description = std::move(description);
  d.severity = severity;
  d.timing = timing;
  d.evaluate = std::move(evaluate);
  return d;
}

Condition ClusterCondition(double value, double threshold, std::string summary) {
  Condition c;
  c.entity = ClusterEntity();
  c.value = value;
  c.threshold = threshold;
  c.summary = std::move(summary);
  return c;
}

// An invariant on one region-health count.
InvariantDefinition RegionCount(std::string name, std::string what,
                                uint64_t core::RegionHealth::*field, double threshold,
                                core::InvariantTiming timing) {
  std::string description = absl::StrCat("Regions with ", what, " (PD region checker).");
  return Define(std::move(name), std::move(description), pb::SEVERITY_WARNING, timing,
                [=](const Snapshot& s) -> std::vector<Condition> {
                  const double n = static_cast<double>(s.regions.*field);
                  if (n <= threshold) return {};
                  return {ClusterCondition(n, threshold,
                                           absl::StrFormat("%.0f regions with %s", n, what))};
                });
}

}  // namespace

core::Entity ClusterEntity() { return core::Entity{"cluster", "", {}}; }

std::vector<InvariantDefinition> ClusterInvariants(const Thresholds& t) {
  const core::InvariantTiming now{absl::ZeroDuration(), t.Scaled(t.clear_window),
                                  t.Scaled(t.flap_window)};
  const core::InvariantTiming metric{t.Scaled(t.metric_for), t.Scaled(t.clear_window),
                                     t.Scaled(t.flap_window)};
  std::vector<InvariantDefinition> out;

  out.push_back(Define(
      "pd_member_unhealthy", "A PD member fails PD's own health check.", pb::SEVERITY_WARNING, now,
      [](const Snapshot& s) {
        std::vector<Condition> out;
        for (const core::ControlPlaneMember& m : s.members) {
          if (m.healthy) continue;
          Condition c;
          c.entity = core::Entity{"pd_member", m.name, {}};
          if (!m.client_urls.empty()) c.entity.labels["client_url"] = m.client_urls.front();
          c.value = 0;
          c.threshold = 1;
          c.summary = absl::StrCat("PD member ", m.name, " is unhealthy");
          out.push_back(std::move(c));
        }
        return out;
      }));

  out.push_back(Define("pd_no_leader", "PD members answer but none of them is leader.",
                       pb::SEVERITY_CRITICAL, now, [](const Snapshot& s) -> std::vector<Condition> {
                         if (s.members.empty() || s.Leader() != nullptr) return {};
                         return {ClusterCondition(0, 1, "PD has no leader")};
                       }));

  out.push_back(Define(
      "pd_leader_changed", "The PD leader changed recently (a PD member died or lost its lease).",
      pb::SEVERITY_WARNING, now, [t](const Snapshot& s) -> std::vector<Condition> {
        if (!s.leader_since) return {};
        const absl::Duration ago = s.captured_at - *s.leader_since;
        if (ago > t.Scaled(t.leader_change_window)) return {};
        const core::ControlPlaneMember* leader = s.Leader();
        return {ClusterCondition(absl::ToDoubleSeconds(ago),
                                 absl::ToDoubleSeconds(t.Scaled(t.leader_change_window)),
                                 absl::StrCat("PD leader changed to ",
                                              leader ? leader->name : "(none)", " ",
                                              absl::StrFormat("%.1fs", absl::ToDoubleSeconds(ago)),
                                              " ago"))};
      }));

  out.push_back(RegionCount("regions_miss_peer", "missing peers", &core::RegionHealth::miss_peer,
                            t.miss_peer_regions, now));
  out.push_back(RegionCount("regions_down_peer", "down peers", &core::RegionHealth::down_peer,
                            t.down_peer_regions, now));
  out.push_back(RegionCount("regions_pending_peer", "pending peers",
                            &core::RegionHealth::pending_peer, t.pending_peer_regions, now));
  out.push_back(RegionCount("regions_offline_peer", "offline peers",
                            &core::RegionHealth::offline_peer, t.offline_peer_regions, now));
  {
    InvariantDefinition d = RegionCount("regions_leaderless", "no leader",
                                        &core::RegionHealth::leaderless, 0, now);
    d.severity = pb::SEVERITY_CRITICAL;
    d.description = "Regions without a leader: unavailable for reads and writes.";
    out.push_back(std::move(d));
  }

  out.push_back(Define(
      "cluster_error_rate_high", "A large share of the cluster's requests fail.",
      pb::SEVERITY_CRITICAL, metric, [t](const Snapshot& s) -> std::vector<Condition> {
        const core::Workload& w = s.workload;
        if (w.ops_per_sec + w.errors_per_sec < t.min_ops_per_sec || w.error_rate <= t.error_rate) {
          return {};
        }
        return {ClusterCondition(w.error_rate, t.error_rate,
                                 absl::StrFormat("%.1f%% of the cluster's requests fail",
                                                 100 * w.error_rate))};
      }));

  out.push_back(Define(
      "throughput_dropped", "Cluster throughput fell far below its own recent baseline.",
      pb::SEVERITY_WARNING, metric, [t](const Snapshot& s) -> std::vector<Condition> {
        const core::Workload& w = s.workload;
        if (w.baseline_ops_per_sec < t.min_baseline_ops) return {};
        const double floor = w.baseline_ops_per_sec * (1 - t.throughput_drop);
        if (w.ops_per_sec >= floor) return {};
        return {ClusterCondition(w.ops_per_sec, floor,
                                 absl::StrFormat("cluster serves %.0f ops/s, baseline %.0f ops/s",
                                                 w.ops_per_sec, w.baseline_ops_per_sec))};
      }));

  out.push_back(Define(
      kObserverBlind, "Operator cannot see the cluster's control plane: no judgement possible.",
      pb::SEVERITY_CRITICAL, core::InvariantTiming{absl::ZeroDuration(), absl::ZeroDuration(),
                                                   t.Scaled(t.flap_window)},
      [](const Snapshot& s) -> std::vector<Condition> {
        if (!s.visibility.blind) return {};
        Condition c;
        c.entity = core::Entity{"observer", "", {}};
        c.value = 1;
        c.threshold = 0;
        c.summary = s.visibility.unavailable_sources.empty()
                        ? "Operator cannot see the cluster"
                        : absl::StrCat("Operator cannot see the cluster: ",
                                       absl::StrJoin(s.visibility.unavailable_sources, "; "));
        return {c};
      }));
  return out;
}

std::vector<InvariantDefinition> TikvInvariants(const Thresholds& t) {
  std::vector<InvariantDefinition> out = StoreInvariants(t);
  for (InvariantDefinition& d : ClusterInvariants(t)) out.push_back(std::move(d));
  return out;
}

}  // namespace ops::tikv
