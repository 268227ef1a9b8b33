// HTTP endpoint for Alertmanager's webhook notifier: POST a version-4 notification, get the
// alerts converted to Signals (alert_signal.h) and handed to a sink.
//
// Answers, as Alertmanager's notifier reads them (it retries 5xx and drops 4xx):
//   200  JSON {"status":"success","accepted":N,"rejected":[...]} — every valid alert was handed
//        to the sink; alerts that could not be converted (no alertname) are listed, not retried
//   400  the body is not JSON, not a version-4 notification, or none of its alerts converts;
//        the text says what and where ("alerts[0].startsAt: missing")
//   413  the body is larger than Options::max_body_bytes (the http::Server's own limit answers
//        413 too when it is smaller)
//   503  the sink failed with a retryable status (ops::IsRetryable), so Alertmanager retries
//   500  the sink failed otherwise
//
//   ASSIGN_OR_RETURN(auto receiver, WebhookReceiver::Create({.resolver = by_status_address},
//       [&](std::vector<AlertSignal> signals) { return tickets.Report(signals); }));
//   receiver->Register(*server);  // before server->Start()
#ifndef OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_RECEIVER_H_
#define OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_RECEIVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/http/server.h"
#include "subjects/tikv/alertmanager/alert_signal.h"

namespace ops::tikv {

inline constexpr char kDefaultWebhookPath[] = "/api/v1/alerts/webhook";

class WebhookReceiver {
 public:
  // Receives the converted alerts of one notification, in payload order. Called on the HTTP
  // server's worker threads, possibly concurrently: must be thread-safe.
  using SignalSink = std::function<absl::Status(std::vector<AlertSignal> signals)>;

  struct Options {
    std::string path = kDefaultWebhookPath;  // literal path, no regex
    size_t max_body_bytes = 1 << 20;         // Alertmanager bodies are a few KiB per alert
    StoreResolver resolver;                  // may be empty: every alert is about the cluster
    size_t memo_capacity = 10000;            // open alerts whose entity is pinned (EntityMemo)
  };

  struct Stats {
    uint64_t notifications = 0;  // 200 answers
    uint64_t signals = 0;        // alerts handed to the sink
    uint64_t rejected_alerts = 0;
    uint64_t bad_requests = 0;   // 400 and 413 answers
    uint64_t sink_failures = 0;  // 5xx answers
  };

  // Fails with INVALID_ARGUMENT when the path does not start with '/', the body limit is 0 or
  // the sink is empty.
  static absl::StatusOr<std::unique_ptr<WebhookReceiver>> Create(Options options, SignalSink sink);

  // Registers POST <path> on `server`; call before server.Start(). The receiver must outlive
  // the server's serving.
  void Register(http::Server& server);

  // Handles one request (what Register() routes to). Thread-safe.
  http::Response Handle(const http::Request& request);

  Stats stats() const;
  const std::string& path() const { return options_.path; }

 private:
  WebhookReceiver(Options options, SignalSink sink);

  const Options options_;
  const SignalSink sink_;
  EntityMemo memo_;
  std::atomic<uint64_t> notifications_{0};
  std::atomic<uint64_t> signals_{0};
  std::atomic<uint64_t> rejected_alerts_{0};
  std::atomic<uint64_t> bad_requests_{0};
  std::atomic<uint64_t> sink_failures_{0};
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_ALERTMANAGER_WEBHOOK_RECEIVER_H_
