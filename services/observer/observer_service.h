// ObserverServiceImpl: the ops.observer.v1.ObserverService gRPC API over an Observer. Unary
// methods read the observer's in-memory state; WatchSignals replays kept signal events from
// from_seq and follows live ones; WatchHealth follows the ~1 Hz health summaries (the newest one
// first, so a new client draws at once).
//
// Thread safety: thread-safe; the observer must outlive it.
#ifndef OPS_SERVICES_OBSERVER_OBSERVER_SERVICE_H_
#define OPS_SERVICES_OBSERVER_OBSERVER_SERVICE_H_

#include "ops/v1/observer.grpc.pb.h"
#include "services/observer/observer.h"

namespace ops::observer {

class ObserverServiceImpl final
    : public ov1::ObserverService::WithCallbackMethod_WatchHealth<
          ov1::ObserverService::WithCallbackMethod_WatchSignals<ov1::ObserverService::Service>> {
 public:
  explicit ObserverServiceImpl(Observer* observer) : observer_(observer) {}

  grpc::Status GetSnapshot(grpc::ServerContext* ctx, const ov1::GetSnapshotRequest* request,
                           ::ops::common::v1::ClusterSnapshot* response) override;
  grpc::Status QueryHistory(grpc::ServerContext* ctx, const ov1::QueryHistoryRequest* request,
                            ov1::QueryHistoryResponse* response) override;
  grpc::Status ListSignals(grpc::ServerContext* ctx, const ov1::ListSignalsRequest* request,
                           ov1::ListSignalsResponse* response) override;
  grpc::ServerWriteReactor<ov1::HealthSummary>* WatchHealth(
      grpc::CallbackServerContext* ctx, const ov1::WatchHealthRequest* request) override;
  grpc::ServerWriteReactor<ov1::SignalEvent>* WatchSignals(
      grpc::CallbackServerContext* ctx, const ov1::WatchSignalsRequest* request) override;

 private:
  Observer* const observer_;
};

}  // namespace ops::observer

#endif  // OPS_SERVICES_OBSERVER_OBSERVER_SERVICE_H_
