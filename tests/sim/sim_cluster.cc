#include "tests/sim/sim_cluster.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "libs/prom/text_parser.h"

namespace ops::sim::e2e {
namespace {

bool Alive(int pid) { return pid > 0 && kill(pid, 0) == 0; }

// True when /proc/<pid>/cmdline mentions `needle` (guards against killing a reused pid).
bool CmdlineMentions(int pid, const std::string& needle) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/cmdline"));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string cmd = ss.str();
  for (char& c : cmd) {
    if (c == '\0') c = ' ';
  }
  return cmd.find(needle) != std::string::npos;
}

class Collector : public prom::ParseVisitor {
 public:
  explicit Collector(std::vector<Sample>* out) : out_(out) {}
  void OnSample(const prom::SampleView& s) override {
    Sample x;
    x.name = std::string(s.name);
    for (const prom::LabelView& l : s.labels) x.labels[std::string(l.name)] = std::string(l.value);
    x.value = s.value;
    out_->push_back(std::move(x));
  }

 private:
  std::vector<Sample>* out_;
};

}  // namespace

std::string BinDir() { return TIKV_SIM_BIN_DIR; }

CommandResult RunCommand(const std::vector<std::string>& argv, absl::Duration timeout) {
  CommandResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (pid == 0) {
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  // The daemon `up` starts inherits no copy of the pipe (O_CLOEXEC + its own stdout file), so
  // EOF arrives when the CLI exits.
  const absl::Time deadline = absl::Now() + timeout;
  char buf[4096];
  for (;;) {
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left <= 0) {
      kill(pid, SIGKILL);
      result.output += "\n[killed after timeout]";
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 200))) <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    result.output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool WaitFor(absl::Duration timeout, const std::function<bool()>& pred, absl::Duration poll) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(poll);
  }
}

absl::StatusOr<std::vector<Sample>> ParseMetrics(const std::string& text) {
  std::vector<Sample> out;
  Collector c(&out);
  prom::TextParser parser;
  if (absl::Status s = parser.Parse(text, c); !s.ok()) return s;
  return out;
}

double SumOf(const std::vector<Sample>& samples, const std::string& name,
             const std::map<std::string, std::string>& match) {
  double sum = 0;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      all &= it != s.labels.end() && it->second == v;
    }
    if (all) sum += s.value;
  }
  return sum;
}

double ParseByteSize(const std::string& s) {
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"PiB", 1125899906842624.0}, {"TiB", 1099511627776.0}, {"GiB", 1073741824.0},
      {"MiB", 1048576.0},          {"KiB", 1024.0},          {"B", 1.0}};
  for (const auto& [unit, mult] : kUnits) {
    if (s.size() > unit.size() && s.compare(s.size() - unit.size(), unit.size(), unit) == 0) {
      double v = 0;
      if (!absl::SimpleAtod(s.substr(0, s.size() - unit.size()), &v)) return -1;
      return v * mult;
    }
  }
  return -1;
}

SimCluster::SimCluster(const std::string& name) {
  // Normalized like tikv-sim does, so the pids' command lines can be matched against it.
  dir_ = std::filesystem::path(
             absl::StrCat(::testing::TempDir(), "/tikv_sim_e2e_", name, "_", getpid()))
             .lexically_normal()
             .string();
  std::filesystem::remove_all(dir_);
  http::Client::Options o;
  o.timeout = absl::Seconds(2);
  o.connect_timeout = absl::Milliseconds(500);
  o.retry.max_attempts = 1;
  client_ = *http::Client::Create(o);
}

SimCluster::~SimCluster() { Down(); }

absl::Status SimCluster::Up(const UpOptions& options) {
  options_ = options;
  std::vector<std::string> argv = {BinDir() + "/tikv-sim",
                                   "up",
                                   "--dir",
                                   dir_,
                                   absl::StrCat("--pd=", options.pd),
                                   absl::StrCat("--stores=", options.stores),
                                   absl::StrCat("--regions=", options.regions),
                                   absl::StrCat("--rate=", options.rate),
                                   absl::StrCat("--time-scale=", options.time_scale),
                                   "--wait-timeout=60s"};
  if (!options.max_store_down_time.empty()) {
    argv.push_back("--max-store-down-time=" + options.max_store_down_time);
  }
  CommandResult r = RunCommand(argv);
  LoadSpec();  // even on failure: Down() needs the pids
  if (r.exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("tikv-sim up exited ", r.exit_code, ": ", r.output, "\n", LogHint()));
  }
  if (spec_.is_null()) return absl::InternalError("no cluster.json after tikv-sim up");
  return absl::OkStatus();
}

