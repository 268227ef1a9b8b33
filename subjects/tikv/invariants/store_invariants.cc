// Per-store invariants of the TiKV pack (see invariants.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "subjects/tikv/invariants/invariants.h"

namespace ops::tikv {
namespace {

namespace pb = ::ops::common::v1;
using core::Condition;
using core::InvariantDefinition;
using core::Snapshot;
using core::StoreStatus;

// Stores PD no longer counts (removed from the cluster) are not judged.
bool Judged(const StoreStatus& s) {
  return s.state != pb::STORE_STATE_TOMBSTONE && s.state_name != "Tombstone";
}

// Builds an invariant that yields one condition per store for which `check` says so.
InvariantDefinition PerStore(
    std::string name, std::string description, core::Severity severity, core::InvariantTiming timing,
    std::function<std::optional<Condition>(const Snapshot&, const StoreStatus&)> check) {
  InvariantDefinition d;
  d.name = std::move(name);
  d.description = std::move(description);
  d.severity = severity;
  d.timing = timing;
  d.evaluate = [check = std::move(check)](const Snapshot& snap) {
    std::vector<Condition> out;
    for (const StoreStatus& s : snap.stores) {
      if (!Judged(s)) continue;
      if (std::optional<Condition> c = check(snap, s)) {
        c->entity = StoreEntity(s);
        out.push_back(std::move(*c));
      }
    }
    return out;
  };
  return d;
}

Condition Cond(double value, double threshold, std::string summary) {
  Condition c;
  c.value = value;
  c.threshold = threshold;
  c.summary = std::move(summary);
  return c;
}

std::string Seconds(absl::Duration d) { return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(d)); }

}  // namespace

core::Entity StoreEntity(const StoreStatus& s) {
  core::Entity e{"store", s.id, {}};
  if (!s.address.empty()) e.labels["address"] = s.address;
  return e;
}

