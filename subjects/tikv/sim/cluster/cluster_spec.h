// What a tikv-sim cluster consists of: every process the supervisor runs (role, name, argv,
// ports, data dir, log file, pid) and the cluster-wide settings, as written to
// <dir>/cluster.json. `tikv-sim up` builds the spec (ports and argv), the supervisor spawns it
// and rewrites the file with pids, `status`/`down`/`fault` read it. Port allocation lives here
// too. Plain value types; thread-compatible.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_SPEC_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_SPEC_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace ops::sim {

struct ProcessSpec {
  std::string role;  // "pd", "store", "workload"
  std::string name;  // "pd-1", "store-2", "workload"
  std::vector<std::string> argv;
  std::map<std::string, int> ports;  // "client", "peer", "addr", "status", "control", "metrics"
  std::string data_dir;
  std::string log_file;
  int pid = 0;  // 0 when not running
};

struct ClusterOptions {
  std::string dir = "./tikv-sim-data";
  int pd = 3;
  int stores = 3;
  int regions = 64;
  double time_scale = 1.0;
  uint64_t seed = 1;
  int rate = 2000;
  int base_port = 0;  // 0: free ports picked by the kernel
  // PD's max-store-down-time as a real (unscaled) duration like "30m"; PD scales it by
  // time_scale. Empty: PD's default (30m).
  std::string max_store_down_time;
};

struct ClusterSpec {
  ClusterOptions options;
  std::string bin_dir;
  int control_port = 0;
  int supervisor_pid = 0;
  std::string supervisor_log;
  std::vector<ProcessSpec> processes;  // PD members, then stores, then the workload

  const ProcessSpec* Find(absl::string_view name) const;
  ProcessSpec* Find(absl::string_view name);
  // Client URLs of all PD members, comma-separated ("http://127.0.0.1:P,...").
  std::string PdEndpoints() const;

  nlohmann::json ToJson() const;
  static absl::StatusOr<ClusterSpec> FromJson(const nlohmann::json& j);
};

// Reserves `count` ports on 127.0.0.1. With base_port 0 the kernel picks free ones; otherwise
// ports base_port, base_port+1, ... are checked one by one and the first one in use fails with
// FAILED_PRECONDITION naming it and its use (`uses[i]`).
absl::StatusOr<std::vector<int>> AllocatePorts(const std::vector<std::string>& uses, int base_port);

// Builds the full spec (ports, argv for every process) for `options`, with binaries from
// `bin_dir`. Fails when a port cannot be allocated or an option is out of range.
absl::StatusOr<ClusterSpec> BuildClusterSpec(const ClusterOptions& options,
                                             const std::string& bin_dir);

// Reads / atomically writes <dir>/cluster.json. Read fails with NOT_FOUND when absent.
absl::StatusOr<ClusterSpec> ReadClusterSpec(const std::string& dir);
absl::Status WriteClusterSpec(const ClusterSpec& spec);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLUSTER_SPEC_H_
