#include "subjects/tikv/pd_client/fake_pd.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ops::tikv::testing {
namespace {

constexpr absl::string_view kApi = "/pd/api/v1";

std::string DefaultConfig() {
  return R"({"name":"pd","lease":5,"schedule":{"max-store-down-time":"1m30s",)"
         R"("low-space-ratio":0.8,"high-space-ratio":0.7},)"
         R"("replication":{"max-replicas":3,"location-labels":"","enable-placement-rules":"true"},)"
         R"("cluster-version":"8.5.7"})";
}

std::string HotBody() {
  return R"({"as_peer":{"1":{"store_bytes":10,"store_keys":1,"store_query":0,)"
         R"("total_flow_bytes":10,"total_flow_keys":1,"total_flow_query":0,"regions_count":1}},)"
         R"("as_leader":{}})";
}

}  // namespace

std::string StoresBody(int n) {
  std::string stores;
  for (int i = 1; i <= n; ++i) {
    absl::StrAppend(&stores, i > 1 ? "," : "", R"({"store":{"id":)", i, R"(,"address":"127.0.0.1:)",
                    20160 + i,
                    R"(","state_name":"Up"},"status":{"capacity":"100GiB","available":"50GiB",)"
                    R"("used_size":"1.5GiB","leader_count":3,"region_count":9,)"
                    R"("start_ts":"2024-12-25T03:05:03Z","uptime":"1m30s"}})");
  }
  return absl::StrCat(R"({"count":)", n, R"(,"stores":[)", stores, "]}");
}

std::string RegionsBody(int count) {
  std::string out = absl::StrCat("{\"count\":", count, ",\"regions\":[");
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&out, i ? "," : "", R"({"id":)", i + 2,
                    R"(,"start_key":"","end_key":"","epoch":{},"leader":{"role_name":""},)"
                    R"("approximate_size":1,"approximate_keys":0})");
  }
  out.append("]}");
  return out;
}

absl::StatusOr<std::unique_ptr<FakePdCluster>> FakePdCluster::Create(int members) {
  std::unique_ptr<FakePdCluster> c(new FakePdCluster());
  c->members_.resize(static_cast<size_t>(members));
  c->bodies_ = {
      {"/stores", {200, StoresBody(3)}},
      {"/regions/count", {200, R"({"count":42,"regions":null})"}},
      {"/cluster/status",
       {200, R"({"raft_bootstrap_time":"2024-12-25T03:05:03.5+08:00",)"
             R"("is_initialized":true,"replication_status":""})"}},
      {"/config", {200, DefaultConfig()}},
      {"/hotspot/regions/read", {200, HotBody()}},
      {"/hotspot/regions/write", {200, HotBody()}},
  };
  for (const char* check :
       {"miss-peer", "down-peer", "pending-peer", "offline-peer", "extra-peer", "empty-region"}) {
    c->bodies_[absl::StrCat("/regions/check/", check)] = {200, RegionsBody(1)};
  }
  for (int i = 0; i < members; ++i) {
    absl::StatusOr<std::unique_ptr<http::Server>> s =
        http::Server::Create({.host = "127.0.0.1", .port = 0, .threads = 8});
    if (!s.ok()) return s.status();
    FakePdCluster* self = c.get();
    for (const char* method : {"GET", "POST"}) {
      (*s)->Handle(method, "/pd/api/v1/.*",
                   [self, i](const http::Request& r) { return self->Handle(i, r); });
    }
    if (absl::Status st = (*s)->Start(); !st.ok()) return st;
    c->members_[i].port = (*s)->port();
    c->members_[i].server = std::move(*s);
  }
  return c;
}

FakePdCluster::~FakePdCluster() {
  stopping_.Notify();
  for (MemberState& m : members_) {
    if (m.server) m.server->Stop();
  }
}

std::string FakePdCluster::url(int i) const {
  return absl::StrCat("http://127.0.0.1:", members_[i].port);
}

std::vector<std::string> FakePdCluster::urls() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < members_.size(); ++i) out.push_back(url(static_cast<int>(i)));
  return out;
}