std::vector<InvariantDefinition> StoreInvariants(const Thresholds& t) {
  const core::InvariantTiming now{absl::ZeroDuration(), t.Scaled(t.clear_window),
                                  t.Scaled(t.flap_window)};
  const core::InvariantTiming metric{t.Scaled(t.metric_for), t.Scaled(t.clear_window),
                                     t.Scaled(t.flap_window)};
  std::vector<InvariantDefinition> out;

  out.push_back(PerStore(
      "store_unreachable", "The store's status port does not answer Operator's probe.",
      pb::SEVERITY_CRITICAL, now, [t](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        const core::ProbeResult& p = s.probe;
        if (!p.probed_at || p.reachable) return std::nullopt;
        if (!p.refused && static_cast<int>(p.consecutive_failures) < t.probe_failures) {
          return std::nullopt;
        }
        return Cond(p.consecutive_failures, t.probe_failures,
                    absl::StrCat("store ", s.id, " (", s.status_address, ") does not answer: ",
                                 p.error));
      }));

  out.push_back(PerStore(
      "store_disconnected", "PD has not had a heartbeat from the store for 20 s (Disconnected).",
      pb::SEVERITY_CRITICAL, now, [](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        if (s.state != pb::STORE_STATE_DISCONNECTED) return std::nullopt;
        return Cond(1, 0, absl::StrCat("PD reports store ", s.id, " Disconnected"));
      }));

  out.push_back(PerStore(
      "store_down", "PD has had no heartbeat for max-store-down-time (Down); replicas move away.",
      pb::SEVERITY_CRITICAL, now, [](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        if (s.state != pb::STORE_STATE_DOWN) return std::nullopt;
        return Cond(1, 0, absl::StrCat("PD reports store ", s.id, " Down"));
      }));

  out.push_back(PerStore(
      "store_isolated",
      "The store answers Operator's probe but PD gets no heartbeats: cut off from PD or peers.",
      pb::SEVERITY_CRITICAL, now, [t](const Snapshot& snap, const StoreStatus& s) -> std::optional<Condition> {
        if (!s.probe.probed_at || !s.probe.reachable || !s.last_heartbeat) return std::nullopt;
        const absl::Duration age = snap.captured_at - *s.last_heartbeat;
        if (age <= t.Scaled(t.heartbeat_stale)) return std::nullopt;
        return Cond(absl::ToDoubleSeconds(age), absl::ToDoubleSeconds(t.Scaled(t.heartbeat_stale)),
                    absl::StrCat("store ", s.id, " answers probes but its last PD heartbeat is ",
                                 Seconds(age), " old"));
      }));

  out.push_back(PerStore(
      "store_restarted", "The store process restarted (its start time changed).",
      pb::SEVERITY_WARNING, now, [t](const Snapshot& snap, const StoreStatus& s) -> std::optional<Condition> {
        if (!s.restarted_at) return std::nullopt;
        const absl::Duration ago = snap.captured_at - *s.restarted_at;
        if (ago > t.Scaled(t.restart_window)) return std::nullopt;
        return Cond(absl::ToDoubleSeconds(ago), absl::ToDoubleSeconds(t.Scaled(t.restart_window)),
                    absl::StrCat("store ", s.id, " restarted ", Seconds(ago), " ago"));
      }));

  out.push_back(PerStore(
      "store_p99_latency_high", "The store's p99 request latency is over the threshold.",
      pb::SEVERITY_WARNING, metric, [t](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        if (s.workload.ops_per_sec < t.min_ops_per_sec || s.workload.p99_latency <= t.p99_latency) {
          return std::nullopt;
        }
        return Cond(absl::ToDoubleMilliseconds(s.workload.p99_latency),
                    absl::ToDoubleMilliseconds(t.p99_latency),
                    absl::StrFormat("store %s p99 latency %.0f ms (threshold %.0f ms)", s.id,
                                    absl::ToDoubleMilliseconds(s.workload.p99_latency),
                                    absl::ToDoubleMilliseconds(t.p99_latency)));
      }));

  out.push_back(PerStore(
      "store_error_rate_high", "A large share of the store's requests fail.",
      pb::SEVERITY_WARNING, metric, [t](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        const double total = s.workload.ops_per_sec + s.workload.errors_per_sec;
        if (total < t.min_ops_per_sec || s.workload.error_rate <= t.error_rate) return std::nullopt;
        return Cond(s.workload.error_rate, t.error_rate,
                    absl::StrFormat("store %s: %.1f%% of requests fail", s.id,
                                    100 * s.workload.error_rate));
      }));

  out.push_back(PerStore(
      "store_low_space", "Available space is below PD's low-space ratio.", pb::SEVERITY_CRITICAL,
      now, [t](const Snapshot& snap, const StoreStatus& s) -> std::optional<Condition> {
        if (s.capacity_bytes == 0) return std::nullopt;
        auto it = snap.settings.find("low_space_ratio");
        const double ratio = it != snap.settings.end() ? it->second : t.low_space_ratio;
        const double available = static_cast<double>(s.available_bytes) / s.capacity_bytes;
        if (available >= 1 - ratio) return std::nullopt;
        return Cond(available, 1 - ratio,
                    absl::StrFormat("store %s has %.1f%% of its capacity available", s.id,
                                    100 * available));
      }));

  out.push_back(PerStore(
      "store_slow", "The store's slow score is high (PD evicts leaders from slow stores).",
      pb::SEVERITY_WARNING, metric, [t](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        if (s.slow_score < t.slow_score) return std::nullopt;
        return Cond(s.slow_score, t.slow_score,
                    absl::StrFormat("store %s slow score %.0f", s.id, s.slow_score));
      }));

  out.push_back(PerStore(
      "store_write_stall", "RocksDB is stalling writes on the store.", pb::SEVERITY_WARNING, metric,
      [](const Snapshot&, const StoreStatus& s) -> std::optional<Condition> {
        if (!s.workload.write_stall) return std::nullopt;
        return Cond(1, 0, absl::StrCat("store ", s.id, " reports write stalls"));
      }));

  out.push_back(PerStore(
      "store_hot", "The store serves far more requests or CPU than the other stores.",
      pb::SEVERITY_WARNING, metric, [t](const Snapshot& snap, const StoreStatus& s) -> std::optional<Condition> {
        double others_ops = 0, others_cpu = 0;
        int others = 0;
        for (const StoreStatus& o : snap.stores) {
          if (o.id == s.id || !Judged(o) || !o.probe.reachable) continue;
          others_ops += o.workload.ops_per_sec;
          others_cpu += o.workload.cpu_cores;
          ++others;
        }
        if (others == 0 || s.workload.ops_per_sec < t.hot_min_ops) return std::nullopt;
        const double mean_ops = others_ops / others, mean_cpu = others_cpu / others;
        const double ops_ratio = s.workload.ops_per_sec / std::max(mean_ops, 1.0);
        const double cpu_ratio = mean_cpu > 0.01 ? s.workload.cpu_cores / mean_cpu : 0;
        const double ratio = std::max(ops_ratio, cpu_ratio);
        if (ratio < t.hot_ratio) return std::nullopt;
        return Cond(ratio, t.hot_ratio,
                    absl::StrFormat("store %s serves %.1fx the mean of the other stores "
                                    "(%.0f ops/s vs %.0f)",
                                    s.id, ratio, s.workload.ops_per_sec, mean_ops));
      }));
  return out;
}

}  // namespace ops::tikv
