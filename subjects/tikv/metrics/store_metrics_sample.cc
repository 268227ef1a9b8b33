// TiKV /metrics extraction; see store_metrics_sample.h.
#include "subjects/tikv/metrics/store_metrics_sample.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/prom/text_parser.h"

namespace ops::tikv {
namespace {

// The families this file reads; everything else is skipped after one name comparison.
enum class Family {
  kOther,
  kGrpcDuration,
  kGrpcFail,
  kEngineAsyncRequests,
  kSchedulerTooBusy,
  kEngineStallMicros,
  kWriteStallReason,
  kProcessCpu,
  kThreadCpu,
  kProcessStart,
  kStoreSize,
  kRegionCount,
  kLeaderMissing,
  kSlowScore,
  kWriteStall,
  kThrottleCf,
  kDiscardRatio,
  kSchedulerContex,
  kSchedulerWritingBytes,
  kCpuQuota,
  kServerInfo,
};

Family Classify(absl::string_view name) {
  static const auto* const kFamilies = new absl::flat_hash_map<absl::string_view, Family>{
      {"tikv_grpc_msg_duration_seconds", Family::kGrpcDuration},
      {"tikv_grpc_msg_fail_total", Family::kGrpcFail},
      {"tikv_storage_engine_async_request_total", Family::kEngineAsyncRequests},
      {"tikv_scheduler_too_busy_total", Family::kSchedulerTooBusy},
      {"tikv_engine_stall_micro_seconds", Family::kEngineStallMicros},
      {"tikv_engine_write_stall_reason", Family::kWriteStallReason},
      {"process_cpu_seconds_total", Family::kProcessCpu},
      {"tikv_thread_cpu_seconds_total", Family::kThreadCpu},
      {"process_start_time_seconds", Family::kProcessStart},
      {"tikv_store_size_bytes", Family::kStoreSize},
      {"tikv_raftstore_region_count", Family::kRegionCount},
      {"tikv_raftstore_leader_missing", Family::kLeaderMissing},
      {"tikv_raftstore_slow_score", Family::kSlowScore},
      {"tikv_engine_write_stall", Family::kWriteStall},
      {"tikv_scheduler_throttle_cf", Family::kThrottleCf},
      {"tikv_scheduler_discard_ratio", Family::kDiscardRatio},
      {"tikv_scheduler_contex_total", Family::kSchedulerContex},
      {"tikv_scheduler_writing_bytes", Family::kSchedulerWritingBytes},
      {"tikv_server_cpu_cores_quota", Family::kCpuQuota},
      {"tikv_server_info", Family::kServerInfo},
  };
  auto it = kFamilies->find(name);
  return it == kFamilies->end() ? Family::kOther : it->second;
}

absl::string_view Label(const prom::SampleView& s, absl::string_view name) {
  for (const prom::LabelView& l : s.labels) {
    if (l.name == name) return l.value;
  }
  return {};
}

void Add(std::optional<double>& field, double v) { field = field.value_or(0) + v; }
void Max(std::optional<double>& field, double v) {
  field = field.has_value() ? std::max(*field, v) : v;
}

class StoreVisitor : public prom::ParseVisitor {
 public:
  explicit StoreVisitor(StoreMetricsSample* out) : out_(out) {}

