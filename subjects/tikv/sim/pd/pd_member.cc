#include "subjects/tikv/sim/pd/pd_member.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/status/status_macros.h"
#include "subjects/tikv/sim/pd/metrics_render.h"

namespace ops::sim {
namespace {

using json = nlohmann::json;

uint64_t Fnv64(absl::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

absl::StatusOr<std::pair<std::string, int>> HostPort(const std::string& url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat("URL must start with http://: ", url));
  }
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("URL needs host:port: ", url));
  }
  return std::make_pair(std::string(rest.substr(0, colon)), port);
}

http::Response JsonReply(int status, std::string body) { return http::Response::Json(body, status); }

}  // namespace

class PdMember::HttpTransport : public PeerTransport {
 public:
  explicit HttpTransport(PdMember* m) : m_(m) {}
  absl::StatusOr<VoteResponse> RequestVote(int peer, const VoteRequest& req) override {
    ASSIGN_OR_RETURN(json r, Call(peer, "/sim/v1/pd/vote",
                                  json{{"term", req.term}, {"candidate", req.candidate}}));
    return VoteResponse{r.value("term", uint64_t{0}), r.value("granted", false)};
  }
  absl::StatusOr<HeartbeatResponse> Heartbeat(int peer, const HeartbeatRequest& req) override {
    ASSIGN_OR_RETURN(json r, Call(peer, "/sim/v1/pd/heartbeat",
                                  json{{"term", req.term}, {"leader", req.leader},
                                       {"payload", req.payload}}));
    return HeartbeatResponse{r.value("term", uint64_t{0}), r.value("ok", false)};
  }

 private:
  absl::StatusOr<json> Call(int peer, const char* path, const json& body) {
    http::RequestOptions o;
    o.timeout = absl::Milliseconds(300);
    o.retry = http::RetryPolicy{.max_attempts = 1};
    ASSIGN_OR_RETURN(http::ClientResponse resp,
                     m_->client_->Post(m_->peers_[peer].peer_url + path, body.dump(),
                                       "application/json", o));
    json r = json::parse(resp.body, nullptr, false);
    if (r.is_discarded()) return absl::DataLossError("bad peer reply");
    if (r.contains("client_url")) {
      std::lock_guard<std::mutex> lock(m_->mu_);
      m_->peers_[peer].client_url = r["client_url"].get<std::string>();
    }
    return r;
  }
  PdMember* m_;
};

absl::StatusOr<std::unique_ptr<PdMember>> PdMember::Create(Options options) {
  std::vector<Peer> peers;
  int self = -1;
  if (options.scale_mode || options.initial_cluster.empty()) {
    options.initial_cluster = absl::StrCat(options.name, "=", options.peer_url);
  }
  for (absl::string_view item : absl::StrSplit(options.initial_cluster, ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--initial-cluster entries must be name=url, got '", item, "'"));
    }
    RETURN_IF_ERROR(HostPort(kv[1]).status());
    if (kv[0] == options.name) self = static_cast<int>(peers.size());
    peers.push_back({kv[0], kv[1], kv[0] == options.name ? options.client_url : ""});
  }
  if (self < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--initial-cluster does not name this member '", options.name, "'"));
  }
  auto m = std::unique_ptr<PdMember>(new PdMember(options, peers, self));
  ASSIGN_OR_RETURN(auto client_hp, HostPort(options.client_url));
  ASSIGN_OR_RETURN(auto peer_hp, HostPort(options.peer_url));
  ASSIGN_OR_RETURN(m->client_, http::Client::Create({}));
  http::Server::Options so;
  so.threads = 8;
  so.host = client_hp.first;
  so.port = client_hp.second;
  ASSIGN_OR_RETURN(m->client_server_, http::Server::Create(so));
  if (!options.scale_mode) {
    so.host = peer_hp.first;
    so.port = peer_hp.second;
    ASSIGN_OR_RETURN(m->peer_server_, http::Server::Create(so));
  } else {
    ASSIGN_OR_RETURN(m->scale_layout_,
                     BuildScaleCluster(options.scale, m->start_time_, &m->state_));
  }
  if (!options.log_file.empty()) {
    ASSIGN_OR_RETURN(m->log_, UnifiedLog::Open(options.log_file));
  }
  m->RegisterRoutes();
  return m;
}

