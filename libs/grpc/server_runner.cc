#include "libs/grpc/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/log/log.h"
#include "libs/status/status_macros.h"

namespace ops::grpcutil {
namespace {

// Keepalive policy (gRPC doc/keepalive.md). The server pings idle connections every minute so
// a vanished client holding a Watch stream is dropped within ~80 s instead of the 2 h default,
// and accepts client pings every 10 s (default 5 min), which our 30 s client keepalive
// (channel.h) would otherwise violate and get a GOAWAY "too_many_pings".
constexpr int kServerKeepaliveTimeMs = 60'000;
constexpr int kServerKeepaliveTimeoutMs = 20'000;
constexpr int kMinClientPingIntervalMs = 10'000;

// Captures the names of all services on the built server (ours, health, reflection), which
// grpc::Service does not expose; the same hook gRPC's reflection plugin uses.
class ServiceListPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceListPlugin(std::shared_ptr<std::vector<std::string>> out)
      : out_(std::move(out)) {}
  std::string name() override { return "ops_service_list"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* si) override { *out_ = *si->GetServiceList(); }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::shared_ptr<std::vector<std::string>> out_;
};

class ServiceListOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceListOption(std::shared_ptr<std::vector<std::string>> out)
      : out_(std::move(out)) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceListPlugin>(out_));
  }

 private:
  std::shared_ptr<std::vector<std::string>> out_;
};

absl::StatusOr<std::unique_ptr<ops::http::Server>> StartMetrics(
    const ServerRunner::Options& options) {
  if (options.metrics_port < 0) return nullptr;
  ops::http::Server::Options http_options;
  http_options.host = options.metrics_host;
  http_options.port = options.metrics_port;
  ASSIGN_OR_RETURN(auto server, ops::http::Server::Create(http_options));
  server->Handle("GET", "/metrics", [render = options.metrics_text](const ops::http::Request&) {
    ops::http::Response response = ops::http::Response::Text(render ? render() : "");
    // Prometheus text exposition format 0.0.4.
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return response;
  });
  RETURN_IF_ERROR(server->Start());
  return server;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerRunner>> ServerRunner::Create(Options options) {
  if (options.listen_address.empty()) {
    return absl::InvalidArgumentError("gRPC listen address is empty");
  }
  if (options.shutdown_deadline < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("shutdown deadline must not be negative");
  }
  // Process-wide switches, and EnableDefaultHealthCheckService is not thread-safe.
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });

  // Metrics first: it only binds, and a failure here leaves no gRPC server to tear down.
  ASSIGN_OR_RETURN(std::unique_ptr<ops::http::Server> metrics, StartMetrics(options));

  auto service_names = std::make_shared<std::vector<std::string>>();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &port);
  // gRPC sets SO_REUSEPORT by default, so a second server on a busy port would silently
  // share it; we want the bind error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kServerKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kServerKeepaliveTimeoutMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kMinClientPingIntervalMs);
  builder.SetOption(std::make_unique<ServiceListOption>(service_names));
  for (grpc::Service* service : options.services) {
    if (service == nullptr) return absl::InvalidArgumentError("null grpc::Service");
    builder.RegisterService(service);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    if (server != nullptr) server->Shutdown(absl::ToChronoTime(absl::Now()));
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address, ": address in use or invalid"));
  }

  if (grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService()) {
    health->SetServingStatus("", true);
    for (const std::string& name : *service_names) health->SetServingStatus(name, true);
  }
  ops::log::Info("grpc server listening", {{"address", options.listen_address},
                                           {"port", port},
                                           {"metrics_port", metrics ? metrics->port() : -1}});
  return std::unique_ptr<ServerRunner>(new ServerRunner(std::move(options), std::move(server), port,
                                                        *service_names, std::move(metrics)));
}

ServerRunner::ServerRunner(Options options, std::unique_ptr<grpc::Server> server, int port,
                           std::vector<std::string> service_names,
                           std::unique_ptr<ops::http::Server> metrics)
    : options_(std::move(options)),
      server_(std::move(server)),
      port_(port),
      service_names_(std::move(service_names)),
      metrics_(std::move(metrics)) {}

ServerRunner::~ServerRunner() {
  std::unique_ptr<ShutdownSignals> signals;
  {
    absl::MutexLock lock(&mu_);
    signals = std::move(signals_);
  }
  signals.reset();  // joins the watcher, which may be inside Shutdown() right now
  Shutdown();
}

std::string ServerRunner::address() const {
  // A wildcard host is not dialable; clients in this process use loopback.
  absl::string_view address = options_.listen_address;
  size_t colon = address.rfind(':');
  std::string host(address.substr(0, colon == absl::string_view::npos ? 0 : colon));
  if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::") host = "127.0.0.1";
  return absl::StrCat(host, ":", port_);
}

int ServerRunner::metrics_port() const { return metrics_ ? metrics_->port() : -1; }

void ServerRunner::SetServing(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shutdown_started_) return;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(service, serving);
}

absl::Status ServerRunner::InstallSignalHandlers() {
  ASSIGN_OR_RETURN(auto signals, ShutdownSignals::Install([this](int signo) {
                     ops::log::Info("signal received, shutting down", {{"signal", signo}});
                     Shutdown();
                   }));
  absl::MutexLock lock(&mu_);
  if (signals_ != nullptr) return absl::FailedPreconditionError("signal handlers installed");
  signals_ = std::move(signals);
  return absl::OkStatus();
}

void ServerRunner::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&shutdown_done_));
}

bool ServerRunner::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&shutdown_done_), timeout);
}

bool ServerRunner::shutting_down() const {
  absl::MutexLock lock(&mu_);
  return shutdown_started_;
}

void ServerRunner::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_started_) {
      mu_.Await(absl::Condition(&shutdown_done_));
      return;
    }
    shutdown_started_ = true;
  }
  absl::Time start = absl::Now();
  ops::log::Info("grpc server shutting down",
                 {{"deadline", absl::FormatDuration(options_.shutdown_deadline)}});
  // NOT_SERVING for "" and every service, and later SetServing() calls are ignored.
  if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
  for (const auto& callback : options_.on_shutdown) {
    if (callback) callback();
  }
  // Without a deadline this hangs while a stream is open (gRPC 1.51).
  server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_deadline));
  if (metrics_ != nullptr) metrics_->Stop();
  ops::log::Info("grpc server stopped", {{"took", absl::FormatDuration(absl::Now() - start)}});
  absl::MutexLock lock(&mu_);
  shutdown_done_ = true;
}

}  // namespace ops::grpcutil
