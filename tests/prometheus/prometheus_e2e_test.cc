// A real Prometheus (/usr/bin/prometheus) scraping a running tikv-sim with the official TiKV/PD
// alert rules, plus contract checks on the live /metrics bodies and log files. One cluster for
// the whole suite (3 PD, 3 stores, --time-scale 0.2); tests run in declaration order and the
// alert test kills store-1. Everything started here is stopped in TearDownTestSuite.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/http/client.h"
#include "libs/prom/text_parser.h"
#include "nlohmann/json.hpp"
#include "tests/prometheus/contract_checks.h"
#include "libs/http/test_servers.h"

namespace ops::sim_contract {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPromtool[] = "/usr/bin/promtool";
// PD counts a silent store as Disconnected after 20 s and Unhealthy after 10 min (scaled), and
// PD_cluster_lost_connect_tikv_nums needs `for: 1m` of real time in between: 0.2 gives a
// 4 s .. 120 s Disconnected window, enough for 1 m plus evaluation delay.
constexpr char kTimeScale[] = "0.2";

std::string Sim() { return std::string(OPS_SIM_BIN_DIR) + "/tikv-sim"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command, returning its exit code; output goes to `log`.
int RunShell(const std::string& cmd, const std::string& log) {
  int rc = std::system((cmd + " >" + log + " 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Polls `cond` until it holds or `timeout` passes; returns whether it held.
bool PollUntil(absl::Duration timeout, const std::function<bool()>& cond) {
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
    if (cond()) return true;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return cond();
}

struct Proc {
  std::string name;
  std::string role;
  int pid = 0;
  json ports;
  std::string log_file;
};

class PrometheusE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/prom_e2e_XXXXXX";
    dir_ = mkdtemp(tmpl);
    sim_dir_ = dir_ + "/sim";
    client_ = std::move(http::Client::Create({}).value());
    int rc = RunShell(
        absl::StrCat(Sim(), " up --dir ", sim_dir_, " --time-scale ", kTimeScale, " --rate 200"),
        dir_ + "/up.log");
    up_ok_ = rc == 0;
    if (!up_ok_) return;
    json spec = json::parse(ReadFile(sim_dir_ + "/cluster.json"), nullptr, false);
    if (spec.is_discarded()) {
      up_ok_ = false;
      return;
    }
    for (const json& p : spec["processes"]) {
      procs_.push_back({p["name"], p["role"], p["pid"], p["ports"], p["log_file"]});
    }
  }

  static void TearDownTestSuite() {
    if (prom_pid_ > 0) {
      kill(prom_pid_, SIGTERM);
      int status = 0;
      bool gone = PollUntil(absl::Seconds(10),
                            [] { return waitpid(prom_pid_, nullptr, WNOHANG) == prom_pid_; });
      if (!gone) {
        kill(prom_pid_, SIGKILL);
        waitpid(prom_pid_, &status, 0);
      }
      prom_pid_ = 0;
    }
    if (!sim_dir_.empty())
      RunShell(absl::StrCat(Sim(), " down --dir ", sim_dir_), dir_ + "/down.log");
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->failed_test_count() > 0) {
      std::cerr << "keeping " << dir_ << " for inspection\n";
    } else if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    client_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(up_ok_) << "tikv-sim up failed:\n" << ReadFile(dir_ + "/up.log");
  }

  static std::vector<Proc> Role(const std::string& role) {
    std::vector<Proc> out;
    for (const Proc& p : procs_) {
      if (p.role == role) out.push_back(p);
    }
    return out;
  }
  static std::string PdAddr(const Proc& p) {
    return absl::StrCat("127.0.0.1:", p.ports["client"].get<int>());
  }
  static std::string StoreAddr(const Proc& p) {
    return absl::StrCat("127.0.0.1:", p.ports["status"].get<int>());
  }

  static std::string Get(const std::string& url) {
    auto r = client_->Get(url);
    return r.ok() && r->ok() ? r->body : "";
  }
  static json GetJson(const std::string& url) { return json::parse(Get(url), nullptr, false); }

  static bool KillStore1() {
    if (store_killed_) return true;
    int rc = RunShell(
        absl::StrCat(Sim(), " fault inject store_kill --target store-1 --ttl 10m --dir ", sim_dir_),
        dir_ + "/fault.log");
    store_killed_ = rc == 0;
    return store_killed_;
  }

  static std::string dir_, sim_dir_;
  static bool up_ok_, store_killed_;
  static std::vector<Proc> procs_;
  static std::unique_ptr<http::Client> client_;
  static int prom_pid_;
};

std::string PrometheusE2eTest::dir_, PrometheusE2eTest::sim_dir_;
bool PrometheusE2eTest::up_ok_ = false, PrometheusE2eTest::store_killed_ = false;
std::vector<Proc> PrometheusE2eTest::procs_;
std::unique_ptr<http::Client> PrometheusE2eTest::client_;
int PrometheusE2eTest::prom_pid_ = 0;

TEST_F(PrometheusE2eTest, LiveMetricsHoldTheContract) {
  ASSERT_EQ(Role("pd").size(), 3u);
  ASSERT_EQ(Role("store").size(), 3u);
  // Let heartbeats and the workload populate every family first.
  absl::SleepFor(absl::Seconds(3));
  for (const Proc& p : Role("store")) {
    std::string body = Get(absl::StrCat("http://", StoreAddr(p), "/metrics"));
    ASSERT_FALSE(body.empty()) << p.name;
    EXPECT_THAT(CheckMetricsBody(body, Server::kTikv), IsEmpty()) << p.name;
  }
  for (const Proc& p : Role("pd")) {
    std::string body = Get(absl::StrCat("http://", PdAddr(p), "/metrics"));
    ASSERT_FALSE(body.empty()) << p.name;
    EXPECT_THAT(CheckMetricsBody(body, Server::kPd), IsEmpty()) << p.name;
  }
}

TEST_F(PrometheusE2eTest, OnlyThePdLeaderExposesClusterStatus) {
  struct View {
    double is_leader = -1;
    bool has_cluster_status = false;
  };
  std::vector<View> views;
  auto scrape = [&] {
    views.clear();
    int leaders = 0;
    for (const Proc& p : Role("pd")) {
      auto families = prom::ParseFamilies(Get(absl::StrCat("http://", PdAddr(p), "/metrics")));
      View v;
      if (families.ok()) {
        for (const auto& f : *families) {
          if (f.name == "etcd_server_is_leader" && f.samples.size() == 1) {
            v.is_leader = f.samples[0].value;
          }
          if (f.name == "pd_cluster_status") v.has_cluster_status = !f.samples.empty();
        }
      }
      leaders += v.is_leader == 1;
      views.push_back(v);
    }
    return leaders == 1;
  };
  ASSERT_TRUE(PollUntil(absl::Seconds(30), scrape)) << "no single PD leader";
  for (size_t i = 0; i < views.size(); ++i) {
    EXPECT_TRUE(views[i].is_leader == 0 || views[i].is_leader == 1) << i;
    EXPECT_EQ(views[i].has_cluster_status, views[i].is_leader == 1) << "pd member " << i;
  }
}

TEST_F(PrometheusE2eTest, PrometheusLoadsOfficialRulesAndFiresLostConnect) {
  if (access(kPrometheus, X_OK) != 0 || access(kPromtool, X_OK) != 0) {
    GTEST_SKIP() << kPrometheus << " or " << kPromtool << " not installed";
  }
  const std::string pdir = dir_ + "/prometheus";
  std::filesystem::create_directories(pdir + "/data");
  const std::vector<std::string> rules = {"pd.rules.yml", "tikv.rules.yml",
                                          "tikv.accelerate.rules.yml"};
  for (const std::string& r : rules) {
    std::ofstream(pdir + "/" + r, std::ios::binary) << ReadSharedData("alert-rules/" + r);
  }
  std::vector<std::string> pd_targets, tikv_targets;
  for (const Proc& p : Role("pd")) pd_targets.push_back("'" + PdAddr(p) + "'");
  for (const Proc& p : Role("store")) tikv_targets.push_back("'" + StoreAddr(p) + "'");
  std::ofstream(pdir + "/prometheus.yml")
      << "global:\n"
      << "  scrape_interval: 1s\n"
      << "  scrape_timeout: 1s\n"
      << "  evaluation_interval: 1s\n"
      << "rule_files: ['pd.rules.yml', 'tikv.rules.yml', 'tikv.accelerate.rules.yml']\n"
      << "scrape_configs:\n"
      << "  - job_name: pd\n"
      << "    static_configs: [{targets: [" << absl::StrJoin(pd_targets, ", ") << "]}]\n"
      << "  - job_name: tikv\n"
      << "    static_configs: [{targets: [" << absl::StrJoin(tikv_targets, ", ") << "]}]\n";
  ASSERT_EQ(RunShell(absl::StrCat(kPromtool, " check rules ", pdir, "/pd.rules.yml ", pdir,
                                  "/tikv.rules.yml ", pdir, "/tikv.accelerate.rules.yml"),
                     pdir + "/check-rules.log"),
            0)
      << ReadFile(pdir + "/check-rules.log");
  ASSERT_EQ(RunShell(absl::StrCat(kPromtool, " check config ", pdir, "/prometheus.yml"),
                     pdir + "/check-config.log"),
            0)
      << ReadFile(pdir + "/check-config.log");

  const int port = ops::http::testing::UnusedPort();
  ASSERT_GT(port, 0);
  const std::string api = absl::StrCat("http://127.0.0.1:", port, "/api/v1");
  prom_pid_ = fork();
  ASSERT_GE(prom_pid_, 0);
  if (prom_pid_ == 0) {
    std::string log = pdir + "/prometheus.log";
    freopen(log.c_str(), "w", stdout);
    freopen(log.c_str(), "a", stderr);
    std::string cfg = "--config.file=" + pdir + "/prometheus.yml";
    std::string tsdb = "--storage.tsdb.path=" + pdir + "/data";
    std::string listen = absl::StrCat("--web.listen-address=127.0.0.1:", port);
    execl(kPrometheus, kPrometheus, cfg.c_str(), tsdb.c_str(), listen.c_str(), "--log.level=warn",
          static_cast<char*>(nullptr));
    _exit(127);
  }

  // Every target up.
  std::string targets_seen;
  ASSERT_TRUE(PollUntil(absl::Seconds(40),
                        [&] {
                          json t = GetJson(api + "/targets");
                          if (t.is_discarded() || !t.contains("data")) return false;
                          targets_seen = t["data"]["activeTargets"].dump();
                          int up = 0;
                          for (const json& a : t["data"]["activeTargets"])
                            up += a["health"] == "up";
                          return up == 6 && t["data"]["activeTargets"].size() == 6;
                        }))
      << "targets: " << targets_seen << "\n"
      << ReadFile(pdir + "/prometheus.log");

  // Every rule of the three files loaded and evaluated without error.
  std::string rules_seen;
  int rule_count = 0;
  ASSERT_TRUE(PollUntil(absl::Seconds(30),
                        [&] {
                          json r = GetJson(api + "/rules");
                          if (r.is_discarded() || !r.contains("data")) return false;
                          rules_seen = r.dump();
                          rule_count = 0;
                          for (const json& g : r["data"]["groups"]) {
                            for (const json& rule : g["rules"]) {
                              ++rule_count;
                              if (rule["health"] != "ok" || !rule.value("lastError", "").empty())
                                return false;
                            }
                          }
                          return rule_count == 18 + 29 + 26;
                        }))
      << rule_count << " rules: " << rules_seen.substr(0, 4000);

  // Kill store-1: PD marks it Disconnected, and after `for: 1m` the official alert fires.
  const std::string killed = StoreAddr(Role("store")[0]);
  ASSERT_TRUE(KillStore1()) << ReadFile(dir_ + "/fault.log");
  const absl::Time killed_at = absl::Now();
  std::string up_seen;
  EXPECT_TRUE(PollUntil(absl::Seconds(20), [&] {
    json q = GetJson(
        absl::StrCat(api, "/query?query=up%7Bjob%3D%22tikv%22%2Cinstance%3D%22", killed, "%22%7D"));
    up_seen = q.dump();
    return !q.is_discarded() && q["data"]["result"].size() == 1 &&
           q["data"]["result"][0]["value"][1] == "0";
  })) << up_seen;
  std::string alerts_seen;
  EXPECT_TRUE(PollUntil(absl::Seconds(110),
                        [&] {
                          json a = GetJson(api + "/alerts");
                          if (a.is_discarded()) return false;
                          alerts_seen = a.dump();
                          for (const json& alert : a["data"]["alerts"]) {
                            if (alert["labels"]["alertname"] ==
                                    "PD_cluster_lost_connect_tikv_nums" &&
                                alert["state"] == "firing") {
                              return true;
                            }
                          }
                          return false;
                        }))
      << "after " << absl::FormatDuration(absl::Now() - killed_at) << ": " << alerts_seen;
}

TEST_F(PrometheusE2eTest, LogsUseTheUnifiedFormatAndRealMessages) {
  ASSERT_TRUE(KillStore1()) << ReadFile(dir_ + "/fault.log");
  // A surviving store takes over store-1's regions (raft election lines).
  ASSERT_TRUE(PollUntil(absl::Seconds(30), [&] {
    for (const Proc& p : Role("store")) {
      if (p.name != "store-1" && absl::StrContains(ReadFile(p.log_file), "became leader at term")) {
        return true;
      }
    }
    return false;
  }));
  for (const Proc& p : procs_) {
    if (p.role != "store" && p.role != "pd") continue;
    std::string text = ReadFile(p.log_file);
    EXPECT_FALSE(text.empty()) << p.name;
    EXPECT_THAT(CheckLogText(text, p.role == "pd" ? Server::kPd : Server::kTikv), IsEmpty())
        << p.name << " " << p.log_file;
  }
}

}  // namespace
}  // namespace ops::sim_contract
