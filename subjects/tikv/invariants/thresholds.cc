#include "subjects/tikv/invariants/thresholds.h"

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace ops::tikv {
namespace {

using Setter = std::function<absl::Status(Thresholds&, double)>;

Setter Number(double Thresholds::*field, double min, double max) {
  return [=](Thresholds& t, double v) {
    if (v < min || v > max) {
      return absl::InvalidArgumentError(absl::StrCat("must be in [", min, ", ", max, "]"));
    }
    t.*field = v;
    return absl::OkStatus();
  };
}

Setter Duration(absl::Duration Thresholds::*field, absl::Duration unit) {
  return [=](Thresholds& t, double v) {
    if (v < 0) return absl::InvalidArgumentError("must not be negative");
    t.*field = unit * v;
    return absl::OkStatus();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* const kSetters = new std::map<std::string, Setter>{
      {"probe_failures",
       [](Thresholds& t, double v) {
         if (v < 1 || v > 100) return absl::InvalidArgumentError("must be in [1, 100]");
         t.probe_failures = static_cast<int>(v);
         return absl::OkStatus();
       }},
      {"heartbeat_stale_s", Duration(&Thresholds::heartbeat_stale, absl::Seconds(1))},
      {"restart_window_s", Duration(&Thresholds::restart_window, absl::Seconds(1))},
      {"leader_change_window_s", Duration(&Thresholds::leader_change_window, absl::Seconds(1))},
      {"p99_latency_ms", Duration(&Thresholds::p99_latency, absl::Milliseconds(1))},
      {"error_rate", Number(&Thresholds::error_rate, 0, 1)},
      {"min_ops_per_sec", Number(&Thresholds::min_ops_per_sec, 0, 1e9)},
      {"throughput_drop", Number(&Thresholds::throughput_drop, 0, 1)},
      {"min_baseline_ops", Number(&Thresholds::min_baseline_ops, 0, 1e9)},
      {"low_space_ratio", Number(&Thresholds::low_space_ratio, 0, 1)},
      {"slow_score", Number(&Thresholds::slow_score, 1, 100)},
      {"hot_ratio", Number(&Thresholds::hot_ratio, 1, 1e6)},
      {"hot_min_ops", Number(&Thresholds::hot_min_ops, 0, 1e9)},
      {"miss_peer_regions", Number(&Thresholds::miss_peer_regions, 0, 1e12)},
      {"down_peer_regions", Number(&Thresholds::down_peer_regions, 0, 1e12)},
      {"pending_peer_regions", Number(&Thresholds::pending_peer_regions, 0, 1e12)},
      {"offline_peer_regions", Number(&Thresholds::offline_peer_regions, 0, 1e12)},
      {"metric_for_s", Duration(&Thresholds::metric_for, absl::Seconds(1))},
      {"clear_window_s", Duration(&Thresholds::clear_window, absl::Seconds(1))},
      {"flap_window_s", Duration(&Thresholds::flap_window, absl::Seconds(1))},
      {"time_scale", Number(&Thresholds::time_scale, 1e-4, 1)},
  };
  return *kSetters;
}

}  // namespace

absl::StatusOr<Thresholds> ParseThresholds(absl::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("thresholds: expected a JSON object");
  }
  Thresholds t;
  for (const auto& [key, value] : doc.items()) {
    auto it = Setters().find(key);
    if (it == Setters().end()) {
      std::vector<std::string> known;
      for (const auto& [k, unused] : Setters()) known.push_back(k);
      return absl::InvalidArgumentError(absl::StrCat("thresholds: unknown key \"", key,
                                                     "\"; known keys: ", absl::StrJoin(known, ", ")));
    }
    if (!value.is_number()) {
      return absl::InvalidArgumentError(absl::StrCat("thresholds: \"", key, "\" must be a number"));
    }
    if (absl::Status s = it->second(t, value.get<double>()); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("thresholds: \"", key, "\" ", s.message()));
    }
  }
  return t;
}

absl::StatusOr<Thresholds> LoadThresholds(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("thresholds file ", path, " cannot be read"));
  std::stringstream body;
  body << in.rdbuf();
  absl::StatusOr<Thresholds> t = ParseThresholds(body.str());
  if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", t.status().message()));
  return t;
}

}  // namespace ops::tikv
