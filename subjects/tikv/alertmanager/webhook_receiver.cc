// Alertmanager webhook HTTP endpoint; see webhook_receiver.h.
#include "subjects/tikv/alertmanager/webhook_receiver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/status/retry.h"
#include "nlohmann/json.hpp"

namespace ops::tikv {
namespace {

// The server routes by ECMAScript regex; the configured path is literal.
std::string RegexEscape(absl::string_view path) {
  std::string out;
  for (char c : path) {
    if (absl::string_view("\\^$.|?*+()[]{}").find(c) != absl::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

http::Response Error(int code, absl::string_view message) {
  return http::Response::Text(absl::StrCat(message, "\n"), code);
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebhookReceiver>> WebhookReceiver::Create(Options options,
                                                                         SignalSink sink) {
  if (options.path.empty() || options.path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook receiver: path must start with '/', got \"", options.path, "\""));
  }
  if (options.max_body_bytes == 0) {
    return absl::InvalidArgumentError("webhook receiver: max_body_bytes must be positive");
  }
  if (!sink) return absl::InvalidArgumentError("webhook receiver: a sink is required");
  return std::unique_ptr<WebhookReceiver>(new WebhookReceiver(std::move(options), std::move(sink)));
}

WebhookReceiver::WebhookReceiver(Options options, SignalSink sink)
    : options_(std::move(options)), sink_(std::move(sink)), memo_(options_.memo_capacity) {}

void WebhookReceiver::Register(http::Server& server) {
  server.Handle("POST", RegexEscape(options_.path),
                [this](const http::Request& request) { return Handle(request); });
}

http::Response WebhookReceiver::Handle(const http::Request& request) {
  if (request.body.size() > options_.max_body_bytes) {
    ++bad_requests_;
    return Error(
        413, absl::StrCat("request body of ", request.body.size(), " bytes exceeds the limit of ",
                          options_.max_body_bytes, " bytes"));
  }
  absl::StatusOr<WebhookMessage> message = ParseWebhook(request.body);
  if (!message.ok()) {
    ++bad_requests_;
    return Error(
        400, absl::StrCat("invalid Alertmanager webhook payload: ", message.status().message()));
  }
  ConversionResult converted = ConvertWebhook(*message, options_.resolver, &memo_);
  std::vector<std::string> rejected;
  for (const absl::Status& status : converted.rejected) {
    rejected.emplace_back(status.message());
  }
  if (converted.signals.empty() && !rejected.empty()) {
    ++bad_requests_;
    return Error(400, absl::StrCat("invalid Alertmanager webhook payload: no alert converts: ",
                                   absl::StrJoin(rejected, "; ")));
  }
  const size_t accepted = converted.signals.size();
  if (accepted > 0) {
    absl::Status sunk = sink_(std::move(converted.signals));
    if (!sunk.ok()) {
      ++sink_failures_;
      return Error(IsRetryable(sunk) ? 503 : 500,
                   absl::StrCat("cannot record alerts: ", sunk.ToString()));
    }
  }
  ++notifications_;
  signals_ += accepted;
  rejected_alerts_ += rejected.size();
  nlohmann::json body = {{"status", "success"}, {"accepted", accepted}, {"rejected", rejected}};
  return http::Response::Json(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

WebhookReceiver::Stats WebhookReceiver::stats() const {
  return Stats{notifications_.load(), signals_.load(), rejected_alerts_.load(),
               bad_requests_.load(), sink_failures_.load()};
}

}  // namespace ops::tikv
