#include "services/observer/observer_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/proto_conversion.h"
#include "core/proto_time.h"
#include "libs/grpc/status_convert.h"
#include "libs/grpc/stream_reactor.h"

namespace ops::observer {
namespace {

namespace pb = ::ops::common::v1;
using grpcutil::ToGrpcStatus;

constexpr size_t kMaxReplay = 10000;

}  // namespace

grpc::Status ObserverServiceImpl::GetSnapshot(grpc::ServerContext*, const ov1::GetSnapshotRequest*,
                                              pb::ClusterSnapshot* response) {
  std::optional<core::Snapshot> snap = observer_->LatestSnapshot();
  if (!snap) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "no snapshot yet: the observer has not finished its first cycle");
  }
  *response = core::ToProto(*snap);
  return grpc::Status::OK;
}

grpc::Status ObserverServiceImpl::QueryHistory(grpc::ServerContext*,
                                               const ov1::QueryHistoryRequest* request,
                                               ov1::QueryHistoryResponse* response) {
  const std::string& kind = request->entity().kind();
  if (!kind.empty() && kind != "cluster" && kind != "store") {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "entity.kind must be \"cluster\", \"store\" or empty (cluster)");
  }
  const absl::Time now = absl::Now();
  absl::Time start = now - absl::Minutes(15), end = now;
  if (request->has_start()) {
    auto t = core::TimeFromProto(request->start());
    if (!t.ok()) return ToGrpcStatus(t.status());
    start = *t;
  }
  if (request->has_end()) {
    auto t = core::TimeFromProto(request->end());
    if (!t.ok()) return ToGrpcStatus(t.status());
    end = *t;
  }
  absl::Duration step = absl::ZeroDuration();
  if (request->has_step()) {
    auto d = core::DurationFromProto(request->step());
    if (!d.ok()) return ToGrpcStatus(d.status());
    step = *d;
  }
  const std::string entity_id = kind == "store" ? request->entity().id() : "";
  auto points = observer_->history().Query(request->series(), entity_id, start, end, step);
  if (!points.ok()) return ToGrpcStatus(points.status());
  response->set_series(request->series());
  *response->mutable_entity() = request->entity();
  for (const HistoryPoint& p : *points) {
    ov1::Point* out = response->add_points();
    *out->mutable_at() = core::TimeToProto(p.at);
    out->set_value(p.value);
  }
  return grpc::Status::OK;
}

grpc::Status ObserverServiceImpl::ListSignals(grpc::ServerContext*,
                                              const ov1::ListSignalsRequest* request,
                                              ov1::ListSignalsResponse* response) {
  auto [signals, seq] = observer_->ActiveSignals();
  for (const core::Signal& s : signals) {
    if (request->states_size() > 0 &&
        std::find(request->states().begin(), request->states().end(), s.state) ==
            request->states().end()) {
      continue;
    }
    if (s.severity < request->min_severity()) continue;
    *response->add_signals() = core::ToProto(s);
  }
  response->set_as_of_seq(seq);
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<ov1::HealthSummary>* ObserverServiceImpl::WatchHealth(
    grpc::CallbackServerContext*, const ov1::WatchHealthRequest* request) {
  using Reactor = grpcutil::HubWriteReactor<ov1::HealthSummary>;
  auto sub = observer_->health_hub().Subscribe();
  if (!sub.ok()) {
    return grpcutil::FinishedWriteReactor<ov1::HealthSummary>(ToGrpcStatus(sub.status()));
  }
  Reactor::Options options;
  options.seq = [](const ov1::HealthSummary& h) { return h.seq(); };
  absl::Duration min_interval = absl::ZeroDuration();
  if (request->has_min_interval()) {
    auto d = core::DurationFromProto(request->min_interval());
    if (!d.ok()) {
      (*sub)->Cancel();
      return grpcutil::FinishedWriteReactor<ov1::HealthSummary>(ToGrpcStatus(d.status()));
    }
    min_interval = *d;
  }
  if (min_interval > absl::ZeroDuration()) {
    // Skips summaries closer than min_interval to the last one sent (one stream, in order).
    auto last = std::make_shared<absl::Time>(absl::InfinitePast());
    options.include = [last, min_interval](const ov1::HealthSummary& h) {
      absl::Time at = absl::FromUnixSeconds(h.at().seconds()) + absl::Nanoseconds(h.at().nanos());
      if (at - *last < min_interval) return false;
      *last = at;
      return true;
    };
  }
  std::vector<ov1::HealthSummary> backlog;
  if (auto latest = observer_->LatestHealth()) {
    options.after_seq = latest->seq();
    backlog.push_back(*std::move(latest));
  }
  return Reactor::Start(*std::move(sub), std::move(backlog), std::move(options));
}

grpc::ServerWriteReactor<ov1::SignalEvent>* ObserverServiceImpl::WatchSignals(
    grpc::CallbackServerContext*, const ov1::WatchSignalsRequest* request) {
  using Reactor = grpcutil::HubWriteReactor<ov1::SignalEvent>;
  auto sub = observer_->signal_hub().Subscribe();
  if (!sub.ok()) return grpcutil::FinishedWriteReactor<ov1::SignalEvent>(ToGrpcStatus(sub.status()));
  Reactor::Options options;
  options.seq = [](const ov1::SignalEvent& e) { return e.seq(); };
  options.resume_hint = [](const ov1::SignalEvent* last) {
    return last ? absl::StrCat("resume from seq ", last->seq() + 1) : std::string("resume");
  };
  if (request->skip_resends()) {
    options.include = [](const ov1::SignalEvent& e) { return !e.resend(); };
  }
  std::vector<ov1::SignalEvent> backlog;
  if (request->from_seq() > 0) {
    auto stored = observer_->SignalEventsFrom(request->from_seq(), kMaxReplay);
    if (!stored.ok()) {
      (*sub)->Cancel();
      return grpcutil::FinishedWriteReactor<ov1::SignalEvent>(ToGrpcStatus(stored.status()));
    }
    options.after_seq = request->from_seq() - 1;
    for (ov1::SignalEvent& e : *stored) {
      if (!options.include || options.include(e)) backlog.push_back(std::move(e));
    }
  }
  return Reactor::Start(*std::move(sub), std::move(backlog), std::move(options));
}

}  // namespace ops::observer
