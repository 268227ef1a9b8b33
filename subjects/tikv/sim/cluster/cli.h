// The `tikv-sim` commands: up, down, status, fault (inject/list/revert), and the internal
// supervise and watchdog. Each returns the process exit code and prints to stdout/stderr.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_H_

#include <string>
#include <vector>

namespace ops::sim {

// Runs `tikv-sim` with `args` (argv without argv[0]); `self_exe` is this binary's path.
int RunCli(const std::vector<std::string>& args, const std::string& self_exe);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_H_
