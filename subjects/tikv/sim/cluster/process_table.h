// The supervisor's children: spawns each ProcessSpec as a real OS process (stdout/stderr to
// <data_dir>/<name>.out), signals it, reaps it, restarts it with the same argv, and stops them
// all (SIGTERM, then SIGKILL after a deadline). A child that exits is logged and stays down:
// faults need kills to stick; only Restart() brings it back. Thread-safe (one mutex).
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_PROCESS_TABLE_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_PROCESS_TABLE_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "subjects/tikv/sim/cluster/cluster_spec.h"

namespace ops::sim {

// Starts argv[0] with `argv` in a new process with stdin from /dev/null and stdout/stderr
// appended to `out_file`. Returns its pid; INTERNAL when fork or open fails. When `detach`,
// the process is double-forked into its own session so it is not our child (pid is then 0).
absl::StatusOr<int> SpawnProcess(const std::vector<std::string>& argv, const std::string& out_file,
                                 bool detach);

class ProcessTable {
 public:
  explicit ProcessTable(std::vector<ProcessSpec> processes);

  // Starts the named process unless it runs already. NOT_FOUND for an unknown name.
  absl::Status Start(const std::string& name);
  // Sends `signal` to the named process. FAILED_PRECONDITION when it is not running.
  absl::Status Signal(const std::string& name, int signal);
  // Reaps exited children (non-blocking); returns "name exited with ..." lines for the log.
  std::vector<std::string> Reap();
  // SIGCONT + SIGTERM to every running child, SIGKILL to those left after `grace`; waits for all.
  void StopAll(absl::Duration grace);
  bool Running(const std::string& name) const;
  // A copy of the specs with current pids (0 for processes that are not running).
  std::vector<ProcessSpec> Snapshot() const;

 private:
  ProcessSpec* FindLocked(const std::string& name);
  mutable std::mutex mu_;
  std::vector<ProcessSpec> processes_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_PROCESS_TABLE_H_
