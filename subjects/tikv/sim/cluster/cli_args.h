// Command-line parsing for `tikv-sim` (up, down, status, fault, supervise, watchdog). Each
// subcommand has its own flags, so this is a small parser of its own rather than global absl
// flags: `--flag value` and `--flag=value`, `--param k=v` repeatable, boolean `--dry-run`.
// Unknown flags and bad values are INVALID_ARGUMENT with a message naming them. Pure.
#ifndef OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_ARGS_H_
#define OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_ARGS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "subjects/tikv/sim/cluster/cluster_spec.h"

namespace ops::sim {

struct CliArgs {
  std::string command;                  // "up", "down", "status", "fault", "supervise", ...
  std::vector<std::string> positional;  // e.g. {"inject", "store_kill"} for fault
  std::map<std::string, std::string> flags;
  std::vector<std::pair<std::string, std::string>> params;  // --param k=v
  bool help = false;
};

// `args` excludes argv[0]. No command or `--help`/`help` sets help.
absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& args);

// Cluster options from `up` flags, over the JSON config file named by --config (keys dir, pd,
// stores, regions, time_scale, seed, rate, base_port); command-line flags win.
absl::StatusOr<ClusterOptions> ClusterOptionsFromArgs(const CliArgs& args);

// The fault request body for `fault inject KIND --target T --ttl 30s [--param k=v]...`.
// Param values that parse as JSON (numbers, true/false) keep their type; others are strings.
absl::StatusOr<nlohmann::json> FaultRequestFromArgs(const CliArgs& args);

// Usage text for the whole CLI, explaining every flag.
std::string CliUsage();

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_CLUSTER_CLI_ARGS_H_
