// PdClient: construction, one request with leader-first failover (Fetch), and the two ways of
// reading a body. Poll() is in pd_poll.cc.
#include "subjects/tikv/pd_client/pd_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "libs/http/http_status.h"
#include "subjects/tikv/pd_client/pd_client_internal.h"
#include "subjects/tikv/pd_client/pd_parse.h"

namespace ops::tikv {
namespace {

// Once the count is known, a region-check body is drained only this far before the transfer
// is aborted (small bodies finish and keep their connection; huge lists are cut short).
constexpr size_t kDrainAfterCount = 64 << 10;

// "GET http://h/p: Couldn't connect" → "Couldn't connect" (the endpoint is named already).
std::string WithoutRequestPrefix(absl::string_view message, absl::string_view url) {
  absl::string_view m = message;
  if (absl::ConsumePrefix(&m, "GET ") && absl::ConsumePrefix(&m, url) &&
      absl::ConsumePrefix(&m, ": ")) {
    return std::string(m);
  }
  return std::string(message);
}

}  // namespace

struct PdClient::Attempt {
  enum Kind { kOk, kFailover, kFinal, kRedirect };
  Kind kind = kOk;
  absl::Status status;  // why, for every kind but kOk
  std::string body;
  std::optional<uint64_t> count;  // kLeadingCount: read from the body's first bytes
  std::string location;           // kRedirect
  bool timed_out = false;
  bool http_answer = false;  // the endpoint sent an HTTP response (whatever its status)
  int extra_requests = 0;    // exchanges beyond the first (a redirect re-read in full)
};

absl::StatusOr<std::unique_ptr<PdClient>> PdClient::Create(Options options) {
  if (options.endpoints.empty()) {
    return absl::InvalidArgumentError("PdClient needs at least one PD endpoint");
  }
  for (std::string& e : options.endpoints) {
    absl::StatusOr<std::string> n = NormalizePdEndpoint(e);
    if (!n.ok()) return n.status();
    e = *n;
  }
  if (options.request_timeout <= absl::ZeroDuration() ||
      options.connect_timeout <= absl::ZeroDuration() ||
      options.endpoint_cooldown < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("PdClient timeouts must be positive");
  }
  if (options.config_every < 1) {
    return absl::InvalidArgumentError("PdClient config_every must be at least 1");
  }
  if (options.max_response_bytes == 0) {
    return absl::InvalidArgumentError("PdClient max_response_bytes must be positive");
  }
  http::Client::Options h;
  h.connect_timeout = options.connect_timeout;
  h.timeout = options.request_timeout;
  h.max_response_bytes = options.max_response_bytes;
  h.user_agent = "operator-pd-client/0.1";
  h.retry.max_attempts = 1;  // failover to another member is the retry
  h.default_headers = {{"Accept", "application/json"}};
  absl::StatusOr<std::unique_ptr<http::Client>> client = http::Client::Create(std::move(h));
  if (!client.ok()) return client.status();
  return std::unique_ptr<PdClient>(new PdClient(std::move(options), std::move(*client)));
}

PdClient::PdClient(Options options, std::unique_ptr<http::Client> http)
    : options_(std::move(options)),
      http_(std::move(http)),
      endpoints_(options_.endpoints, options_.endpoint_cooldown, options_.follow_advertised_urls) {}

PdClient::~PdClient() = default;

std::string PdClient::PreferredEndpoint() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> order = endpoints_.Order(absl::Now());
  return order.empty() ? "" : order.front();
}

std::string PdClient::LeaderEndpoint() const {
  std::lock_guard<std::mutex> lock(mu_);
  return endpoints_.leader();
}

absl::StatusOr<std::string> PdClient::Get(absl::string_view path, absl::Time deadline) {
  CallStats stats;
  absl::StatusOr<Fetched> f = Fetch(path, BodyMode::kWhole, deadline, &stats);
  if (!f.ok()) return f.status();
  return std::move(f->body);
}

