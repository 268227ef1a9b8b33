// PdClient::Poll: one observation cycle over a fixed list of PD sources.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/pd_client/pd_client.h"
#include "subjects/tikv/pd_client/pd_client_internal.h"
#include "subjects/tikv/pd_client/pd_parse.h"

namespace ops::tikv {
namespace {

constexpr absl::string_view kApi = "/pd/api/v1";

}  // namespace

bool PdClient::ConfigDue() {
  ++polls_since_config_;
  return !config_.has_value() || config_failed_ || polls_since_config_ >= options_.config_every;
}

absl::StatusOr<PdView> PdClient::Poll(absl::Time deadline) {
  PdView view;
  view.started = absl::Now();
  CallStats stats;
  bool config_due = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    config_due = ConfigDue();
  }
  // Set once a request found no endpoint answering: the rest of the cycle is not attempted,
  // so a dead PD costs one sweep over the endpoints, not one per source.
  absl::Status unreachable;

  auto fetch = [&](const std::string& source, BodyMode mode) -> absl::StatusOr<Fetched> {
    if (!unreachable.ok()) {
      return absl::Status(unreachable.code(),
                          "not attempted: no PD endpoint answered earlier in this cycle");
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("not attempted: the poll deadline passed");
    }
    absl::StatusOr<Fetched> f = Fetch(absl::StrCat(kApi, source), mode, deadline, &stats);
    if (!f.ok() && stats.none_answered) unreachable = f.status();
    return f;
  };
  auto fail = [&](const std::string& source, absl::Status status) {
    view.errors.push_back({source, std::move(status)});
  };
  // Fetches `source`, parses it with `parse` into `out` (a std::optional), or records why not.
  auto read = [&](const std::string& source, auto parse, auto& out) {
    absl::StatusOr<Fetched> f = fetch(source, BodyMode::kWhole);
    if (!f.ok()) return fail(source, f.status());
    auto parsed = internal::WithEndpoint(parse(f->body), f->endpoint);
    if (!parsed.ok()) return fail(source, parsed.status());
    out = *std::move(parsed);
  };

  // Members first: they say who leads, and the rest of the cycle goes there.
  read("/members", ParseMembers, view.members);
  if (view.members.has_value()) {
    std::lock_guard<std::mutex> lock(mu_);
    endpoints_.LearnMembers(*view.members);
  }
  if (view.members.has_value() && view.members->leader.has_value()) {
    view.leader_name = view.members->leader->name;
    if (!view.members->leader->client_urls.empty()) {
      view.leader_url = view.members->leader->client_urls.front();
    }
  }
  read("/health", ParseHealth, view.health);
  read("/stores", ParseStores, view.stores);
  read("/regions/count", ParseRegionsCount, view.region_count);

  PdRegionChecks& checks = view.region_checks;
  const std::pair<const char*, std::optional<uint64_t>*> kChecks[] = {
      {"miss-peer", &checks.miss_peer},       {"down-peer", &checks.down_peer},
      {"pending-peer", &checks.pending_peer}, {"offline-peer", &checks.offline_peer},
      {"extra-peer", &checks.extra_peer},     {"empty-region", &checks.empty_region}};
  for (const auto& [name, out] : kChecks) {
    std::string source = absl::StrCat("/regions/check/", name);
    absl::StatusOr<Fetched> f = fetch(source, BodyMode::kLeadingCount);
    if (!f.ok()) {
      fail(source, f.status());
      continue;
    }
    if (f->count.has_value()) {
      *out = f->count;
      continue;
    }
    absl::StatusOr<uint64_t> n = internal::WithEndpoint(ParseRegionsCount(f->body), f->endpoint);
    if (!n.ok()) {
      fail(source, n.status());
      continue;
    }
    *out = *n;
  }

  read("/cluster/status", ParseClusterStatus, view.cluster_status);

  if (config_due) {
    std::optional<PdConfig> fresh;
    read("/config", ParseConfig, fresh);
    std::lock_guard<std::mutex> lock(mu_);
    config_failed_ = !fresh.has_value();
    if (fresh.has_value()) {
      config_ = std::move(fresh);
      config_at_ = absl::Now();
      polls_since_config_ = 0;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    view.config = config_;
    view.config_fetched_at = config_at_;
  }

  if (options_.poll_hotspots) {
    read("/hotspot/regions/read", ParseHotspots, view.hot_read);
    read("/hotspot/regions/write", ParseHotspots, view.hot_write);
  }

  view.requests = stats.requests;
  view.answered_endpoints = stats.answered;
  view.endpoint = stats.last_endpoint;
  view.elapsed = absl::Now() - view.started;
  if (view.answered_endpoints.empty()) {
    // Nothing answered: there is no view, only the reason (naming every endpoint tried).
    if (!unreachable.ok()) return unreachable;
    if (!view.errors.empty()) return view.errors.front().status;
    return absl::DeadlineExceededError("PD poll: the deadline passed before any request");
  }
  return view;
}

}  // namespace ops::tikv
