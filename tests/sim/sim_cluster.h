// Test harness for end-to-end tests of tikv-sim: brings a real cluster up with the `tikv-sim`
// CLI in a private directory, reads its public interfaces (PD API, store status ports, workload
// and PD /metrics) and its control endpoint, and always takes it down again: `tikv-sim down`,
// then SIGKILL for every process cluster.json still names. Only 127.0.0.1 is used.
//
// Helpers poll with deadlines (WaitFor) instead of sleeping, so a slow machine makes a test
// slower, not flaky. Not thread-safe: one test thread uses one SimCluster.
#ifndef OPS_TESTS_SIM_SIM_CLUSTER_H_
#define OPS_TESTS_SIM_SIM_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/http/client.h"
#include "nlohmann/json.hpp"

namespace ops::sim::e2e {

// The directory holding tikv-sim and its sibling binaries.
std::string BinDir();

struct CommandResult {
  int exit_code = -1;  // -1: did not exit normally (signal) or could not start
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv (argv[0] is a path) to completion with stdin from /dev/null, capturing its output.
// Kills it after `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         absl::Duration timeout = absl::Seconds(90));

// Polls `pred` every `poll` until it holds or `timeout` passes; returns whether it held.
bool WaitFor(absl::Duration timeout, const std::function<bool()>& pred,
             absl::Duration poll = absl::Milliseconds(50));

// One Prometheus sample.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses an exposition body with libs/prom (so a malformed body fails the scrape).
absl::StatusOr<std::vector<Sample>> ParseMetrics(const std::string& text);
// Sum of the samples named `name` whose labels include every pair of `match`.
double SumOf(const std::vector<Sample>& samples, const std::string& name,
             const std::map<std::string, std::string>& match = {});

// Parses a PD ByteSize string ("311.7GiB", "6GiB", "1B") into bytes; -1 when malformed.
double ParseByteSize(const std::string& s);

struct UpOptions {
  int pd = 3;
  int stores = 3;
  int regions = 24;
  int rate = 300;
  double time_scale = 0.05;
  std::string max_store_down_time;  // real duration for PD ("3m"); empty: PD default
};

// Workload outcome counters from workload_ops_total.
struct WorkloadCounts {
  double ok = 0;
  double errors = 0;
  std::map<std::string, double> by_result;
  double latency_sum = 0;  // workload_op_duration_seconds_sum over types
  double latency_count = 0;
};

class SimCluster {
 public:
  // `name` names the state directory (under the test temp dir).
  explicit SimCluster(const std::string& name);
  ~SimCluster();  // Down()
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  // `tikv-sim up`; fails with the CLI's output when it exits non-zero.
  absl::Status Up(const UpOptions& options);
  // `tikv-sim down`, then SIGKILL for every pid cluster.json still names. Idempotent.
  void Down();
  // Removes the state directory (call after a passing test; failures keep it for the logs).
  void RemoveDir();

  const std::string& dir() const { return dir_; }
  double time_scale() const { return options_.time_scale; }
  // Scaled duration: `real` x time scale.
  absl::Duration Scaled(absl::Duration real) const { return real * options_.time_scale; }
  // Port `kind` ("client", "addr", "status", "control", "metrics") of process `name`.
  int Port(const std::string& name, const std::string& kind) const;
  std::string PdUrl(const std::string& pd_name) const;
  std::vector<std::string> PdNames() const;
  int ControlPort() const { return control_port_; }
  // Log files of every process, for failure messages.
  std::string LogHint() const;
  // The current text of process `name`'s log file ("" when unreadable).
  std::string ReadLog(const std::string& name) const;
  // Occurrences of `needle` in the logs of every process whose name starts with `prefix`
  // ("store-", "pd").
  int CountInLogs(const std::string& prefix, const std::string& needle) const;

  // HTTP with a short timeout and no retries.
  absl::StatusOr<http::ClientResponse> Get(const std::string& url,
                                           absl::Duration timeout = absl::Seconds(2)) const;
  absl::StatusOr<http::ClientResponse> Send(const std::string& method, const std::string& url,
                                            const std::string& body) const;
  // GET a PD API path (e.g. "/pd/api/v1/stores") from the first member that answers 200.
  absl::StatusOr<nlohmann::json> PdJson(const std::string& path) const;
  // PD's StoreInfo for store `id`.
  absl::StatusOr<nlohmann::json> PdStore(uint64_t id) const;
  std::string StateName(uint64_t id) const;  // "" when PD does not answer
  // Region id -> leader store id (0 when PD reports no leader), from PD /regions.
  absl::StatusOr<std::map<uint64_t, uint64_t>> RegionLeaders() const;
  // The current PD leader's member name, or "" when unknown.
  std::string PdLeaderName() const;

  absl::StatusOr<std::vector<Sample>> Scrape(const std::string& url) const;
  absl::StatusOr<std::vector<Sample>> StoreMetrics(const std::string& store) const;
  absl::StatusOr<WorkloadCounts> Workload() const;

  // POST /sim/v1/faults on the supervisor; returns the fault record (200) or an error holding
  // the HTTP status and body.
  absl::StatusOr<nlohmann::json> Inject(const std::string& kind, const std::string& target,
                                        absl::Duration ttl,
                                        const nlohmann::json& params = nlohmann::json::object());
  // Live pid of `name` per the supervisor's GET /sim/v1/cluster (0 = not running, -1 = no
  // answer).
  int LivePid(const std::string& name) const;

  // Waits until every store is Up in PD and the workload completes operations with no error
  // for one full second (or just the stores when rate is 0).
  bool WaitHealthy(absl::Duration timeout);
  // Measures workload counters over `window` and returns the delta.
  absl::StatusOr<WorkloadCounts> WorkloadDelta(absl::Duration window) const;

 private:
  void LoadSpec();
  std::string dir_;
  UpOptions options_;
  nlohmann::json spec_;
  int control_port_ = 0;
  std::unique_ptr<http::Client> client_;
};

}  // namespace ops::sim::e2e

#endif  // OPS_TESTS_SIM_SIM_CLUSTER_H_
