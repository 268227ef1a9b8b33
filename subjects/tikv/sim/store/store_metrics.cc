// Simulated TiKV /metrics rendering; see store_metrics.h.
#include "subjects/tikv/sim/store/store_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "subjects/tikv/sim/common/exposition.h"

namespace ops::sim {
namespace {

// /proc/<path>/stat fields after the ")" of comm; returns false when unreadable.
bool ReadStat(const std::string& path, std::string* comm, std::vector<std::string>* fields) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t l = line.find('('), r = line.rfind(')');
  if (l == std::string::npos || r == std::string::npos) return false;
  *comm = line.substr(l + 1, r - l - 1);
  *fields = absl::StrSplit(line.substr(r + 2), ' ');
  return fields->size() > 20;
}

// TiKV threads_linux.rs sanitizing: '-' and ' ' become '_', other non-alnum chars dropped.
std::string ThreadName(const std::string& comm) {
  std::string out;
  for (char c : comm) {
    if (c == '-' || c == ' ') {
      out += '_';
    } else if (isalnum(static_cast<unsigned char>(c)) || c == '_') {
      out += c;
    }
  }
  return out;
}

}  // namespace

Histo::Histo(double start, double factor, int n) {
  double b = start;
  for (int i = 0; i < n; ++i, b *= factor) bounds.push_back(b);
  counts.assign(n, 0);
}

Histo::Histo(std::vector<double> upper_bounds)
    : bounds(std::move(upper_bounds)), counts(bounds.size(), 0) {}

Histo Histo::DefaultBuckets() {
  return Histo({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
}

void Histo::Observe(double v) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (v <= bounds[i]) {
      counts[i] += 1;
      break;
    }
  }
  sum += v;
  count += 1;
}