  void OnSample(const prom::SampleView& s) override {
    if (!error_.ok()) return;
    if (s.family != family_name_) {  // samples arrive grouped by family
      family_name_.assign(s.family.data(), s.family.size());
      family_ = Classify(s.family);
    }
    switch (family_) {
      case Family::kOther:
        return;
      case Family::kGrpcDuration:
        return OnGrpc(s);
      case Family::kGrpcFail:
        if (!out_->grpc_fail) out_->grpc_fail.emplace();
        (*out_->grpc_fail)[std::string(Label(s, "type"))] += s.value;
        return;
      case Family::kEngineAsyncRequests: {
        if (!out_->engine_errors) out_->engine_errors.emplace();
        absl::string_view status = Label(s, "status");
        if (absl::StartsWith(status, "err")) (*out_->engine_errors)[std::string(status)] += s.value;
        return;
      }
      case Family::kSchedulerTooBusy:
        return Add(out_->scheduler_too_busy, s.value);
      case Family::kEngineStallMicros:
        return Add(out_->engine_stall_micros, s.value);
      case Family::kWriteStallReason:
        return Add(out_->write_stall_reasons, s.value);
      case Family::kProcessCpu:
        return Add(out_->process_cpu_seconds, s.value);
      case Family::kThreadCpu:
        return Add(out_->thread_cpu_seconds, s.value);
      case Family::kProcessStart:
        out_->process_start_time_seconds = s.value;
        return;
      case Family::kStoreSize:
        return OnStoreSize(s);
      case Family::kRegionCount: {
        absl::string_view type = Label(s, "type");
        if (type == "region") out_->region_count = s.value;
        if (type == "leader") out_->leader_count = s.value;
        return;
      }
      case Family::kLeaderMissing:
        return Add(out_->leader_missing, s.value);
      case Family::kSlowScore:
        out_->slow_score_by_type[std::string(Label(s, "type"))] = s.value;
        return Max(out_->slow_score, s.value);
      case Family::kWriteStall:
        if (Label(s, "type") == "write_stall_max") Max(out_->write_stall_max_micros, s.value);
        return;
      case Family::kThrottleCf:
        return Add(out_->flow_control_throttled_cfs, s.value);
      case Family::kDiscardRatio:
        return Max(out_->flow_control_discard_ratio, s.value);
      case Family::kSchedulerContex:
        return Add(out_->scheduler_pending_commands, s.value);
      case Family::kSchedulerWritingBytes:
        return Add(out_->scheduler_writing_bytes, s.value);
      case Family::kCpuQuota:
        out_->cpu_cores_quota = s.value;
        return;
      case Family::kServerInfo:
        out_->version = std::string(Label(s, "version"));
        return;
    }
  }

  const absl::Status& error() const { return error_; }

 private:
  void OnGrpc(const prom::SampleView& s) {
    // Find the type without allocating: the previous sample almost always has the same one.
    absl::string_view type = Label(s, "type");
    if (current_type_ == nullptr || type != current_type_name_) {
      current_type_name_.assign(type.data(), type.size());
      current_type_ = &out_->grpc[current_type_name_];
    }
    GrpcTypeStats& stats = *current_type_;
    absl::string_view suffix = s.name.substr(s.family.size());
    if (suffix == "_count") {
      stats.count += s.value;
    } else if (suffix == "_sum") {
      stats.sum_seconds += s.value;
    } else if (suffix == "_bucket") {
      absl::string_view le = Label(s, "le");
      double bound = 0;
      if (!prom::ParseSampleValue(le, &bound) || std::isnan(bound)) {
        error_ = absl::InvalidArgumentError(
            absl::StrCat("line ", s.line, ": ", s.name, " has a bad le label \"", le, "\""));
        return;
      }
      // Priorities of one type share the bucket layout; merge by bound (insertion-sorted).
      auto it = std::lower_bound(stats.buckets.begin(), stats.buckets.end(), bound,
                                 [](const prom::Bucket& b, double v) { return b.upper_bound < v; });
      if (it != stats.buckets.end() && it->upper_bound == bound) {
        it->cumulative_count += s.value;
      } else {
        stats.buckets.insert(it, prom::Bucket{bound, s.value});
      }
    }
  }

  void OnStoreSize(const prom::SampleView& s) {
    absl::string_view type = Label(s, "type");
    if (type == "capacity") {
      out_->capacity_bytes = s.value;
    } else if (type == "available") {
      out_->available_bytes = s.value;
    } else if (type == "used") {
      out_->used_bytes = s.value;
    }
  }

  StoreMetricsSample* out_;
  std::string family_name_;
  Family family_ = Family::kOther;
  std::string current_type_name_;
  GrpcTypeStats* current_type_ = nullptr;  // std::map nodes are stable
  absl::Status error_;
};

}  // namespace

absl::StatusOr<StoreMetricsSample> ParseStoreMetrics(absl::string_view text) {
  StoreMetricsSample sample;
  StoreVisitor visitor(&sample);
  prom::TextParser parser;
  absl::Status parsed = parser.Parse(text, visitor);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("TiKV /metrics: ", parsed.message()));
  }
  if (!visitor.error().ok()) {
    return absl::InvalidArgumentError(absl::StrCat("TiKV /metrics: ", visitor.error().message()));
  }
  return sample;
}

}  // namespace ops::tikv