void SimCluster::LoadSpec() {
  std::ifstream in(dir_ + "/cluster.json");
  if (!in) return;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return;
  spec_ = j;
  control_port_ = j["supervisor"].value("control_port", 0);
}

void SimCluster::Down() {
  if (!std::filesystem::exists(dir_ + "/cluster.json")) return;
  // Pids before `down`: if the supervisor is gone, cluster.json still has the last ones.
  std::vector<int> pids;
  auto collect = [&] {
    LoadSpec();
    if (spec_.is_null()) return;
    pids.push_back(spec_["supervisor"].value("pid", 0));
    for (const auto& p : spec_["processes"]) pids.push_back(p.value("pid", 0));
  };
  collect();
  RunCommand({BinDir() + "/tikv-sim", "down", "--dir", dir_}, absl::Seconds(30));
  collect();
  for (int pid : pids) {
    if (Alive(pid) && CmdlineMentions(pid, dir_)) kill(pid, SIGKILL);
  }
  // A store stopped by store_hang stays stopped until SIGCONT; SIGKILL works regardless.
}

void SimCluster::RemoveDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

int SimCluster::Port(const std::string& name, const std::string& kind) const {
  for (const auto& p : spec_["processes"]) {
    if (p["name"] == name) return p["ports"].value(kind, 0);
  }
  ADD_FAILURE() << "no process " << name;
  return 0;
}

std::string SimCluster::PdUrl(const std::string& pd_name) const {
  return absl::StrCat("http://127.0.0.1:", Port(pd_name, "client"));
}

std::vector<std::string> SimCluster::PdNames() const {
  std::vector<std::string> out;
  for (const auto& p : spec_["processes"]) {
    if (p["role"] == "pd") out.push_back(p["name"].get<std::string>());
  }
  return out;
}

std::string SimCluster::LogHint() const {
  std::vector<std::string> logs = {dir_ + "/supervisor.log"};
  if (!spec_.is_null()) {
    for (const auto& p : spec_["processes"]) logs.push_back(p.value("log_file", ""));
  }
  return "logs: " + absl::StrJoin(logs, " ");
}