PdMember::PdMember(Options options, std::vector<Peer> peers, int self)
    : options_(std::move(options)), peers_(std::move(peers)), self_(self) {
  cluster_id_ = options_.cluster_id != 0 ? options_.cluster_id
                                          : Fnv64(options_.initial_cluster) >> 1;
  start_time_ = absl::Now();
  const TimeScale& ts = options_.time_scale;
  ClusterState::Options so;
  so.disconnect_after = ts(absl::Seconds(20));
  so.unhealthy_after = ts(absl::Minutes(10));
  so.max_store_down_time = ts(options_.max_store_down_time);
  state_ = ClusterState(so);
  OperatorController::Options oo;
  oo.scale = ts;
  oo.monotonic_base = start_time_;
  operators_ = OperatorController(oo);
  Election::Options eo;
  // PD's own election runs on floors: at --time-scale 0.05 a 25 ms heartbeat and 250 ms lease
  // lose leadership whenever the machine is busy (seen under a parallel build), which would
  // fire PD_leader_change on a healthy cluster. Failover stays well under a second.
  eo.election_timeout = std::max(ts(absl::Seconds(3)), absl::Milliseconds(600));
  eo.heartbeat_interval = std::max(ts(absl::Milliseconds(500)), absl::Milliseconds(100));
  eo.lease = std::max(ts(absl::Seconds(5)), absl::Seconds(1));
  election_ = std::make_unique<Election>(self_, static_cast<int>(peers_.size()), eo,
                                         options_.seed, start_time_);
  transport_ = std::make_unique<HttpTransport>(this);
}

PdMember::~PdMember() { Stop(); }

void PdMember::Log(absl::string_view level, absl::string_view source, absl::string_view msg,
                   const LogFields& fields) {
  if (log_) log_->Write(level, source, msg, fields);
}

void PdMember::FlushSchedulerLogsLocked() {
  for (const PdLogLine& l : operators_.TakeLogs()) Log(l.level, l.source, l.message, l.fields);
}

absl::Status PdMember::Start() {
  if (peer_server_) RETURN_IF_ERROR(peer_server_->Start());
  RETURN_IF_ERROR(client_server_->Start());
  Log("INFO", "server.go:212", "init cluster id", {{"cluster-id", absl::StrCat(cluster_id_)}});
  loop_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void PdMember::Stop() {
  if (stop_.exchange(true)) return;
  if (loop_.joinable()) loop_.join();
  if (client_server_) client_server_->Stop();
  if (peer_server_) peer_server_->Stop();
}

void PdMember::Loop() {
  absl::Duration step = options_.time_scale(absl::Milliseconds(100));
  if (options_.scale_mode) {
    Log("INFO", "server.go:1778", "PD leader is ready to serve", {{"leader-name", options_.name}});
  }
  while (!stop_.load()) {
    Election::Events ev;
    if (options_.scale_mode) {
      std::lock_guard<std::mutex> lock(mu_);
      RefreshScaleHeartbeats(scale_layout_, absl::Now(), &state_);
    } else {
      ev = election_->Tick(absl::Now(), *transport_, [this] { return ReplicationPayload(); });
    }
    if (ev.became_leader) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++tso_events_;
      }
      Log("INFO", "server.go:1724", "campaign PD leader ok",
          {{"campaign-leader-name", options_.name}});
      Log("INFO", "server.go:1778", "PD leader is ready to serve", {{"leader-name", options_.name}});
    }
    if (ev.stepped_down) {
      Log("INFO", "server.go:1787",
          "no longer a leader because lease has expired, pd leader will step down", {});
    }
    if (!options_.scale_mode && !IsLeader()) {
      std::lock_guard<std::mutex> lock(mu_);
      operators_.Clear();  // operators live on the leader only, as in real PD
    }
    if (IsLeader()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!options_.scale_mode) {
        operators_.Schedule(state_, absl::Now());
        FlushSchedulerLogsLocked();
      }
      for (const auto& [id, s] : state_.stores()) {
        bool low = s.state != 2 && state_.IsLowSpace(s);
        auto it = std::find(low_space_logged_.begin(), low_space_logged_.end(), id);
        if (low && it == low_space_logged_.end()) {
          low_space_logged_.push_back(id);
          Log("WARN", "cluster.go:1086", "store does not have enough disk space",
              {{"store-id", absl::StrCat(id)}, {"capacity", absl::StrCat(s.capacity)},
               {"available", absl::StrCat(s.available)}});
        } else if (!low && it != low_space_logged_.end()) {
          low_space_logged_.erase(it);
        }
      }
    }
    absl::SleepFor(step);
  }
}