void FakePdCluster::SetLeader(int i) {
  std::lock_guard<std::mutex> lock(mu_);
  leader_ = i;
}

void FakePdCluster::Kill(int i) {
  std::unique_ptr<http::Server> server;
  {
    std::lock_guard<std::mutex> lock(mu_);
    members_[i].alive = false;
    server = std::move(members_[i].server);
  }
  if (server) server->Stop();  // outside mu_: in-flight handlers take it
}

void FakePdCluster::SetFollowerMode(int i, FollowerMode mode) {
  std::lock_guard<std::mutex> lock(mu_);
  members_[i].mode = mode;
}

void FakePdCluster::SetBody(const std::string& path, std::string body, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  bodies_[path] = {status, std::move(body)};
}

void FakePdCluster::SetDelay(int i, absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  members_[i].delay = delay;
}

std::vector<std::string> FakePdCluster::Requests(int i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return members_[i].requests;
}

void FakePdCluster::ClearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  for (MemberState& m : members_) m.requests.clear();
}

std::string FakePdCluster::MemberJson(int i) const {
  return absl::StrCat(R"({"name":")", name(i), R"(","member_id":)", 100 + i,
                      R"(,"peer_urls":["http://127.0.0.1:1"],"client_urls":[")", url(i),
                      R"("],"binary_version":"v8.5.7"})");
}

std::string FakePdCluster::MembersBody() const {
  std::string list;
  for (size_t i = 0; i < members_.size(); ++i) {
    absl::StrAppend(&list, i ? "," : "", MemberJson(static_cast<int>(i)));
  }
  std::string out = absl::StrCat(R"({"header":{"cluster_id":7},"members":[)", list, "]");
  if (leader_ >= 0) {
    absl::StrAppend(&out, R"(,"leader":)", MemberJson(leader_), R"(,"etcd_leader":)",
                    MemberJson(leader_));
  }
  return out + "}";
}

std::string FakePdCluster::HealthBody() const {
  std::string out = "[";
  for (size_t i = 0; i < members_.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", R"({"name":")", name(static_cast<int>(i)),
                    R"(","member_id":)", 100 + i, R"(,"client_urls":[")", url(static_cast<int>(i)),
                    R"("],"health":)", members_[i].alive ? "true" : "false", "}");
  }
  return out + "]";
}

http::Response FakePdCluster::Handle(int i, const http::Request& req) {
  absl::string_view path = req.path;
  absl::ConsumePrefix(&path, kApi);
  absl::Duration delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    members_[i].requests.emplace_back(path);
    delay = members_[i].delay;
  }
  if (delay > absl::ZeroDuration()) stopping_.WaitForNotificationWithTimeout(delay);

  std::lock_guard<std::mutex> lock(mu_);
  if (path == "/members") return http::Response::Json(MembersBody());
  if (path == "/health") return http::Response::Json(HealthBody());
  if (path == "/leader") {
    if (leader_ < 0) return http::Response::Json("\"no leader\"", 500);
    return http::Response::Json(MemberJson(leader_));
  }
  bool leader_alive = leader_ >= 0 && members_[leader_].alive;
  if (i != leader_) {
    switch (members_[i].mode) {
      case FollowerMode::kProxy:
        if (!leader_alive) {
          return http::Response::Json("\"[PD:apiutil:ErrRedirect]redirect to not leader\"", 503);
        }
        break;
      case FollowerMode::kUnavailable:
        return http::Response::Json("\"[PD:apiutil:ErrRedirect]redirect failed\"", 503);
      case FollowerMode::kRedirect: {
        http::Response r = http::Response::Text("", 307);
        if (leader_ >= 0) r.headers.emplace_back("Location", url(leader_) + req.path);
        return r;
      }
    }
  }
  auto it = bodies_.find(std::string(path));
  if (it == bodies_.end()) return http::Response::Text("404 page not found\n", 404);
  return http::Response::Json(it->second.body, it->second.status);
}

}  // namespace ops::tikv::testing