absl::StatusOr<uint64_t> PdClient::GetRegionsCount(absl::string_view path, absl::Time deadline) {
  CallStats stats;
  absl::StatusOr<Fetched> f = Fetch(path, BodyMode::kLeadingCount, deadline, &stats);
  if (!f.ok()) return f.status();
  if (f->count.has_value()) return *f->count;
  return internal::WithEndpoint(ParseRegionsCount(f->body), f->endpoint);
}

absl::StatusOr<PdClient::Fetched> PdClient::Fetch(absl::string_view path, BodyMode mode,
                                                  absl::Time deadline, CallStats* stats) {
  std::vector<std::string> order;
  {
    std::lock_guard<std::mutex> lock(mu_);
    order = endpoints_.Order(absl::Now());
  }
  std::vector<std::string> failures;
  bool redirected = false;
  bool out_of_time = false;
  bool any_http = false;
  size_t i = 0;
  for (; i < order.size(); ++i) {
    const std::string base = order[i];
    absl::Duration left = deadline - absl::Now();
    if (left < absl::Milliseconds(1)) {
      out_of_time = true;
      break;
    }
    absl::Duration timeout = std::min(options_.request_timeout, left);
    ++stats->requests;
    ++total_requests_;
    Attempt a = Exchange(base, path, mode, timeout);
    stats->requests += a.extra_requests;
    total_requests_ += a.extra_requests;
    any_http = any_http || a.http_answer;
    if (a.kind == Attempt::kOk || a.kind == Attempt::kFinal) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        endpoints_.MarkGood(base);
      }
      stats->Answered(base);
      if (a.kind == Attempt::kFinal) return a.status;
      return Fetched{std::move(a.body), a.count, base};
    }
    failures.push_back(absl::StrCat(
        base, " (", WithoutRequestPrefix(a.status.message(), absl::StrCat(base, path)), ")"));
    if (a.kind == Attempt::kRedirect) {
      // PD proxies to its leader itself; a redirect (older PD, a proxy in front) is followed
      // once, to its origin, as the next endpoint to try.
      std::string origin = OriginOf(a.location);
      if (!redirected && !origin.empty() && origin != base) {
        redirected = true;
        order.erase(std::remove(order.begin() + i + 1, order.end(), origin), order.end());
        order.insert(order.begin() + i + 1, origin);
      }
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      endpoints_.MarkFailed(base, absl::Now());
    }
    if (a.timed_out && timeout == left) out_of_time = true;
  }
  // Only transport failures everywhere mean PD is unreachable; 5xx answers mean it is there
  // but cannot serve this request.
  stats->none_answered = !any_http;
  std::string message =
      absl::StrCat("GET ", path, ": no PD endpoint ", any_http ? "could serve it" : "answered",
                   "; tried ", failures.empty() ? "none" : absl::StrJoin(failures, ", "));
  if (i < order.size()) {
    std::vector<std::string> untried(order.begin() + i, order.end());
    absl::StrAppend(&message, "; deadline passed before trying ", absl::StrJoin(untried, ", "));
  }
  if (out_of_time) return absl::DeadlineExceededError(message);
  return absl::UnavailableError(message);
}

PdClient::Attempt PdClient::Exchange(const std::string& base, absl::string_view path, BodyMode mode,
                                     absl::Duration timeout) const {
  std::string url = absl::StrCat(base, path);
  return mode == BodyMode::kWhole ? ExchangeWhole(url, timeout)
                                  : ExchangeLeadingCount(url, timeout);
}

namespace {

http::ClientRequest MakeRequest(const std::string& url, absl::Duration timeout,
                                absl::Duration connect_timeout, size_t max_bytes) {
  http::ClientRequest req;
  req.url = url;
  req.options.timeout = timeout;
  req.options.connect_timeout = std::min(connect_timeout, timeout);
  req.options.max_response_bytes = max_bytes;
  req.options.retry = http::RetryPolicy{.max_attempts = 1};
  return req;
}

}  // namespace