std::string PdMember::ReplicationPayload() {
  std::lock_guard<std::mutex> lock(mu_);
  json urls = json::array();
  for (const auto& p : peers_) urls.push_back(p.client_url);
  return json{{"state", state_.ToJson()}, {"client_urls", urls}}.dump();
}

void PdMember::ApplyReplication(const std::string& payload) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.contains("state")) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!state_.FromJson(j["state"]).ok()) return;
  if (j.contains("client_urls") && j["client_urls"].size() == peers_.size()) {
    for (size_t i = 0; i < peers_.size(); ++i) {
      std::string url = j["client_urls"][i].is_string() ? j["client_urls"][i].get<std::string>()
                                                         : "";
      if (!url.empty()) peers_[i].client_url = url;
    }
  }
}

PdView PdMember::ViewLocked() const {
  PdView v;
  v.cluster_id = cluster_id_;
  for (const auto& p : peers_) {
    MemberInfo m;
    m.name = p.name;
    m.member_id = Fnv64(p.name);
    m.peer_urls = {p.peer_url};
    if (!p.client_url.empty()) m.client_urls = {p.client_url};
    v.members.push_back(m);
  }
  v.leader_index = LeaderIndex();
  v.bootstrap_time = start_time_;
  v.lease = absl::Seconds(5);
  v.data_dir = options_.data_dir;
  v.initial_cluster = options_.initial_cluster;
  return v;
}

// The peer URL server (absent in scale mode): election, replication and heartbeats.
void PdMember::RegisterPeerRoutes() {
  auto self_url = [this] { return options_.client_url; };
  peer_server_->Handle("POST", "/sim/v1/pd/vote", [this, self_url](const http::Request& r) {
    json b = json::parse(r.body, nullptr, false);
    if (b.is_discarded()) return JsonReply(400, R"({"error":"bad json"})");
    VoteResponse resp = election_->OnVote(
        {b.value("term", uint64_t{0}), b.value("candidate", -1)}, absl::Now());
    return JsonReply(200, json{{"term", resp.term}, {"granted", resp.granted},
                               {"client_url", self_url()}}.dump());
  });
  peer_server_->Handle("POST", "/sim/v1/pd/heartbeat", [this, self_url](const http::Request& r) {
    json b = json::parse(r.body, nullptr, false);
    if (b.is_discarded()) return JsonReply(400, R"({"error":"bad json"})");
    HeartbeatResponse resp = election_->OnHeartbeat(
        {b.value("term", uint64_t{0}), b.value("leader", -1), ""}, absl::Now());
    if (resp.ok) ApplyReplication(b.value("payload", ""));
    return JsonReply(200, json{{"term", resp.term}, {"ok", resp.ok},
                               {"client_url", self_url()}}.dump());
  });
  auto not_leader = [this]() {
    int leader = election_->leader();
    std::string url = leader >= 0 ? peers_[leader].peer_url : "";
    return JsonReply(503, json{{"error", "not_leader"}, {"leader_peer_url", url}}.dump());
  };
  peer_server_->Handle("POST", "/sim/v1/store-heartbeat", [this, not_leader](const http::Request& r) {
    if (!election_->is_leader()) return not_leader();
    json b = json::parse(r.body, nullptr, false);
    if (b.is_discarded()) return JsonReply(400, R"({"error":"request body is not JSON"})");
    std::lock_guard<std::mutex> lock(mu_);
    auto res = state_.ApplyStoreHeartbeat(b, absl::Now());
    if (!res.ok()) {
      return JsonReply(400, json{{"error", std::string(res.status().message())}}.dump());
    }
    return JsonReply(200, R"({"ok": true})");
  });
  peer_server_->Handle("POST", "/sim/v1/region-heartbeat", [this, not_leader](const http::Request& r) {
    if (!election_->is_leader()) return not_leader();
    json b = json::parse(r.body, nullptr, false);
    if (b.is_discarded()) return JsonReply(400, R"({"error":"request body is not JSON"})");
    std::lock_guard<std::mutex> lock(mu_);
    auto res = state_.ApplyRegionHeartbeat(b);
    if (!res.ok()) {
      return JsonReply(400, json{{"error", std::string(res.status().message())}}.dump());
    }
    for (const LeaderChange& c : *res) {
      Log("INFO", "region.go:837", "leader changed",
          {{"region-id", absl::StrCat(c.region_id)}, {"from", absl::StrCat(c.from_store)},
           {"to", absl::StrCat(c.to_store)}});
    }
    // The answer carries schedule commands for regions this store leads, as PD pushes them
    // on TiKV's region heartbeat stream (docs/tikv-sim.md "Store -> PD").
    const absl::Time now = absl::Now();
    operators_.OnRegionHeartbeat(state_, now);
    std::vector<uint64_t> reported;
    for (const auto& r : b["regions"]) reported.push_back(r.value("id", uint64_t{0}));
    json commands = operators_.Commands(state_, b.value("store_id", uint64_t{0}), reported, now);
    FlushSchedulerLogsLocked();
    return JsonReply(200, json{{"ok", true}, {"commands", commands}}.dump());
  });
}

