// Prometheus-mode store metrics; see promql_source.h.
#include "subjects/tikv/metrics/promql_source.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/http/http_status.h"

namespace ops::tikv {
namespace {

// `{m1,m2,...}` from the configured selector and `extra` matchers; "" when there are none.
std::string Selector(const PromQlOptions& o, std::vector<std::string> extra) {
  std::vector<std::string> matchers;
  if (!o.selector.empty()) matchers.push_back(o.selector);
  for (std::string& m : extra) {
    if (!m.empty()) matchers.push_back(std::move(m));
  }
  if (matchers.empty()) return "";
  return absl::StrCat("{", absl::StrJoin(matchers, ","), "}");
}

std::string TypeFilter(const PromQlOptions& o) {
  if (o.excluded_grpc_types.empty()) return "";
  return absl::StrCat("type!~\"", absl::StrJoin(o.excluded_grpc_types, "|"), "\"");
}

// A transport failure (no HTTP answer): the next query would fail the same way.
bool Unreachable(const absl::Status& s) {
  return !http::HttpCodeFromStatus(s).has_value() &&
         (s.code() == absl::StatusCode::kUnavailable ||
          s.code() == absl::StatusCode::kDeadlineExceeded);
}

const std::string* FindLabel(const PromLabels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? nullptr : &it->second;
}

// Stores value `v` of query `name` into `m`.
void Apply(const std::string& name, const PromLabels& labels, double v, PromStoreMetrics& m) {
  const std::string* type = FindLabel(labels, "type");
  auto is = [&](const char* t) { return type != nullptr && *type == t; };
  if (name == "up") {
    m.scrape_up = v > 0;
  } else if (name == "ops") {
    m.ops_per_sec = v;
  } else if (name == "errors") {
    m.errors_per_sec = v;
  } else if (name == "p99") {
    m.p99_seconds = v;
  } else if (name == "cpu") {
    m.cpu_cores = v;
  } else if (name == "store_size") {
    if (is("capacity")) m.capacity_bytes = v;
    if (is("available")) m.available_bytes = v;
    if (is("used")) m.used_bytes = v;
  } else if (name == "regions") {
    if (is("region")) m.region_count = v;
    if (is("leader")) m.leader_count = v;
  } else if (name == "slow_score") {
    m.slow_score = v;
  } else if (name == "write_stall") {
    m.write_stall_max_micros = v;
  } else if (name == "stall_micros") {
    m.stall_micros_per_sec = v;
  } else if (name == "busy") {
    m.scheduler_busy_per_sec = v;
  }
}

}  // namespace

double PromStoreMetrics::ErrorRate() const {
  double ops = ops_per_sec.value_or(0), errors = errors_per_sec.value_or(0);
  if (ops <= 0) return 0;
  return std::clamp(errors / ops, 0.0, 1.0);
}

bool PromStoreMetrics::WriteStall() const {
  return write_stall_max_micros.value_or(0) > 0 || stall_micros_per_sec.value_or(0) > 0 ||
         scheduler_busy_per_sec.value_or(0) > 0;
}

core::Workload PromStoreMetrics::ToWorkload() const {
  core::Workload w;
  w.ops_per_sec = ops_per_sec.value_or(0);
  w.errors_per_sec = errors_per_sec.value_or(0);
  w.error_rate = ErrorRate();
  w.p99_latency = p99_seconds ? absl::Seconds(*p99_seconds) : absl::ZeroDuration();
  w.cpu_cores = cpu_cores.value_or(0);
  w.write_stall = WriteStall();
  return w;
}

int PromCycle::failed_queries() const {
  return static_cast<int>(std::count_if(queries.begin(), queries.end(),
                                        [](const PromQueryStatus& q) { return !q.status.ok(); }));
}

absl::Status PromCycle::status() const {
  std::vector<std::string> failed;
  const absl::Status* first = nullptr;
  for (const PromQueryStatus& q : queries) {
    if (q.status.ok()) continue;
    if (first == nullptr) first = &q.status;
    failed.push_back(q.name);
  }
  if (first == nullptr) return absl::OkStatus();
  return absl::Status(
      first->code(),
      absl::StrCat(failed.size(), " of ", queries.size(), " Prometheus queries failed (",
                   absl::StrJoin(failed, ", "), "); first: ", first->message()));
}

std::vector<NamedQuery> BuildPromQueries(const PromQlOptions& o) {
  const std::string types = TypeFilter(o);
  const std::string r = absl::StrCat("[", o.range, "]");
  auto rate_sum = [&](const std::string& selector) {
    return absl::StrCat("sum by (instance) (rate(", selector, r, "))");
  };
  std::vector<NamedQuery> q;
  q.push_back({"up", absl::StrCat("max by (instance) (up", Selector(o, {}), ")")});
  q.push_back({"ops", rate_sum(Selector(o, {"__name__=~\"tikv_grpc_msg_duration_seconds_count|"
                                            "tikv_grpc_msg_fail_total\"",
                                            types}))});
  q.push_back({"errors", rate_sum(Selector(o, {"__name__=~\"tikv_grpc_msg_fail_total|"
                                               "tikv_storage_engine_async_request_total\"",
                                               types, "status=~\"err_.*|\""}))});
  q.push_back({"p99", absl::StrCat("histogram_quantile(", o.quantile,
                                   ", sum by (instance, le) (rate(tikv_grpc_msg_duration_seconds_"
                                   "bucket",
                                   Selector(o, {types}), r, ")))")});
  q.push_back({"cpu", rate_sum(absl::StrCat("process_cpu_seconds_total", Selector(o, {})))});
  q.push_back(
      {"store_size", absl::StrCat("sum by (instance, type) (tikv_store_size_bytes",
                                  Selector(o, {"type=~\"capacity|available|used\""}), ")")});
  q.push_back({"regions", absl::StrCat("sum by (instance, type) (tikv_raftstore_region_count",
                                       Selector(o, {"type=~\"region|leader\""}), ")")});
  q.push_back({"slow_score",
               absl::StrCat("max by (instance) (tikv_raftstore_slow_score", Selector(o, {}), ")")});
  q.push_back({"write_stall", absl::StrCat("max by (instance) (tikv_engine_write_stall",
                                           Selector(o, {"type=\"write_stall_max\""}), ")")});
  q.push_back(
      {"stall_micros", rate_sum(absl::StrCat("tikv_engine_stall_micro_seconds", Selector(o, {})))});
  q.push_back({"busy", rate_sum(absl::StrCat("tikv_scheduler_too_busy_total", Selector(o, {})))});
  return q;
}

PromQlSource::PromQlSource(const PromQuerier* querier, PromQlOptions options)
    : querier_(querier), options_(std::move(options)), queries_(BuildPromQueries(options_)) {}

PromCycle PromQlSource::Collect(absl::Span<const StoreEndpoint> stores, absl::Time at) const {
  PromCycle cycle;
  cycle.evaluated_at = at;
  InstanceIndex index(stores);
  absl::flat_hash_set<std::string> reported;
  absl::Status unreachable;
  for (const NamedQuery& query : queries_) {
    PromQueryStatus& qs = cycle.queries.emplace_back();
    qs.name = query.name;
    qs.promql = query.promql;
    if (!unreachable.ok()) {
      qs.status = absl::Status(unreachable.code(), absl::StrCat("skipped, Prometheus unreachable: ",
                                                                unreachable.message()));
      continue;
    }
    absl::StatusOr<PromQueryResult> result = querier_->Query(query.promql, at);
    if (!result.ok()) {
      qs.status = result.status();
      if (Unreachable(qs.status)) unreachable = qs.status;
      continue;
    }
    qs.warnings = result->warnings;
    if (result->type != PromResultType::kVector) {
      qs.status =
          absl::DataLossError(absl::StrCat("query ", query.name, " returned a ",
                                           PromResultTypeName(result->type), ", not a vector"));
      continue;
    }
    qs.series = static_cast<int>(result->series.size());
    for (const PromSeries& series : result->series) {
      if (series.points.empty() || std::isnan(series.points.back().value)) continue;
      const std::string* instance = FindLabel(series.metric, "instance");
      std::string inst = instance == nullptr ? "" : *instance;
      InstanceMapping mapping = index.Map(inst);
      if (mapping.match != InstanceMatch::kStatusAddress) {
        if (reported.insert(inst).second) cycle.unmapped.push_back({inst, query.name, mapping});
        continue;
      }
      PromStoreMetrics& m = cycle.stores[mapping.store_id];
      m.store_id = mapping.store_id;
      m.instance = inst;
      Apply(query.name, series.metric, series.points.back().value, m);
    }
  }
  return cycle;
}

}  // namespace ops::tikv
