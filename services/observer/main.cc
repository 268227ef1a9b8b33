// observer: watches a TiKV cluster (PD API, store status probes, metrics) and reports what is
// wrong as signals, to its own streams and to the tickets service. See docs/observer.md.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "libs/config/config.h"
#include "services/observer/observer_server.h"
#include "subjects/tikv/adapter/tikv_adapter.h"

ABSL_FLAG(std::string, pd_endpoints, "http://127.0.0.1:2379",
          "PD client URLs, comma separated; the observer follows the leader among them.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "gRPC address to serve on.");
ABSL_FLAG(int, metrics_port, 9101, "Port for GET /metrics; -1 disables it, 0 picks one.");
ABSL_FLAG(std::string, tickets_addr, "127.0.0.1:50052",
          "Tickets service address; empty: report to no tickets service.");
ABSL_FLAG(std::string, observer_id, "observer-1", "This observer's id in signals and tickets.");
ABSL_FLAG(std::string, prometheus, "",
          "Prometheus base URL: read store metrics through PromQL instead of scraping stores.");
ABSL_FLAG(std::string, thresholds, "", "JSON file of invariant thresholds (docs/observer.md).");
ABSL_FLAG(double, time_scale, 1.0,
          "Multiply every threshold duration (for tikv-sim runs with --time-scale).");
ABSL_FLAG(absl::Duration, probe_interval, absl::Milliseconds(250), "Store status probe period.");
ABSL_FLAG(absl::Duration, probe_timeout, absl::Milliseconds(200), "Store status probe timeout.");
ABSL_FLAG(absl::Duration, pd_interval, absl::Seconds(1), "PD poll period.");
ABSL_FLAG(absl::Duration, metrics_interval, absl::Seconds(1), "Metrics scrape/query period.");
ABSL_FLAG(absl::Duration, cycle, absl::Milliseconds(250), "Evaluation period.");

int main(int argc, char** argv) {
  auto args = ops::config::Init(
      argc, argv, {.usage = "observer: watches a TiKV cluster and reports signals.\n"
                            "Example: observer --pd_endpoints=http://127.0.0.1:2379 "
                            "--tickets_addr=127.0.0.1:50052"});
  if (!args.ok()) {
    std::cerr << "observer: " << args.status().message() << "\n";
    return 2;
  }
  ops::tikv::TikvAdapter::Options a;
  for (absl::string_view e : absl::StrSplit(absl::GetFlag(FLAGS_pd_endpoints), ',', absl::SkipEmpty())) {
    a.pd_endpoints.emplace_back(e);
  }
  if (!absl::GetFlag(FLAGS_thresholds).empty()) {
    auto t = ops::tikv::LoadThresholds(absl::GetFlag(FLAGS_thresholds));
    if (!t.ok()) {
      std::cerr << "observer: " << t.status().message() << "\n";
      return 2;
    }
    a.thresholds = *t;
  }
  if (absl::GetFlag(FLAGS_time_scale) != 1.0) a.thresholds.time_scale = absl::GetFlag(FLAGS_time_scale);
  a.prober.interval = absl::GetFlag(FLAGS_probe_interval);
  a.prober.timeout = absl::GetFlag(FLAGS_probe_timeout);
  a.pd_interval = absl::GetFlag(FLAGS_pd_interval);
  a.metrics_interval = absl::GetFlag(FLAGS_metrics_interval);
  a.metrics_options.prometheus_url = absl::GetFlag(FLAGS_prometheus);
  auto adapter = ops::tikv::TikvAdapter::Create(a);
  if (!adapter.ok()) {
    std::cerr << "observer: " << adapter.status().message() << "\n";
    return 2;
  }
  ops::observer::ObserverServer::Options o;
  o.listen_address = absl::GetFlag(FLAGS_listen);
  o.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  o.tickets_address = absl::GetFlag(FLAGS_tickets_addr);
  o.observer.observer_id = absl::GetFlag(FLAGS_observer_id);
  o.observer.cycle = absl::GetFlag(FLAGS_cycle);
  ops::tikv::TikvAdapter* raw = adapter->get();
  o.adapter_gauges = [raw] {
    return std::map<std::string, double>{
        {"pd_requests_per_cycle", static_cast<double>(raw->last_pd_requests())},
        {"pd_requests_total", static_cast<double>(raw->total_pd_requests())},
        {"pd_poll_seconds", absl::ToDoubleSeconds(raw->last_pd_poll())}};
  };
  auto server = ops::observer::ObserverServer::Create(raw, o);
  if (!server.ok()) {
    std::cerr << "observer: " << server.status().message() << "\n";
    return 1;
  }
  if (auto s = (*server)->InstallSignalHandlers(); !s.ok()) {
    std::cerr << "observer: " << s.message() << "\n";
    return 1;
  }
  (*server)->Wait();
  (*server)->Shutdown();
  return 0;
}