std::string RenderStoreMetrics(const StoreMetricsSnapshot& s) {
  SortedFamilies w(FloatStyle::kRust);
  auto cumulative = [](const Histo& h) {
    std::vector<double> c;
    double acc = 0;
    for (double v : h.counts) c.push_back(acc += v);
    return c;
  };
  w.Family("tikv_grpc_msg_duration_seconds", "Bucketed histogram of grpc server messages",
           "histogram");
  for (const auto& [type, h] : s.grpc) {
    w.Histogram("tikv_grpc_msg_duration_seconds", {{"priority", "medium"}, {"type", type}},
                h.bounds, cumulative(h), h.sum, h.count);
  }
  w.Family("tikv_grpc_msg_fail_total", "Total number of handle grpc message failure", "counter");
  for (const auto& [type, v] : s.grpc_fail)
    w.Sample("tikv_grpc_msg_fail_total", {{"type", type}}, v);
  w.Family("tikv_raftstore_region_count", "Number of regions collected in region_collector",
           "gauge");
  w.Sample("tikv_raftstore_region_count", {{"type", "buckets"}}, 0);
  w.Sample("tikv_raftstore_region_count", {{"type", "leader"}}, s.leader_count);
  w.Sample("tikv_raftstore_region_count", {{"type", "region"}}, s.region_count);
  w.Family("tikv_raftstore_leader_missing", "Total number of leader missed region.", "gauge");
  w.Sample("tikv_raftstore_leader_missing", {}, s.leader_missing);
  double cap = s.capacity;
  double available = s.available;
  w.Family("tikv_store_size_bytes", "Size of storage.", "gauge");
  w.Sample("tikv_store_size_bytes", {{"type", "available"}}, std::floor(available));
  w.Sample("tikv_store_size_bytes", {{"type", "capacity"}}, cap);
  w.Sample("tikv_store_size_bytes", {{"type", "import_size"}}, 0);
  w.Sample("tikv_store_size_bytes", {{"type", "kv_size"}}, s.kv_bytes);
  w.Sample("tikv_store_size_bytes", {{"type", "raft_size"}}, 0);
  w.Sample("tikv_store_size_bytes", {{"type", "snap_size"}}, 0);
  w.Sample("tikv_store_size_bytes", {{"type", "used"}}, s.kv_bytes + (64ull << 20));
  w.Family("tikv_raftstore_slow_score", "Slow score of the store.", "gauge");
  double net = s.network_delay ? std::min(100.0, s.slow_score) : 1;
  w.Sample("tikv_raftstore_slow_score", {{"type", "kvdb"}}, std::round(s.slow_score));
  w.Sample("tikv_raftstore_slow_score", {{"type", "network"}}, std::round(net));
  w.Sample("tikv_raftstore_slow_score", {{"type", "raft"}}, std::round(s.slow_score));
  double l0 = s.l0_files;
  bool stall = s.write_stall;
  w.Family("tikv_engine_write_stall", "Histogram of write stall", "gauge");
  for (const char* db : {"kv", "raft"}) {
    bool on = stall && std::string(db) == "kv";
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_average"}},
             on ? 85000 : 0);
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_max"}},
             on ? 1200000 : 0);
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_median"}},
             on ? 60000 : 0);
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_percentile95"}},
             on ? 400000 : 0);
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_percentile99"}},
             on ? 900000 : 0);
    w.Sample("tikv_engine_write_stall", {{"db", db}, {"type", "write_stall_standard_deviation"}},
             on ? 120000 : 0);
  }
  w.Family("tikv_engine_write_stall_reason", "QPS of each reason which cause tikv write stall",
           "gauge");
  for (const char* reason :
       {"level0_file_limit_slowdown", "level0_file_limit_stop", "memtable_count_limit_slowdown",
        "memtable_count_limit_stop", "pending_compaction_bytes_slowdown",
        "pending_compaction_bytes_stop"}) {
    bool on = stall && std::string(reason) == "level0_file_limit_slowdown";
    w.Sample("tikv_engine_write_stall_reason", {{"db", "kv"}, {"type", reason}}, on ? 1 : 0);
  }
  w.Family("tikv_scheduler_l0_avg", "The average number of L0 files", "gauge");
  for (const char* cf : {"default", "lock", "write"}) {
    w.Sample("tikv_scheduler_l0_avg", {{"cf", cf}}, std::string(cf) == "lock" ? 0 : l0);
  }
  if (!s.pd_requests.empty()) {
    w.Family("tikv_pd_request_duration_seconds", "Bucketed histogram of PD requests duration",
             "histogram");
    for (const auto& [type, h] : s.pd_requests) {
      w.Histogram("tikv_pd_request_duration_seconds", {{"type", type}}, h.bounds, cumulative(h),
                  h.sum, h.count);
    }
  }
  w.Family("tikv_scheduler_too_busy_total", "Total count of scheduler too busy", "counter");
  for (const auto& [type, v] : s.too_busy) {
    w.Sample("tikv_scheduler_too_busy_total", {{"type", type}}, v);
  }
  w.Family("tikv_raftstore_append_log_duration_seconds",
           "Bucketed histogram of peer appending log duration", "histogram");
  w.Histogram("tikv_raftstore_append_log_duration_seconds", {}, s.append.bounds,
              cumulative(s.append), s.append.sum, s.append.count);
  w.Family("tikv_raftstore_apply_log_duration_seconds",
           "Bucketed histogram of peer applying log duration.", "histogram");
  w.Histogram("tikv_raftstore_apply_log_duration_seconds", {}, s.apply.bounds, cumulative(s.apply),
              s.apply.sum, s.apply.count);
  w.Family("tikv_server_report_failure_msg_total", "Total number of reporting failure messages",
           "counter");
  for (const auto& [store, v] : s.unreachable) {
    w.Sample("tikv_server_report_failure_msg_total",
             {{"store_id", absl::StrCat(store)}, {"type", "unreachable"}}, v);
  }
  // Thread and process CPU/memory from /proc/self.
  double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
  w.Family("tikv_thread_cpu_seconds_total",
           "Total user and system CPU time spent in seconds by threads.", "gauge");
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::string comm;
      std::vector<std::string> f;
      if (!ReadStat(absl::StrCat("/proc/self/task/", e->d_name, "/stat"), &comm, &f)) continue;
      double cpu = (std::stod(f[11]) + std::stod(f[12])) / tck;
      w.Sample("tikv_thread_cpu_seconds_total", {{"name", ThreadName(comm)}, {"tid", e->d_name}},
               cpu);
    }
    closedir(d);
  }
  std::string comm;
  std::vector<std::string> f;
  if (ReadStat("/proc/self/stat", &comm, &f)) {
    double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    w.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
             "counter");
    w.Sample("process_cpu_seconds_total", {}, (std::stod(f[11]) + std::stod(f[12])) / tck);
    w.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
    w.Sample("process_resident_memory_bytes", {}, std::stod(f[21]) * page);
    w.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
             "gauge");
    w.Sample("process_start_time_seconds", {}, absl::ToUnixMillis(s.start) / 1000.0);
    w.Family("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge");
    w.Sample("process_virtual_memory_bytes", {}, std::stod(f[20]));
  }
  return w.Take();
}

}  // namespace ops::sim
