#include "subjects/tikv/sim/pd/metrics_render.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/sim/common/exposition.h"

namespace ops::sim {
namespace {

std::string EngineOf(const StoreRecord& s) {
  for (const auto& [k, v] : s.labels) {
    if (k == "engine" && v == "tiflash") return "tiflash";
  }
  return "tikv";
}

void ProcessMetrics(SortedFamilies& w, absl::Time start) {
  double cpu = 0, rss = 0, vsize = 0;
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = content.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(content.substr(close + 2));
    std::vector<std::string> f;
    std::string tok;
    while (rest >> tok) f.push_back(tok);
    // Fields after the command: state(0) ... utime(11) stime(12) ... vsize(20) rss(21).
    if (f.size() > 21) {
      double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      vsize = std::stod(f[20]);
      rss = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
    }
  }
  int open_fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++open_fds;
    closedir(d);
    open_fds -= 3;  // ".", ".." and the directory's own fd
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  w.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
           "counter");
  w.Sample("process_cpu_seconds_total", {}, cpu);
  w.Family("process_max_fds", "Maximum number of open file descriptors.", "gauge");
  w.Sample("process_max_fds", {}, static_cast<double>(lim.rlim_cur));
  w.Family("process_open_fds", "Number of open file descriptors.", "gauge");
  w.Sample("process_open_fds", {}, open_fds);
  w.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
  w.Sample("process_resident_memory_bytes", {}, rss);
  w.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
           "gauge");
  w.Sample("process_start_time_seconds", {}, absl::ToDoubleSeconds(start - absl::UnixEpoch()));
  w.Family("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge");
  w.Sample("process_virtual_memory_bytes", {}, vsize);
  w.Family("process_virtual_memory_max_bytes",
           "Maximum amount of virtual memory available in bytes.", "gauge");
  w.Sample("process_virtual_memory_max_bytes", {}, -1);  // RLIMIT_AS unlimited, as in the dump
}

}  // namespace

std::string RenderPdMetrics(const ClusterState& state, absl::Time now, const PdMetricsInput& in) {
  SortedFamilies w(FloatStyle::kGo);
  w.Family("etcd_server_has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.",
           "gauge");
  w.Sample("etcd_server_has_leader", {}, in.has_leader ? 1 : 0);
  w.Family("etcd_server_is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.",
           "gauge");
  w.Sample("etcd_server_is_leader", {}, in.is_leader ? 1 : 0);

  if (in.is_leader) {
    w.Family("pd_cluster_status", "Status of the cluster.", "gauge");
    for (const auto& [id, s] : state.stores()) {
      ClusterState::StoreCounts c = state.CountsFor(id);
      double v_up = 0, v_disc = 0, v_slow = 0, v_down = 0, v_unhealth = 0;
      double v_offline = 0, v_tomb = 0, v_preparing = 0, v_serving = 0, v_removing = 0,
             v_removed = 0;
      if (s.state == 2) {
        v_tomb = v_removed = 1;
      } else if (s.state == 1) {
        v_offline = v_removing = 1;
      } else {
        if (state.IsDown(s, now)) {
          v_down = 1;
        } else if (state.IsUnhealthy(s, now)) {
          v_unhealth = 1;
        } else if (state.IsDisconnected(s, now)) {
          v_disc = 1;
        } else if (state.IsSlow(s)) {
          v_slow = 1;
        } else {
          v_up = 1;
        }
        (s.node_state == 0 ? v_preparing : v_serving) = 1;
      }
      double v_low = (s.state != 2 && state.IsLowSpace(s)) ? 1 : 0;
      std::string engine = EngineOf(s), sid = absl::StrCat(id);
      auto sample = [&](const char* type, double v) {
        w.Sample("pd_cluster_status", {{"engine", engine}, {"store", sid}, {"type", type}}, v);
      };
      sample("leader_count", static_cast<double>(c.leader_count));
      sample("learner_count", static_cast<double>(c.learner_count));
      sample("region_count", static_cast<double>(c.region_count));
      sample("storage_capacity", static_cast<double>(s.capacity));
      sample("storage_size", static_cast<double>(s.used_size));
      sample("store_disconnected_count", v_disc);
      sample("store_down_count", v_down);
      sample("store_low_space_count", v_low);
      sample("store_offline_count", v_offline);
      sample("store_preparing_count", v_preparing);
      sample("store_removed_count", v_removed);
      sample("store_removing_count", v_removing);
      sample("store_serving_count", v_serving);
      sample("store_slow_count", v_slow);
      sample("store_tombstone_count", v_tomb);
      sample("store_unhealth_count", v_unhealth);
      sample("store_up_count", v_up);
      sample("witness_count", 0);
    }
    w.Family("pd_regions_status", "Status of the regions.", "gauge");
    const char* kTypes[][2] = {
        {"down-peer", "down-peer-region-count"},      {"empty-region", "empty-region-count"},
        {"extra-peer", "extra-peer-region-count"},    {"learner-peer", "learner-peer-region-count"},
        {"miss-peer", "miss-peer-region-count"},      {"offline-peer", "offline-peer-region-count"},
        {"pending-peer", "pending-peer-region-count"}};
    for (const auto& t : kTypes) {
      auto regions = state.CheckRegions(t[0]);
      w.Sample("pd_regions_status", {{"type", t[1]}},
               regions.ok() ? static_cast<double>(regions->size()) : 0);
    }
    w.Family("pd_scheduler_store_status", "Store status for schedule", "gauge");
    for (const auto& [id, s] : state.stores()) {
      if (s.state == 2) continue;
      ClusterState::StoreCounts c = state.CountsFor(id);
      std::string sid = absl::StrCat(id);
      auto sample = [&](const char* type, double v) {
        w.Sample("pd_scheduler_store_status",
                 {{"address", s.address}, {"store", sid}, {"type", type}}, v);
      };
      sample("leader_count", static_cast<double>(c.leader_count));
      sample("leader_score", static_cast<double>(c.leader_count));
      sample("leader_size", static_cast<double>(c.leader_size));
      sample("region_count", static_cast<double>(c.region_count));
      sample("region_score", static_cast<double>(c.region_size));
      sample("region_size", static_cast<double>(c.region_size));
      sample("store_available", static_cast<double>(s.available));
      sample("store_capacity", static_cast<double>(s.capacity));
      sample("store_used", static_cast<double>(s.used_size));
    }
  }
  w.Family("pd_tso_events", "Counter of tso events", "counter");
  w.Sample("pd_tso_events", {{"dc", "global"}, {"type", "save"}},
           static_cast<double>(in.tso_save_events));
  // HELP text not in the stored v5.3 sample (the family is newer); wording is ours.
  w.Family("service_member_role", "The role of this member.", "gauge");
  w.Sample("service_member_role", {{"service", "PD"}}, in.is_leader ? 1 : 0);
  if (in.include_process) ProcessMetrics(w, in.process_start);
  return w.Take();
}

}  // namespace ops::sim
