#include "subjects/tikv/sim/cluster/cli_args.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "subjects/tikv/sim/cluster/bootstrap_layout.h"

namespace ops::sim {
namespace {

using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

TEST(CliArgsTest, ParsesBothFlagForms) {
  ASSERT_OK_AND_ASSIGN(
      CliArgs a, ParseCliArgs({"up", "--dir", "/tmp/x", "--stores=5", "--time_scale", "0.1"}));
  EXPECT_EQ(a.command, "up");
  ASSERT_OK_AND_ASSIGN(ClusterOptions o, ClusterOptionsFromArgs(a));
  EXPECT_EQ(o.dir, "/tmp/x");
  EXPECT_EQ(o.stores, 5);
  EXPECT_DOUBLE_EQ(o.time_scale, 0.1);
  EXPECT_EQ(o.pd, 3);
  EXPECT_EQ(o.rate, 2000);
}

TEST(CliArgsTest, MaxStoreDownTimeIsValidatedAndReachesPd) {
  ASSERT_OK_AND_ASSIGN(CliArgs a, ParseCliArgs({"up", "--max-store-down-time", "2m"}));
  ASSERT_OK_AND_ASSIGN(ClusterOptions o, ClusterOptionsFromArgs(a));
  EXPECT_EQ(o.max_store_down_time, "2m");
  o.base_port = 0;
  ASSERT_OK_AND_ASSIGN(ClusterSpec spec, BuildClusterSpec(o, "/bin"));
  const std::vector<std::string>& argv = spec.Find("pd-1")->argv;
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--max-store-down-time=2m"), argv.end());
  ASSERT_OK_AND_ASSIGN(ClusterSpec round, ClusterSpec::FromJson(spec.ToJson()));
  EXPECT_EQ(round.options.max_store_down_time, "2m");
  ASSERT_OK_AND_ASSIGN(CliArgs bad, ParseCliArgs({"up", "--max-store-down-time", "soon"}));
  EXPECT_THAT(ClusterOptionsFromArgs(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--max-store-down-time")));
}

TEST(CliArgsTest, RejectsUnknownCommandsFlagsAndBadValues) {
  EXPECT_THAT(ParseCliArgs({"launch"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown command")));
  EXPECT_THAT(ParseCliArgs({"down", "--stores", "3"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown flag --stores")));
  EXPECT_THAT(ParseCliArgs({"up", "--pd"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs a value")));
  ASSERT_OK_AND_ASSIGN(CliArgs a, ParseCliArgs({"up", "--pd", "three"}));
  EXPECT_THAT(ClusterOptionsFromArgs(a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--pd must be an integer")));
  ASSERT_OK_AND_ASSIGN(CliArgs b, ParseCliArgs({"up", "--config", "/nonexistent.json"}));
  EXPECT_THAT(ClusterOptionsFromArgs(b), StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(CliArgs h, ParseCliArgs({}));
  EXPECT_TRUE(h.help);
}

TEST(CliArgsTest, ConfigFileUnderCommandLine) {
  const std::string path = ::testing::TempDir() + "/cli_args_test.json";
  std::ofstream(path) << R"({"stores": 4, "seed": 9, "time_scale": 0.5})";
  ASSERT_OK_AND_ASSIGN(CliArgs a, ParseCliArgs({"up", "--config", path, "--seed", "3"}));
  ASSERT_OK_AND_ASSIGN(ClusterOptions o, ClusterOptionsFromArgs(a));
  EXPECT_EQ(o.stores, 4);
  EXPECT_EQ(o.seed, 3u);
  EXPECT_DOUBLE_EQ(o.time_scale, 0.5);
  std::ofstream(path) << R"({"storez": 4})";
  EXPECT_THAT(ClusterOptionsFromArgs(a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("storez")));
}

TEST(CliArgsTest, FaultRequest) {
  ASSERT_OK_AND_ASSIGN(
      CliArgs a,
      ParseCliArgs({"fault", "inject", "slow_disk", "--target", "store-2", "--ttl", "1m30s",
                    "--param", "latency_ms=500", "--param", "mode=x", "--dry-run"}));
  ASSERT_OK_AND_ASSIGN(nlohmann::json req, FaultRequestFromArgs(a));
  EXPECT_EQ(req["kind"], "slow_disk");
  EXPECT_EQ(req["target"], "store-2");
  EXPECT_EQ(req["ttl_ms"], 90000);
  EXPECT_EQ(req["params"]["latency_ms"], 500);
  EXPECT_EQ(req["params"]["mode"], "x");
  EXPECT_EQ(req["dry_run"], true);
  ASSERT_OK_AND_ASSIGN(CliArgs no_ttl, ParseCliArgs({"fault", "inject", "store_kill"}));
  EXPECT_THAT(FaultRequestFromArgs(no_ttl),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--ttl")));
  ASSERT_OK_AND_ASSIGN(CliArgs bad_ttl,
                       ParseCliArgs({"fault", "inject", "store_kill", "--ttl", "soon"}));
  EXPECT_THAT(FaultRequestFromArgs(bad_ttl), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCliArgs({"fault", "inject", "x", "--param", "novalue"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key=value")));
}

TEST(ClusterSpecTest, BuildsDistinctPortsAndArgv) {
  ClusterOptions o;
  o.dir = ::testing::TempDir() + "/spec";
  ASSERT_OK_AND_ASSIGN(ClusterSpec s, BuildClusterSpec(o, "/opt/bin"));
  ASSERT_EQ(s.processes.size(), 7u);
  std::set<int> ports = {s.control_port};
  for (const ProcessSpec& p : s.processes) {
    for (const auto& [k, v] : p.ports) EXPECT_TRUE(ports.insert(v).second) << p.name << " " << k;
  }
  EXPECT_EQ(s.processes[0].argv[0], "/opt/bin/tikv-sim-pd");
  EXPECT_THAT(s.processes[0].argv, ::testing::Contains(HasSubstr("--initial-cluster=pd-1=")));
  EXPECT_THAT(s.processes[3].argv, ::testing::Contains("--pd-endpoints=" + s.PdEndpoints()));
  // PD reports the cluster id the stores were bootstrapped with.
  ASSERT_OK_AND_ASSIGN(ClusterLayout layout, BuildLayout(o.stores, o.regions, o.seed));
  EXPECT_THAT(s.processes[0].argv,
              ::testing::Contains("--cluster-id=" + std::to_string(layout.cluster_id)));
  ASSERT_OK_AND_ASSIGN(ClusterSpec back, ClusterSpec::FromJson(s.ToJson()));
  EXPECT_EQ(back.ToJson(), s.ToJson());
  EXPECT_THAT(ClusterSpec::FromJson(nlohmann::json::object()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ClusterSpecTest, BasePortInUseIsNamed) {
  ASSERT_OK_AND_ASSIGN(std::vector<int> one, AllocatePorts({"probe"}, 0));
  // Hold the port by listening on it through a second allocation that keeps it open.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(one[0]));
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_THAT(AllocatePorts({"pd-1 client", "pd-1 peer"}, one[0]),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("port " + std::to_string(one[0]) + " (pd-1 client)")));
  close(fd);
}

}  // namespace
}  // namespace ops::sim
