// Test-only EchoService (testdata/ops/test/v1/echo.proto) built the way real services are: a
// callback service whose Watch stream is a HubWriteReactor over an EventHub, replaying stored
// events after from_seq. Emit() stores then publishes, so replay-then-live has no gaps.
#ifndef OPS_LIBS_GRPC_TESTDATA_TEST_ECHO_SERVICE_H_
#define OPS_LIBS_GRPC_TESTDATA_TEST_ECHO_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/grpc/event_hub.h"
#include "libs/grpc/status_convert.h"
#include "libs/grpc/stream_reactor.h"
#include "ops/test/v1/echo.grpc.pb.h"

namespace ops::grpcutil::testing {

class TestEchoService final : public ops::test::v1::EchoService::CallbackService {
 public:
  using Event = ops::test::v1::Event;

  explicit TestEchoService(size_t queue_capacity = 1024)
      : hub_(EventHub<Event>::Options{.queue_capacity = queue_capacity}) {}

  // Assigns the next seq (1, 2, ...), stores the event, then publishes it. Returns the seq.
  uint64_t Emit(const std::string& payload) {
    absl::MutexLock emit_lock(&emit_mu_);  // keeps publish order equal to seq order
    Event event;
    {
      absl::MutexLock lock(&mu_);
      event.set_seq(store_.size() + 1);
      event.set_payload(payload);
      store_.push_back(event);
    }
    uint64_t seq = event.seq();
    hub_.Publish(std::move(event));
    return seq;
  }

  EventHub<Event>& hub() { return hub_; }

  uint64_t last_seq() {
    absl::MutexLock lock(&mu_);
    return store_.size();
  }

  // Blocks until `n` Watch streams have subscribed in total, or the timeout passes.
  bool WaitForWatchers(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return watchers_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  // Blocks until `n` Watch streams have completed (OnDone) in total, or the timeout passes.
  bool WaitForDone(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return done_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const ops::test::v1::EchoRequest* request,
                                 ops::test::v1::EchoReply* reply) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (request->text() == "fail") {
      reactor->Finish(ToGrpcStatus(absl::InvalidArgumentError("asked to fail")));
      return reactor;
    }
    reply->set_text(request->text());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<Event>* Watch(grpc::CallbackServerContext* ctx,
                                         const ops::test::v1::WatchRequest* request) override {
    auto sub = hub_.Subscribe();  // before reading the store: nothing can fall in between
    if (!sub.ok()) return FinishedWriteReactor<Event>(ToGrpcStatus(sub.status()));
    std::vector<Event> backlog;
    {
      absl::MutexLock lock(&mu_);
      for (uint64_t i = request->from_seq(); i < store_.size(); ++i) backlog.push_back(store_[i]);
      ++watchers_;
    }
    HubWriteReactor<Event>::Options options;
    options.seq = [](const Event& e) { return e.seq(); };
    options.after_seq = request->from_seq();
    options.resume_hint = [](const Event* last) {
      return absl::StrCat("resume from seq ", last == nullptr ? 0 : last->seq());
    };
    options.on_done = [this] {
      absl::MutexLock lock(&mu_);
      ++done_;
    };
    return HubWriteReactor<Event>::Start(*std::move(sub), std::move(backlog), std::move(options));
  }

 private:
  EventHub<Event> hub_;
  absl::Mutex emit_mu_;
  absl::Mutex mu_;
  std::vector<Event> store_ ABSL_GUARDED_BY(mu_);
  int watchers_ ABSL_GUARDED_BY(mu_) = 0;
  int done_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ops::grpcutil::testing

#endif  // OPS_LIBS_GRPC_TESTDATA_TEST_ECHO_SERVICE_H_
