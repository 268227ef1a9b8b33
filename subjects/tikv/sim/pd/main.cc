// tikv-sim-pd: one PD member of the tikv-sim cluster (docs/tikv-sim.md). Flags follow pd-server
// (--name, --client-urls, --peer-urls, --initial-cluster, --data-dir, --log-file) plus the
// simulator's --time-scale, --seed and --max-store-down-time. Hyphenated and underscored flag
// spellings are both accepted. --scale-stores N --scale-regions M serve a synthetic cluster of
// that size instead (scale mode: one member, no election, no peer URL server).
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "libs/config/config.h"
#include "subjects/tikv/sim/pd/pd_member.h"

ABSL_FLAG(std::string, name, "pd1", "Member name, unique in --initial-cluster.");
ABSL_FLAG(std::string, client_urls, "http://127.0.0.1:2379",
          "URL serving the public API (/pd/api/v1/...) and /metrics.");
ABSL_FLAG(std::string, peer_urls, "http://127.0.0.1:2380",
          "URL for internal traffic: store heartbeats, election and replication.");
ABSL_FLAG(std::string, initial_cluster, "",
          "All members as name=peer_url,... (e.g. pd1=http://127.0.0.1:2380,pd2=...); empty: "
          "a single-member cluster.");
ABSL_FLAG(std::string, data_dir, "", "Member data directory (shown in /config).");
ABSL_FLAG(std::string, log_file, "", "Unified-format log file; empty: no log file.");
ABSL_FLAG(double, time_scale, 1.0, "Multiply every timing by this factor, in (0, 1].");
ABSL_FLAG(uint64_t, seed, 1, "Seed for randomized election timeouts.");
ABSL_FLAG(uint64_t, cluster_id, 0,
          "Cluster id reported in /cluster, /members and logs (tikv-sim up passes the id it wrote "
          "to the stores' bootstrap files); 0: derived from --initial-cluster.");
ABSL_FLAG(absl::Duration, max_store_down_time, absl::Minutes(30),
          "Schedule max-store-down-time (real value, scaled by --time-scale).");

ABSL_FLAG(int, scale_stores, 0, "Scale mode: number of synthetic stores (0: off; at least 8).");
ABSL_FLAG(int64_t, scale_regions, 1000000, "Scale mode: number of synthetic regions.");
ABSL_FLAG(double, scale_check_fraction, 0.0005,
          "Scale mode: share of regions seeded into each region check class.");

namespace {
absl::Notification* g_stop = nullptr;
void OnSignal(int) {
  if (g_stop != nullptr && !g_stop->HasBeenNotified()) g_stop->Notify();
}
}  // namespace

int main(int argc, char** argv) {
  // pd-server spells flags with hyphens; absl wants underscores.
  std::vector<std::string> args(argv, argv + argc);
  std::vector<char*> fixed;
  for (auto& a : args) {
    if (a.rfind("--", 0) == 0) {
      size_t end = a.find('=');
      for (size_t i = 2; i < std::min(end, a.size()); ++i) {
        if (a[i] == '-') a[i] = '_';
      }
    }
    fixed.push_back(a.data());
  }
  auto parsed = ops::config::Init(static_cast<int>(fixed.size()), fixed.data(),
                                  {.usage = "tikv-sim-pd: one PD member of the tikv-sim cluster",
                                   .env_prefix = "TIKV_SIM_PD_"});
  if (!parsed.ok()) {
    std::cerr << "tikv-sim-pd: " << parsed.status().message() << "\n";
    return 1;
  }
  auto scale = ops::sim::TimeScale::Create(absl::GetFlag(FLAGS_time_scale));
  if (!scale.ok()) {
    std::cerr << "tikv-sim-pd: " << scale.status().message() << "\n";
    return 1;
  }
  ops::sim::PdMember::Options o;
  o.name = absl::GetFlag(FLAGS_name);
  o.client_url = absl::GetFlag(FLAGS_client_urls);
  o.peer_url = absl::GetFlag(FLAGS_peer_urls);
  o.initial_cluster = absl::GetFlag(FLAGS_initial_cluster);
  o.data_dir = absl::GetFlag(FLAGS_data_dir);
  o.log_file = absl::GetFlag(FLAGS_log_file);
  o.time_scale = *scale;
  o.seed = absl::GetFlag(FLAGS_seed);
  o.max_store_down_time = absl::GetFlag(FLAGS_max_store_down_time);
  o.cluster_id = absl::GetFlag(FLAGS_cluster_id);
  o.scale_mode = absl::GetFlag(FLAGS_scale_stores) > 0;
  o.scale.stores = absl::GetFlag(FLAGS_scale_stores);
  o.scale.regions = absl::GetFlag(FLAGS_scale_regions);
  o.scale.seed = o.seed;
  o.scale.check_fraction = absl::GetFlag(FLAGS_scale_check_fraction);
  absl::Time begin = absl::Now();
  auto member = ops::sim::PdMember::Create(o);
  if (!member.ok()) {
    std::cerr << "tikv-sim-pd: " << member.status().message() << "\n";
    return 1;
  }
  if (o.scale_mode) {
    std::cout << "tikv-sim-pd: scale mode: " << o.scale.stores << " stores, " << o.scale.regions
              << " regions built in " << absl::ToInt64Milliseconds(absl::Now() - begin)
              << " ms; serving " << o.client_url << std::endl;
  }
  absl::Notification stop;
  g_stop = &stop;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  if (auto st = (*member)->Start(); !st.ok()) {
    std::cerr << "tikv-sim-pd: " << st.message() << "\n";
    return 1;
  }
  stop.WaitForNotification();
  (*member)->Stop();
  return 0;
}