std::string SimCluster::ReadLog(const std::string& name) const {
  for (const auto& p : spec_["processes"]) {
    if (p["name"] != name) continue;
    std::ifstream in(p.value("log_file", ""));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  return "";
}

int SimCluster::CountInLogs(const std::string& prefix, const std::string& needle) const {
  int n = 0;
  for (const auto& p : spec_["processes"]) {
    const std::string name = p["name"];
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string text = ReadLog(name);
    for (size_t i = text.find(needle); i != std::string::npos; i = text.find(needle, i + 1)) ++n;
  }
  return n;
}

absl::StatusOr<http::ClientResponse> SimCluster::Get(const std::string& url,
                                                     absl::Duration timeout) const {
  http::ClientRequest req;
  req.url = url;
  req.options.timeout = timeout;
  req.options.connect_timeout = std::min(timeout, absl::Milliseconds(500));
  return client_->Do(req);
}

absl::StatusOr<http::ClientResponse> SimCluster::Send(const std::string& method,
                                                      const std::string& url,
                                                      const std::string& body) const {
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.content_type = "application/json";
  return client_->Do(req);
}

absl::StatusOr<nlohmann::json> SimCluster::PdJson(const std::string& path) const {
  absl::Status last = absl::UnavailableError("no PD member");
  for (const std::string& pd : PdNames()) {
    absl::StatusOr<http::ClientResponse> r = Get(PdUrl(pd) + path);
    if (!r.ok()) {
      last = r.status();
      continue;
    }
    if (r->status != 200) {
      last = absl::UnavailableError(absl::StrCat(pd, path, ": HTTP ", r->status, " ", r->body));
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return absl::DataLossError(pd + path + ": not JSON: " + r->body);
    return j;
  }
  return last;
}

absl::StatusOr<nlohmann::json> SimCluster::PdStore(uint64_t id) const {
  return PdJson(absl::StrCat("/pd/api/v1/store/", id));
}

std::string SimCluster::StateName(uint64_t id) const {
  absl::StatusOr<nlohmann::json> s = PdStore(id);
  if (!s.ok() || !s->contains("store")) return "";
  return (*s)["store"].value("state_name", "");
}

absl::StatusOr<std::map<uint64_t, uint64_t>> SimCluster::RegionLeaders() const {
  absl::StatusOr<nlohmann::json> j = PdJson("/pd/api/v1/regions");
  if (!j.ok()) return j.status();
  std::map<uint64_t, uint64_t> out;
  for (const auto& r : (*j)["regions"]) {
    uint64_t leader = 0;
    if (r.contains("leader") && r["leader"].is_object()) {
      leader = r["leader"].value("store_id", uint64_t{0});
    }
    out[r["id"].get<uint64_t>()] = leader;
  }
  return out;
}

std::string SimCluster::PdLeaderName() const {
  absl::StatusOr<nlohmann::json> j = PdJson("/pd/api/v1/leader");
  if (!j.ok() || !j->is_object()) return "";
  return j->value("name", "");
}

absl::StatusOr<std::vector<Sample>> SimCluster::Scrape(const std::string& url) const {
  absl::StatusOr<http::ClientResponse> r = Get(url);
  if (!r.ok()) return r.status();
  if (r->status != 200) return absl::UnavailableError(absl::StrCat(url, ": HTTP ", r->status));
  return ParseMetrics(r->body);
}

absl::StatusOr<std::vector<Sample>> SimCluster::StoreMetrics(const std::string& store) const {
  return Scrape(absl::StrCat("http://127.0.0.1:", Port(store, "status"), "/metrics"));
}

absl::StatusOr<WorkloadCounts> SimCluster::Workload() const {
  absl::StatusOr<std::vector<Sample>> s =
      Scrape(absl::StrCat("http://127.0.0.1:", Port("workload", "metrics"), "/metrics"));
  if (!s.ok()) return s.status();
  WorkloadCounts c;
  for (const Sample& x : *s) {
    if (x.name == "workload_ops_total") {
      const std::string result = x.labels.count("result") ? x.labels.at("result") : "";
      c.by_result[result] += x.value;
      (result == "ok" ? c.ok : c.errors) += x.value;
    } else if (x.name == "workload_op_duration_seconds_sum") {
      c.latency_sum += x.value;
    } else if (x.name == "workload_op_duration_seconds_count") {
      c.latency_count += x.value;
    }
  }
  return c;
}

absl::StatusOr<WorkloadCounts> SimCluster::WorkloadDelta(absl::Duration window) const {
  absl::StatusOr<WorkloadCounts> a = Workload();
  if (!a.ok()) return a.status();
  absl::SleepFor(window);  // the measurement window itself, not a wait for a condition
  absl::StatusOr<WorkloadCounts> b = Workload();
  if (!b.ok()) return b.status();
  WorkloadCounts d;
  d.ok = b->ok - a->ok;
  d.errors = b->errors - a->errors;
  for (const auto& [k, v] : b->by_result) {
    d.by_result[k] = v - (a->by_result.count(k) ? a->by_result.at(k) : 0);
  }
  d.latency_sum = b->latency_sum - a->latency_sum;
  d.latency_count = b->latency_count - a->latency_count;
  return d;
}

absl::StatusOr<nlohmann::json> SimCluster::Inject(const std::string& kind,
                                                  const std::string& target, absl::Duration ttl,
                                                  const nlohmann::json& params) {
  nlohmann::json body = {{"kind", kind},
                         {"target", target},
                         {"ttl_ms", absl::ToInt64Milliseconds(ttl)},
                         {"params", params}};
  absl::StatusOr<http::ClientResponse> r =
      Send("POST", absl::StrCat("http://127.0.0.1:", control_port_, "/sim/v1/faults"), body.dump());
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return absl::FailedPreconditionError(absl::StrCat("HTTP ", r->status, ": ", r->body));
  }
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return absl::DataLossError("fault record is not JSON: " + r->body);
  return j;
}

int SimCluster::LivePid(const std::string& name) const {
  absl::StatusOr<http::ClientResponse> r =
      Get(absl::StrCat("http://127.0.0.1:", control_port_, "/sim/v1/cluster"));
  if (!r.ok() || r->status != 200) return -1;
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return -1;
  for (const auto& p : j["processes"]) {
    if (p["name"] == name) return p.value("pid", 0);
  }
  return -1;
}

bool SimCluster::WaitHealthy(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  auto stores_up = [&] {
    for (int s = 1; s <= options_.stores; ++s) {
      if (StateName(static_cast<uint64_t>(s)) != "Up") return false;
    }
    return true;
  };
  if (!WaitFor(timeout, stores_up)) return false;
  if (options_.rate == 0) return true;
  while (absl::Now() < deadline) {
    absl::StatusOr<WorkloadCounts> d = WorkloadDelta(absl::Seconds(1));
    if (d.ok() && d->ok > 0 && d->errors == 0) return true;
  }
  return false;
}

}  // namespace ops::sim::e2e
