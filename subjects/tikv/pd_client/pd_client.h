// PdClient: the TiKV adapter's client for PD's HTTP API (/pd/api/v1, tikv.md §1). Given several
// PD endpoints it follows the leader (learned from /members), fails over to another member
// when one is unreachable, slow or answers 5xx, all within the caller's deadline, and remembers
// which endpoint works. Poll() performs one observation cycle and returns a PdView with every
// source it could read and the ones it could not.
//
// One Poll() sends a fixed number of requests, whatever the cluster size (region lists are never
// fetched; region-check bodies are read only up to their leading `count`):
//   /members, /health, /stores, /regions/count, /regions/check/{miss-peer, down-peer,
//   pending-peer, offline-peer, extra-peer, empty-region}, /cluster/status   (11)
//   + /config on the first poll, every `config_every` polls and after it failed   (+1)
//   + /hotspot/regions/{read,write} when `poll_hotspots`                        (+2)
// plus one more per failover. PdView::requests counts them ("PD requests per cycle").
//
// Thread safety: thread-safe; endpoint bookkeeping is shared under a mutex. Meant to be polled
// from one loop; concurrent Polls work but each counts only its own requests.
//
//   ASSIGN_OR_RETURN(auto pd, PdClient::Create({.endpoints = {"http://127.0.0.1:2379"}}));
//   absl::StatusOr<PdView> view = pd->Poll(absl::Now() + absl::Seconds(2));
//   if (!view.ok()) { /* no PD endpoint answered: the observer is blind */ }
//   FillSnapshot(*view, &snapshot);   // snapshot_fill.h
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/http/client.h"
#include "subjects/tikv/pd_client/endpoint_set.h"
#include "subjects/tikv/pd_client/pd_types.h"

namespace ops::tikv {

class PdClient {
 public:
  struct Options {
    // PD client URLs ("http://127.0.0.1:2379"; "host:port" means http). At least one.
    std::vector<std::string> endpoints;
    // Cap on one exchange with one endpoint (the call's deadline caps it further), so a hung
    // member leaves time to fail over.
    absl::Duration request_timeout = absl::Seconds(2);
    absl::Duration connect_timeout = absl::Milliseconds(500);
    // A larger body is an OUT_OF_RANGE error (not retried on other members: they would
    // forward the same answer). Region-check bodies are exempt beyond their leading count.
    size_t max_response_bytes = 8 << 20;
    // A failed endpoint is tried last for this long (doubling per consecutive failure, ×16 max).
    absl::Duration endpoint_cooldown = absl::Seconds(3);
    // /config is fetched on the first Poll, then every this many Polls (and again after a
    // failure). 1 fetches it every time.
    int config_every = 20;
    bool poll_hotspots = false;
    // Also contact members' advertised client URLs that are not in `endpoints` (false when PD
    // advertises addresses this process cannot reach, e.g. behind port mapping).
    bool follow_advertised_urls = true;
  };

  // INVALID_ARGUMENT for no endpoints, a malformed URL, non-positive timeouts or
  // config_every < 1; INTERNAL when the HTTP client cannot be built.
  static absl::StatusOr<std::unique_ptr<PdClient>> Create(Options options);
  ~PdClient();
  PdClient(const PdClient&) = delete;
  PdClient& operator=(const PdClient&) = delete;

  // One observation cycle (see the file comment). Returns UNAVAILABLE (or DEADLINE_EXCEEDED
  // when the deadline ran out first) naming every endpoint tried and its error when no PD
  // endpoint answered at all; otherwise the view, with failed sources in PdView::errors.
  absl::StatusOr<PdView> Poll(absl::Time deadline);

  // GET `path` (e.g. "/pd/api/v1/store/4", query allowed) from the leader with failover;
  // returns the 2xx body. Errors: UNAVAILABLE / DEADLINE_EXCEEDED naming the endpoints tried;
  // a 4xx is final and mapped by http::StatusFromHttp with PD's error text (404 →
  // NOT_FOUND); OUT_OF_RANGE when the body exceeds max_response_bytes.
  absl::StatusOr<std::string> Get(absl::string_view path, absl::Time deadline);

  // The `count` of a RegionsInfo answer (/regions/check/<name>, /regions/count), reading only
  // as much of the body as needed.
  absl::StatusOr<uint64_t> GetRegionsCount(absl::string_view path, absl::Time deadline);

  // The endpoint the next request goes to first.
  std::string PreferredEndpoint() const;
  // The leader's endpoint as this client uses it; "" when unknown or unusable.
  std::string LeaderEndpoint() const;
  // HTTP exchanges attempted since creation.
  int64_t total_requests() const { return total_requests_.load(); }

 private:
  struct CallStats;
  struct Fetched;
  enum class BodyMode { kWhole, kLeadingCount };
  struct Attempt;

  PdClient(Options options, std::unique_ptr<http::Client> http);
  absl::StatusOr<Fetched> Fetch(absl::string_view path, BodyMode mode, absl::Time deadline,
                                CallStats* stats);
  Attempt Exchange(const std::string& base, absl::string_view path, BodyMode mode,
                   absl::Duration timeout) const;
  Attempt ExchangeWhole(const std::string& url, absl::Duration timeout) const;
  Attempt ExchangeLeadingCount(const std::string& url, absl::Duration timeout) const;
  bool ConfigDue();  // mu_ held; counts this poll

  const Options options_;
  const std::unique_ptr<http::Client> http_;
  std::atomic<int64_t> total_requests_{0};

  mutable std::mutex mu_;
  EndpointSet endpoints_;                // guarded by mu_
  int polls_since_config_ = 0;           // guarded by mu_
  std::optional<PdConfig> config_;       // guarded by mu_
  std::optional<absl::Time> config_at_;  // guarded by mu_
  bool config_failed_ = false;           // guarded by mu_
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_PD_CLIENT_H_