void PdMember::RegisterRoutes() {
  if (peer_server_) RegisterPeerRoutes();
  client_server_->Handle("GET", "/metrics", [this](const http::Request&) {
    PdMetricsInput in;
    in.is_leader = IsLeader();
    in.has_leader = LeaderIndex() >= 0;
    in.process_start = start_time_;
    std::lock_guard<std::mutex> lock(mu_);
    in.tso_save_events = tso_events_;
    http::Response resp = http::Response::Text(RenderPdMetrics(state_, absl::Now(), in));
    resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return resp;
  });
  for (const char* method : {"GET", "POST", "DELETE"}) {
    client_server_->Handle(method, "/pd/api/v1/.*",
                           [this](const http::Request& r) { return Public(r); });
  }
}

http::Response PdMember::Public(const http::Request& req) {
  // Answered by any member from its own knowledge.
  if (req.path == "/pd/api/v1/ping") return http::Response::Text("", 200);
  bool local = req.path == "/pd/api/v1/members" || req.path == "/pd/api/v1/leader" ||
               req.path == "/pd/api/v1/health";
  if (!local && !IsLeader() && req.Header("PD-Allow-follower-handle") != "true") {
    if (!req.Header("PD-Redirector").empty()) {
      return JsonReply(500, RenderBody(ojson("[PD:apiutil:ErrRedirect]redirect failed")));
    }
    int leader = election_->leader();
    std::string url;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (leader >= 0) url = peers_[leader].client_url;
    }
    if (url.empty()) {
      return JsonReply(503, RenderBody(ojson("[PD:apiutil:ErrRedirect]redirect to not leader")));
    }
    return Forward(req, url);
  }
  ApiReply reply;
  if (req.path == "/pd/api/v1/health") {
    std::vector<std::string> urls;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& p : peers_) urls.push_back(p.client_url);
    }
    std::vector<bool> healthy;
    http::RequestOptions o;
    o.timeout = absl::Milliseconds(500);
    o.retry = http::RetryPolicy{.max_attempts = 1};
    for (const auto& u : urls) {
      auto r = u.empty() ? absl::StatusOr<http::ClientResponse>(absl::UnavailableError(""))
                         : client_->Get(u + "/pd/api/v1/ping", o);
      healthy.push_back(r.ok());
    }
    std::lock_guard<std::mutex> lock(mu_);
    reply = RenderHealth(ViewLocked(), healthy);
  } else if (options_.scale_mode && req.method == "GET" && req.path == "/pd/api/v1/regions") {
    // The whole list takes seconds at a million regions; the region table is immutable and no
    // heartbeats arrive in scale mode, so it is rendered without holding mu_.
    reply = RenderRegions(state_);
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    reply = Dispatch(req, absl::Now());
  }
  http::Response resp = JsonReply(reply.status, std::move(reply.body));
  if (!reply.content_type.empty()) resp.content_type = reply.content_type;
  return resp;
}

