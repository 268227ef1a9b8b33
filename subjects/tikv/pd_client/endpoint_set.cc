#include "subjects/tikv/pd_client/endpoint_set.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "subjects/tikv/pd_client/go_values.h"

namespace ops::tikv {

absl::StatusOr<std::string> NormalizePdEndpoint(absl::string_view url) {
  absl::string_view u = absl::StripAsciiWhitespace(url);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid PD endpoint ", internal::QuoteForError(url), ": ", why));
  };
  if (u.empty()) return bad("empty");
  std::string scheme = "http";
  if (size_t p = u.find("://"); p != absl::string_view::npos) {
    scheme = absl::AsciiStrToLower(u.substr(0, p));
    if (scheme != "http" && scheme != "https") return bad("scheme must be http or https");
    u.remove_prefix(p + 3);
  }
  while (absl::ConsumeSuffix(&u, "/")) {
  }
  if (u.empty()) return bad("no host");
  if (u.find('/') != absl::string_view::npos) return bad("must not have a path");
  return absl::StrCat(scheme, "://", u);
}

std::string OriginOf(absl::string_view url) {
  size_t p = url.find("://");
  if (p == absl::string_view::npos) return "";
  absl::string_view scheme = url.substr(0, p);
  if (!absl::EqualsIgnoreCase(scheme, "http") && !absl::EqualsIgnoreCase(scheme, "https")) {
    return "";
  }
  size_t end = url.find_first_of("/?#", p + 3);
  absl::string_view origin = url.substr(0, end);
  if (origin.size() == p + 3) return "";
  absl::StatusOr<std::string> n = NormalizePdEndpoint(origin);
  return n.ok() ? *n : "";
}

EndpointSet::EndpointSet(std::vector<std::string> configured, absl::Duration cooldown,
                         bool follow_advertised)
    : cooldown_(cooldown), follow_advertised_(follow_advertised) {
  for (std::string& url : configured) {
    if (Find(url) == nullptr) endpoints_.push_back({.url = std::move(url), .configured = true});
  }
}

EndpointSet::Endpoint* EndpointSet::Find(const std::string& url) {
  for (Endpoint& e : endpoints_) {
    if (e.url == url) return &e;
  }
  return nullptr;
}

const EndpointSet::Endpoint* EndpointSet::Find(const std::string& url) const {
  return const_cast<EndpointSet*>(this)->Find(url);
}

std::vector<std::string> EndpointSet::Order(absl::Time now) const {
  std::vector<std::string> order;
  std::vector<const Endpoint*> cooling;
  auto add = [&](const std::string& url) {
    const Endpoint* e = Find(url);
    if (e == nullptr) return;
    if (std::find(order.begin(), order.end(), url) != order.end()) return;
    if (e->cooling_until > now) {
      if (std::find(cooling.begin(), cooling.end(), e) == cooling.end()) cooling.push_back(e);
      return;
    }
    order.push_back(url);
  };
  add(leader_);
  add(last_good_);
  for (const Endpoint& e : endpoints_) add(e.url);
  // Cooling endpoints are a last resort, soonest-recovering first.
  std::stable_sort(cooling.begin(), cooling.end(), [](const Endpoint* a, const Endpoint* b) {
    return a->cooling_until < b->cooling_until;
  });
  for (const Endpoint* e : cooling) order.push_back(e->url);
  return order;
}

void EndpointSet::MarkGood(const std::string& url) {
  Endpoint* e = Find(url);
  if (e == nullptr) return;
  e->failures = 0;
  e->cooling_until = absl::InfinitePast();
  last_good_ = url;
}

void EndpointSet::MarkFailed(const std::string& url, absl::Time now) {
  Endpoint* e = Find(url);
  if (e == nullptr) return;
  e->failures = std::min(e->failures + 1, 5);
  e->cooling_until = now + cooldown_ * (1 << (e->failures - 1));
  if (last_good_ == url) last_good_.clear();
}

void EndpointSet::LearnMembers(const PdMembers& members) {
  // Discovered endpoints are exactly the current members' URLs; keep their cooldown state.
  std::vector<std::string> advertised;
  for (const PdMember& m : members.members) {
    for (const std::string& raw : m.client_urls) {
      absl::StatusOr<std::string> url = NormalizePdEndpoint(raw);
      if (url.ok()) advertised.push_back(*url);
    }
  }
  std::vector<Endpoint> kept;
  for (Endpoint& e : endpoints_) {
    bool member = std::find(advertised.begin(), advertised.end(), e.url) != advertised.end();
    if (e.configured || (follow_advertised_ && member)) kept.push_back(std::move(e));
  }
  endpoints_ = std::move(kept);
  if (follow_advertised_) {
    for (const std::string& url : advertised) {
      if (Find(url) == nullptr) endpoints_.push_back({.url = url});
    }
  }

  std::string previous = std::move(leader_);
  leader_.clear();
  if (!members.leader.has_value()) return;
  // Prefer a leader URL this client can use: a known endpoint (configured or followed).
  for (const std::string& raw : members.leader->client_urls) {
    absl::StatusOr<std::string> url = NormalizePdEndpoint(raw);
    if (url.ok() && Find(*url) != nullptr) {
      leader_ = *url;
      break;
    }
  }
  // News of a new leader outweighs its old failures (it may have been down while another
  // member led, or not yet listening at startup): it gets one fresh chance.
  if (!leader_.empty() && leader_ != previous) {
    Endpoint* e = Find(leader_);
    e->failures = 0;
    e->cooling_until = absl::InfinitePast();
  }
}

}  // namespace ops::tikv
