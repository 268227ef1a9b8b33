#include "subjects/tikv/sim/cluster/cluster_spec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "subjects/tikv/sim/cluster/bootstrap_layout.h"

namespace ops::sim {
namespace {

// Binds 127.0.0.1:port (0 = any); returns the open socket and the bound port.
absl::StatusOr<std::pair<int, int>> BindPort(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    close(fd);
    return absl::FailedPreconditionError(std::strerror(err));
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return std::make_pair(fd, static_cast<int>(ntohs(addr.sin_port)));
}

std::string Url(int port) { return absl::StrCat("http://127.0.0.1:", port); }
std::string Addr(int port) { return absl::StrCat("127.0.0.1:", port); }

}  // namespace

const ProcessSpec* ClusterSpec::Find(absl::string_view name) const {
  for (const ProcessSpec& p : processes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

ProcessSpec* ClusterSpec::Find(absl::string_view name) {
  for (ProcessSpec& p : processes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string ClusterSpec::PdEndpoints() const {
  std::vector<std::string> urls;
  for (const ProcessSpec& p : processes) {
    if (p.role == "pd") urls.push_back(Url(p.ports.at("client")));
  }
  return absl::StrJoin(urls, ",");
}

nlohmann::json ClusterSpec::ToJson() const {
  nlohmann::json procs = nlohmann::json::array();
  for (const ProcessSpec& p : processes) {
    procs.push_back({{"role", p.role},
                     {"name", p.name},
                     {"pid", p.pid},
                     {"ports", p.ports},
                     {"argv", p.argv},
                     {"data_dir", p.data_dir},
                     {"log_file", p.log_file}});
  }
  return {{"dir", options.dir},
          {"options",
           {{"pd", options.pd},
            {"stores", options.stores},
            {"regions", options.regions},
            {"time_scale", options.time_scale},
            {"seed", options.seed},
            {"rate", options.rate},
            {"base_port", options.base_port},
            {"max_store_down_time", options.max_store_down_time}}},
          {"bin_dir", bin_dir},
          {"supervisor",
           {{"pid", supervisor_pid}, {"control_port", control_port}, {"log_file", supervisor_log}}},
          {"processes", procs}};
}

absl::StatusOr<ClusterSpec> ClusterSpec::FromJson(const nlohmann::json& j) {
  try {
    ClusterSpec s;
    s.options.dir = j.at("dir").get<std::string>();
    const nlohmann::json& o = j.at("options");
    s.options.pd = o.at("pd").get<int>();
    s.options.stores = o.at("stores").get<int>();
    s.options.regions = o.at("regions").get<int>();
    s.options.time_scale = o.at("time_scale").get<double>();
    s.options.seed = o.at("seed").get<uint64_t>();
    s.options.rate = o.at("rate").get<int>();
    s.options.base_port = o.value("base_port", 0);
    s.options.max_store_down_time = o.value("max_store_down_time", std::string());
    s.bin_dir = j.at("bin_dir").get<std::string>();
    const nlohmann::json& sup = j.at("supervisor");
    s.supervisor_pid = sup.at("pid").get<int>();
    s.control_port = sup.at("control_port").get<int>();
    s.supervisor_log = sup.at("log_file").get<std::string>();
    for (const nlohmann::json& p : j.at("processes")) {
      ProcessSpec ps;
      ps.role = p.at("role").get<std::string>();
      ps.name = p.at("name").get<std::string>();
      ps.pid = p.at("pid").get<int>();
      ps.ports = p.at("ports").get<std::map<std::string, int>>();
      ps.argv = p.at("argv").get<std::vector<std::string>>();
      ps.data_dir = p.at("data_dir").get<std::string>();
      ps.log_file = p.at("log_file").get<std::string>();
      if (ps.argv.empty()) return absl::InvalidArgumentError("process " + ps.name + " has no argv");
      s.processes.push_back(std::move(ps));
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("malformed cluster.json: ", e.what()));
  }
}

absl::StatusOr<std::vector<int>> AllocatePorts(const std::vector<std::string>& uses,
                                               int base_port) {
  std::vector<int> fds, ports;
  absl::Status status;
  for (size_t i = 0; i < uses.size(); ++i) {
    const int want = base_port == 0 ? 0 : base_port + static_cast<int>(i);
    absl::StatusOr<std::pair<int, int>> bound = BindPort(want);
    if (!bound.ok()) {
      status = absl::FailedPreconditionError(absl::StrCat(
          "port ", want, " (", uses[i], ") is in use or cannot be bound: ",
          bound.status().message(), "; pick another --base-port or omit it for free ports"));
      break;
    }
    fds.push_back(bound->first);
    ports.push_back(bound->second);
  }
  // All sockets stay open until every port is picked, so the kernel never hands one out twice.
  for (int fd : fds) close(fd);
  if (!status.ok()) return status;
  return ports;
}

absl::StatusOr<ClusterSpec> BuildClusterSpec(const ClusterOptions& options,
                                             const std::string& bin_dir) {
  if (options.pd < 1 || options.pd > 7) {
    return absl::InvalidArgumentError(absl::StrCat("--pd must be 1..7, got ", options.pd));
  }
  if (options.stores < 3 || options.stores > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--stores must be 3..64 (3 replicas), got ", options.stores));
  }
  if (!(options.time_scale > 0 && options.time_scale <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--time-scale must be in (0, 1], got ", options.time_scale));
  }
  if (options.rate < 0) return absl::InvalidArgumentError("--rate must be >= 0");
  ClusterSpec spec;
  spec.options = options;
  spec.options.dir = std::filesystem::absolute(options.dir).lexically_normal().string();
  if (!spec.options.dir.empty() && spec.options.dir.back() == '/') spec.options.dir.pop_back();
  spec.bin_dir = bin_dir;
  const std::string& dir = spec.options.dir;
  std::vector<std::string> uses = {"supervisor control"};
  for (int i = 1; i <= options.pd; ++i) {
    uses.push_back(absl::StrCat("pd-", i, " client"));
    uses.push_back(absl::StrCat("pd-", i, " peer"));
  }
  for (int i = 1; i <= options.stores; ++i) {
    for (const char* u : {" addr", " status", " control"})
      uses.push_back(absl::StrCat("store-", i, u));
  }
  uses.push_back("workload metrics");
  uses.push_back("workload control");
  std::vector<int> ports;
  {
    absl::StatusOr<std::vector<int>> got = AllocatePorts(uses, options.base_port);
    if (!got.ok()) return got.status();
    ports = *std::move(got);
  }
  size_t next = 0;
  spec.control_port = ports[next++];
  spec.supervisor_log = dir + "/supervisor.log";
  const std::string ts = absl::StrCat(options.time_scale);
  const std::string seed = absl::StrCat(options.seed);
  std::vector<std::string> initial;
  for (int i = 1; i <= options.pd; ++i) {
    ProcessSpec p;
    p.role = "pd";
    p.name = absl::StrCat("pd-", i);
    p.ports = {{"client", ports[next]}, {"peer", ports[next + 1]}};
    next += 2;
    p.data_dir = absl::StrCat(dir, "/", p.name);
    p.log_file = p.data_dir + "/pd.log";
    initial.push_back(absl::StrCat(p.name, "=", Url(p.ports["peer"])));
    spec.processes.push_back(std::move(p));
  }
  for (ProcessSpec& p : spec.processes) {
    p.argv = {bin_dir + "/tikv-sim-pd",
              "--name=" + p.name,
              "--client-urls=" + Url(p.ports["client"]),
              "--peer-urls=" + Url(p.ports["peer"]),
              "--initial-cluster=" + absl::StrJoin(initial, ","),
              "--data-dir=" + p.data_dir,
              "--log-file=" + p.log_file,
              "--time-scale=" + ts,
              "--seed=" + seed,
              absl::StrCat("--cluster-id=", ClusterIdForSeed(options.seed))};
    if (!options.max_store_down_time.empty()) {
      p.argv.push_back("--max-store-down-time=" + options.max_store_down_time);
    }
  }
  const std::string pd_endpoints = spec.PdEndpoints();
  for (int i = 1; i <= options.stores; ++i) {
    ProcessSpec p;
    p.role = "store";
    p.name = absl::StrCat("store-", i);
    p.ports = {{"addr", ports[next]}, {"status", ports[next + 1]}, {"control", ports[next + 2]}};
    next += 3;
    p.data_dir = absl::StrCat(dir, "/", p.name);
    p.log_file = p.data_dir + "/tikv.log";
    p.argv = {bin_dir + "/tikv-sim-store",
              "--addr=" + Addr(p.ports["addr"]),
              "--status-addr=" + Addr(p.ports["status"]),
              "--pd-endpoints=" + pd_endpoints,
              "--data-dir=" + p.data_dir,
              "--log-file=" + p.log_file,
              "--control-addr=" + Addr(p.ports["control"]),
              "--time-scale=" + ts,
              "--seed=" + absl::StrCat(options.seed + static_cast<uint64_t>(i))};
    spec.processes.push_back(std::move(p));
  }
  ProcessSpec w;
  w.role = "workload";
  w.name = "workload";
  w.ports = {{"metrics", ports[next]}, {"control", ports[next + 1]}};
  w.data_dir = dir + "/workload";
  w.log_file = w.data_dir + "/workload.log";
  w.argv = {bin_dir + "/tikv-sim-workload",
            "--pd-endpoints=" + pd_endpoints,
            absl::StrCat("--rate=", options.rate),
            "--metrics-addr=" + Addr(w.ports["metrics"]),
            "--control-addr=" + Addr(w.ports["control"]),
            "--seed=" + seed,
            "--time-scale=" + ts,
            "--log-file=" + w.log_file};
  spec.processes.push_back(std::move(w));
  return spec;
}

absl::StatusOr<ClusterSpec> ReadClusterSpec(const std::string& dir) {
  const std::string path = dir + "/cluster.json";
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(absl::StrCat("no tikv-sim cluster in ", dir, " (", path,
                                            " does not exist); start one with `tikv-sim up`"));
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(path + " is not valid JSON");
  return ClusterSpec::FromJson(j);
}

absl::Status WriteClusterSpec(const ClusterSpec& spec) {
  const std::string path = spec.options.dir + "/cluster.json";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << spec.ToJson().dump(2) << "\n";
    if (!out) return absl::InternalError("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot rename ", tmp, ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace ops::sim