PdClient::Attempt PdClient::ExchangeWhole(const std::string& url, absl::Duration timeout) const {
  Attempt a;
  absl::StatusOr<http::ClientResponse> r =
      http_->Do(MakeRequest(url, timeout, options_.connect_timeout, options_.max_response_bytes));
  if (!r.ok()) {
    a.status = r.status();
    // Every member would forward the same oversized answer: do not try the others.
    a.kind =
        r.status().code() == absl::StatusCode::kOutOfRange ? Attempt::kFinal : Attempt::kFailover;
    a.timed_out = r.status().code() == absl::StatusCode::kDeadlineExceeded;
    return a;
  }
  a.http_answer = true;
  if (r->ok()) {
    a.body = std::move(r->body);
    return a;
  }
  // The endpoint is named by the failover list; only a final error names the URL itself.
  bool is_final = r->status >= 400 && r->status < 500;
  a.status = http::StatusFromHttp(r->status, PdErrorText(r->body),
                                  is_final ? absl::StrCat("from GET ", url) : "");
  if (r->status >= 300 && r->status < 400 && !r->Header("Location").empty()) {
    a.kind = Attempt::kRedirect;
    a.location = r->Header("Location");
    a.status = absl::FailedPreconditionError(
        absl::StrCat("HTTP ", r->status, " redirect to ", a.location));
  } else if (!is_final) {
    // A follower that cannot reach the leader answers 5xx ("redirect to not leader"); another
    // member may do better.
    a.kind = Attempt::kFailover;
  } else {
    a.kind = Attempt::kFinal;
  }
  return a;
}

PdClient::Attempt PdClient::ExchangeLeadingCount(const std::string& url,
                                                 absl::Duration timeout) const {
  Attempt a;
  std::string buffer;
  size_t received = 0;
  bool leading = true;  // the body may still start with its count
  bool too_large = false;
  bool cut_after_count = false;
  auto on_chunk = [&](absl::string_view chunk) {
    received += chunk.size();
    if (a.count.has_value()) {
      if (received <= kDrainAfterCount) return true;
      cut_after_count = true;
      return false;
    }
    if (buffer.size() + chunk.size() > options_.max_response_bytes) {
      too_large = true;
      return false;
    }
    buffer.append(chunk.data(), chunk.size());
    if (leading) {
      uint64_t count = 0;
      LeadingCount lc = ReadLeadingCount(buffer, &count);
      if (lc == LeadingCount::kFound) {
        a.count = count;
        buffer.clear();
      } else if (lc == LeadingCount::kNotLeading) {
        leading = false;
      }
    }
    if (a.count.has_value() && received > kDrainAfterCount) {
      cut_after_count = true;
      return false;
    }
    return true;
  };
  http::ClientRequest req =
      MakeRequest(url, timeout, options_.connect_timeout, options_.max_response_bytes);
  absl::StatusOr<http::ClientResponse> r = http_->Stream(req, on_chunk);
  if (r.ok() || (cut_after_count && r.status().code() == absl::StatusCode::kCancelled)) {
    a.http_answer = true;
    a.body = std::move(buffer);
    return a;
  }
  a.count.reset();
  if (too_large) {
    a.kind = Attempt::kFinal;
    a.status = absl::OutOfRangeError(
        absl::StrCat("response body of GET ", url, " exceeds the limit of ",
                     options_.max_response_bytes, " bytes (max_response_bytes)"));
    return a;
  }
  a.status = r.status();
  std::optional<int> code = http::HttpCodeFromStatus(r.status());
  if (code.has_value() && *code >= 300 && *code < 400) {
    // Stream() keeps no headers of a non-2xx answer: read the redirect again in full to learn
    // its Location (rare: PD proxies to its leader itself).
    Attempt again = ExchangeWhole(url, timeout);
    again.extra_requests = 1;
    return again;
  }
  a.http_answer = code.has_value();
  bool final_http = code.has_value() && *code >= 400 && *code < 500;
  bool is_final = final_http || r.status().code() == absl::StatusCode::kOutOfRange;
  a.kind = is_final ? Attempt::kFinal : Attempt::kFailover;
  a.timed_out = r.status().code() == absl::StatusCode::kDeadlineExceeded;
  return a;
}

}  // namespace ops::tikv
