// The PD endpoints a PdClient knows and the order it tries them in: the member it believes is
// leader first, then the last endpoint that answered, then the configured endpoints, then
// members' advertised client URLs; an endpoint that just failed goes to the back for a cooldown
// that doubles with consecutive failures (capped at 16×), so a dead or hung leader costs one
// attempt per cooldown, not one per request. Time is passed in; no I/O.
//
// Thread-compatible: PdClient guards it with its mutex.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_ENDPOINT_SET_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_ENDPOINT_SET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "subjects/tikv/pd_client/pd_types.h"

namespace ops::tikv {

// "http://h:2379/" → "http://h:2379"; a bare "h:2379" gets "http://". INVALID_ARGUMENT when
// empty, with another scheme than http/https, without a host, or with a path.
absl::StatusOr<std::string> NormalizePdEndpoint(absl::string_view url);

// The scheme://host:port part of an absolute http(s) URL (a redirect's Location); "" otherwise.
std::string OriginOf(absl::string_view url);

class EndpointSet {
 public:
  // `configured` must already be normalised. `follow_advertised`: also contact members' and the
  // leader's advertised client URLs that are not configured.
  EndpointSet(std::vector<std::string> configured, absl::Duration cooldown, bool follow_advertised);

  // Every known endpoint, each once, in the order to try them at `now`.
  std::vector<std::string> Order(absl::Time now) const;

  // `url` answered (any HTTP status): it leaves cooldown and becomes the last good endpoint.
  void MarkGood(const std::string& url);
  // `url` could not be used (transport failure, 5xx): cooldown from `now`.
  void MarkFailed(const std::string& url, absl::Time now);

  // Learns members' client URLs and the leader from a /members answer. With no leader in it,
  // the previous leader belief is dropped. A leader that differs from the previous belief
  // leaves cooldown (the news outweighs its old failures).
  void LearnMembers(const PdMembers& members);

  const std::string& leader() const { return leader_; }
  const std::string& last_good() const { return last_good_; }

 private:
  struct Endpoint {
    std::string url;
    bool configured = false;
    int failures = 0;  // consecutive
    absl::Time cooling_until = absl::InfinitePast();
  };
  Endpoint* Find(const std::string& url);
  const Endpoint* Find(const std::string& url) const;

  absl::Duration cooldown_;
  bool follow_advertised_;
  std::vector<Endpoint> endpoints_;  // configured first, in order; then discovered
  std::string leader_;
  std::string last_good_;
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_ENDPOINT_SET_H_