http::Response PdMember::Forward(const http::Request& req, const std::string& leader_url) {
  std::string query;
  for (const auto& [k, v] : req.query_all) {
    absl::StrAppend(&query, query.empty() ? "?" : "&", k, "=", v);
  }
  http::ClientRequest out;
  out.method = req.method;
  out.url = leader_url + req.path + query;
  out.body = req.body;
  out.content_type = req.Header("Content-Type");
  out.options.retry = http::RetryPolicy{.max_attempts = 1};
  out.options.headers = {{"PD-Redirector", options_.name}};
  auto resp = client_->Do(out);
  if (!resp.ok()) {
    return JsonReply(500, RenderBody(ojson(absl::StrCat("[PD:apiutil:ErrRedirect]redirect failed: ",
                                                        resp.status().message()))));
  }
  http::Response r;
  r.status = resp->status;
  r.body = resp->body;
  r.content_type = resp->Header("Content-Type");
  return r;
}

ApiReply PdMember::Dispatch(const http::Request& req, absl::Time now) {
  absl::string_view p = req.path;
  absl::ConsumePrefix(&p, "/pd/api/v1");
  PdView view = ViewLocked();
  uint64_t id = 0;
  if (req.method != "GET") return ErrorReply(405, "method not allowed");
  if (p == "/stores") {
    std::vector<int> states;
    for (auto [it, end] = req.query_all.equal_range("state"); it != end; ++it) {
      int s = 0;
      if (!absl::SimpleAtoi(it->second, &s)) return ErrorReply(400, "state is not a number");
      states.push_back(s);
    }
    return RenderStores(state_, now, states);
  }
  if (absl::ConsumePrefix(&p, "/store/")) {
    if (!absl::SimpleAtoi(p, &id)) return ErrorReply(400, "invalid store id");
    return RenderStore(state_, now, id);
  }
  if (p == "/regions") return RenderRegions(state_);
  if (p == "/regions/count") return RenderRegionsCount(state_);
  if (p == "/regions/key") {
    auto get = [&](const char* name) {
      auto it = req.query.find(name);
      return it == req.query.end() ? std::string() : it->second;
    };
    return RenderRegionsByKey(state_, get("key"), get("end_key"), get("format"), get("limit"));
  }
  if (absl::ConsumePrefix(&p, "/region/id/")) {
    if (!absl::SimpleAtoi(p, &id)) return ErrorReply(400, "invalid region id");
    return RenderRegion(state_, id);
  }
  if (absl::ConsumePrefix(&p, "/regions/check/")) return RenderRegionCheck(state_, p);
  if (p == "/stats/region") return RenderStatsRegion(state_);
  if (p == "/members") return RenderMembers(view);
  if (p == "/leader") return RenderLeader(view);
  if (p == "/cluster") return RenderCluster(view);
  if (p == "/cluster/status") return RenderClusterStatus(view);
  if (p == "/config") return RenderConfig(state_, view, self_);
  if (p == "/config/schedule") return RenderScheduleConfig(state_);
  if (p == "/hotspot/regions/write") return RenderHotspot(state_, true);
  if (p == "/hotspot/regions/read") return RenderHotspot(state_, false);
  if (p == "/schedulers") return RenderSchedulers();
  if (p == "/operators") {
    auto kind = req.query.find("kind");
    return RenderOperators(
        operators_.OperatorStrings(kind == req.query.end() ? "" : kind->second));
  }
  return {404, "404 page not found\n"};
}

}  // namespace ops::sim
