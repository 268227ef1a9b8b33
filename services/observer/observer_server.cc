#include "services/observer/observer_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/grpc/channel.h"
#include "libs/log/log.h"
#include "libs/prom/registry.h"
#include "libs/status/status_macros.h"

namespace ops::observer {

namespace pb = ::ops::common::v1;

absl::StatusOr<std::unique_ptr<ObserverServer>> ObserverServer::Create(
    core::SubjectAdapter* adapter, Options options) {
  std::unique_ptr<ObserverServer> s(new ObserverServer(std::move(options)));
  if (!s->options_.tickets_address.empty()) {
    s->tickets_ = ::ops::tickets::v1::TicketService::NewStub(
        grpcutil::MakeChannel(s->options_.tickets_address));
    TicketReporter::Options r = s->options_.reporter;
    r.observer_id = s->options_.observer.observer_id;
    r.subject = adapter->name();
    s->reporter_ = std::make_unique<TicketReporter>(s->tickets_.get(), r);
  }
  ASSIGN_OR_RETURN(s->observer_,
                   Observer::Create(adapter, s->reporter_.get(), s->options_.observer));
  s->service_ = std::make_unique<ObserverServiceImpl>(s->observer_.get());
  grpcutil::ServerRunner::Options run;
  run.listen_address = s->options_.listen_address;
  run.metrics_port = s->options_.metrics_port;
  run.metrics_text = [p = s.get()] { return p->RenderMetrics(); };
  run.services = {s->service_.get()};
  run.on_shutdown = {[p = s.get()] { p->observer_->Stop(); }};
  ASSIGN_OR_RETURN(s->runner_, grpcutil::ServerRunner::Create(std::move(run)));
  s->observer_->Start();
  log::Info("observer serving", {{"address", s->runner_->address()},
                                 {"tickets", s->options_.tickets_address.empty()
                                                 ? std::string("(none)")
                                                 : s->options_.tickets_address}});
  return s;
}

ObserverServer::~ObserverServer() { Shutdown(); }

void ObserverServer::Shutdown() {
  if (runner_) runner_->Shutdown();
  if (observer_) observer_->Stop();
  reporter_.reset();
}

std::string ObserverServer::RenderMetrics() const {
  // Rebuilt per scrape: the values live in the observer and reporter already.
  prom::Registry registry;
  auto gauge = [&](const std::string& name, const std::string& help, double v) {
    if (auto f = registry.AddGauge(name, help, {}); f.ok()) (*f)->WithLabels({}).Set(v);
  };
  auto counter = [&](const std::string& name, const std::string& help, double v) {
    if (auto f = registry.AddCounter(name, help, {}); f.ok()) (*f)->WithLabels({}).Increment(v);
  };
  const Observer::Stats stats = observer_->stats();
  counter("ops_observer_cycles_total", "Observer evaluation cycles run.", stats.cycles);
  counter("ops_observer_collect_errors_total", "Cycles whose snapshot could not be taken.",
          stats.collect_errors);
  gauge("ops_observer_cycle_seconds", "Duration of the last cycle (collect and evaluate).",
        absl::ToDoubleSeconds(stats.last_cycle));
  auto [signals, seq] = observer_->ActiveSignals();
  if (auto f = registry.AddGauge("ops_observer_signals", "Active signals by state.", {"state"});
      f.ok()) {
    double firing = 0, pending = 0;
    for (const core::Signal& s : signals) {
      if (s.state == pb::SIGNAL_STATE_FIRING) ++firing;
      if (s.state == pb::SIGNAL_STATE_PENDING) ++pending;
    }
    (*f)->WithLabels({"firing"}).Set(firing);
    (*f)->WithLabels({"pending"}).Set(pending);
  }
  if (auto snap = observer_->LatestSnapshot()) {
    gauge("ops_observer_blind", "1 while the observer cannot see the cluster.",
          snap->visibility.blind ? 1 : 0);
    double worst = 0;
    for (const core::StoreStatus& st : snap->stores) {
      worst = std::max(worst, absl::ToDoubleSeconds(st.probe.latency));
    }
    gauge("ops_observer_probe_latency_max_seconds", "Slowest store probe of the last cycle.",
          worst);
  }
  if (reporter_) {
    counter("ops_observer_ticket_reports_delivered_total", "Reports the tickets service took.",
            reporter_->delivered());
    counter("ops_observer_ticket_reports_dropped_total", "Reports dropped: queue full.",
            reporter_->dropped());
    counter("ops_observer_ticket_reports_rejected_total", "Reports the tickets service refused.",
            reporter_->rejected());
    gauge("ops_observer_ticket_queue", "Reports waiting for the tickets service.",
          reporter_->queued());
  }
  if (options_.adapter_gauges) {
    for (const auto& [name, v] : options_.adapter_gauges()) {
      gauge("ops_observer_adapter_" + name, "Adapter measurement " + name + ".", v);
    }
  }
  return registry.Render();
}

}  // namespace ops::observer
