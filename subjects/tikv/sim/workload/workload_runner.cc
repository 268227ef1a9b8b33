#include "subjects/tikv/sim/workload/workload_runner.h"

#include <random>
#include <variant>

#include "absl/strings/str_cat.h"
#include "libs/http/client.h"
#include "libs/log/log.h"
#include "subjects/tikv/sim/workload/key_codec.h"
#include "subjects/tikv/sim/workload/zipfian.h"

namespace ops::sim {

class WorkloadRunner::HttpTransport : public KvTransport {
 public:
  explicit HttpTransport(http::Client* client) : client_(client) {}
  absl::StatusOr<KvReply> Post(const std::string& addr, const std::string& path,
                               const std::string& body) override {
    http::ClientRequest req{.method = "POST",
                            .url = absl::StrCat("http://", addr, path),
                            .body = body,
                            .content_type = "application/json"};
    absl::StatusOr<http::ClientResponse> r = client_->Do(req);
    if (!r.ok()) return r.status();
    return KvReply{r->status, r->body};
  }

 private:
  http::Client* client_;
};

WorkloadRunner::WorkloadRunner(WorkloadOptions options, WorkloadMetrics* metrics)
    : options_(std::move(options)), metrics_(metrics), limiter_(options_.rate) {
  http::Client::Options o;
  o.timeout = absl::Seconds(2);
  o.connect_timeout = absl::Milliseconds(500);
  o.retry.max_attempts = 1;
  o.max_idle_handles = static_cast<size_t>(options_.concurrency) + 2;
  http_ = *http::Client::Create(o);
  transport_ = std::make_unique<HttpTransport>(http_.get());
  kv_ = std::make_unique<KvClient>(transport_.get(), 3);
  table_ = std::make_shared<RegionTable>();
}

WorkloadRunner::~WorkloadRunner() { Stop(); }

void WorkloadRunner::Start() {
  threads_.emplace_back([this] { Refresher(); });
  if (options_.rate <= 0) return;
  for (int i = 0; i < options_.concurrency; ++i) threads_.emplace_back([this, i] { Worker(i); });
}

void WorkloadRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

std::shared_ptr<const RegionTable> WorkloadRunner::Table() {
  std::lock_guard<std::mutex> lock(mu_);
  return table_;
}

absl::Status WorkloadRunner::Refresh() {
  absl::Status last = absl::UnavailableError("no PD endpoint");
  for (const std::string& pd : options_.pd_endpoints) {
    absl::StatusOr<http::ClientResponse> regions = http_->Get(pd + "/pd/api/v1/regions");
    if (!regions.ok()) {
      last = regions.status();
      continue;
    }
    absl::StatusOr<http::ClientResponse> stores = http_->Get(pd + "/pd/api/v1/stores");
    if (!stores.ok()) {
      last = stores.status();
      continue;
    }
    absl::StatusOr<RegionTable> t = RegionTable::Parse(regions->body, stores->body);
    if (!t.ok()) {
      last = t.status();
      continue;
    }
    metrics_->RecordRefresh();
    std::lock_guard<std::mutex> lock(mu_);
    table_ = std::make_shared<RegionTable>(*std::move(t));
    return absl::OkStatus();
  }
  return last;
}

void WorkloadRunner::Refresher() {
  const absl::Duration period =
      std::max(absl::Milliseconds(200), absl::Seconds(10) * options_.time_scale);
  const absl::Duration min_gap = std::max(absl::Milliseconds(50), period / 10);
  bool logged = false;
  for (;;) {
    absl::Status s = Refresh();
    if (!s.ok() && !logged) log::Warn("cannot load regions from PD", {{"error", s.ToString()}});
    logged = !s.ok();
    std::unique_lock<std::mutex> lock(mu_);
    // Wake early when an operation reports a stale table, but not more often than min_gap.
    cv_.wait_for(lock, absl::ToChronoNanoseconds(min_gap), [this] { return stopping_; });
    cv_.wait_for(lock, absl::ToChronoNanoseconds(period - min_gap),
                 [this] { return stopping_ || refresh_wanted_; });
    refresh_wanted_ = false;
    if (stopping_) return;
  }
}

std::string WorkloadRunner::PickHotKey(const RegionTable& table, const HotSpot& hot,
                                       uint64_t random) {
  const RegionRoute* region = hot.region_id ? table.FindRegion(hot.region_id) : nullptr;
  if (region == nullptr && hot.store_id) {
    std::vector<const RegionRoute*> led = table.LedBy(hot.store_id);
    if (!led.empty()) region = led[random % led.size()];
  }
  if (region == nullptr) return "";
  // A uniformly random key inside the region's range.
  auto decode = [](const std::string& hex, unsigned __int128 fallback) -> unsigned __int128 {
    if (hex.empty()) return fallback;
    uint64_t v = 0;
    for (size_t i = 0; i < 16 && i < hex.size(); ++i) {
      v = v * 16 + static_cast<uint64_t>(std::isdigit(hex[i]) ? hex[i] - '0' : hex[i] - 'A' + 10);
    }
    return v;
  };
  const unsigned __int128 lo = decode(region->start_key, 0);
  const unsigned __int128 hi = decode(region->end_key, static_cast<unsigned __int128>(1) << 64);
  if (hi <= lo) return region->start_key;
  return EncodeKey(static_cast<uint64_t>(lo + (random * 2654435761ULL) % (hi - lo)));
}

void WorkloadRunner::Worker(int index) {
  std::mt19937_64 rng(options_.seed * 1000003 + static_cast<uint64_t>(index));
  std::uniform_real_distribution<double> unit(0, 1);
  std::variant<ZipfianGenerator, UniformGenerator> gen =
      options_.zipfian ? std::variant<ZipfianGenerator, UniformGenerator>(
                             ZipfianGenerator(options_.keys, kZipfianTheta, rng()))
                       : std::variant<ZipfianGenerator, UniformGenerator>(
                             UniformGenerator(options_.keys, rng()));
  for (;;) {
    absl::Time slot;
    HotSpot hot;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_) return;
      slot = limiter_.Reserve(absl::Now());
      hot = hot_;
      const absl::Duration wait = slot - absl::Now();
      if (wait > absl::ZeroDuration() &&
          cv_.wait_for(lock, absl::ToChronoNanoseconds(wait), [this] { return stopping_; })) {
        return;
      }
    }
    std::shared_ptr<const RegionTable> table = Table();
    const bool is_read = unit(rng) < options_.read_ratio;
    std::string key;
    if (hot.fraction > 0 && absl::Now() < hot.expires && unit(rng) < hot.fraction) {
      key = PickHotKey(*table, hot, rng());
    }
    if (key.empty()) key = KeyForIndex(std::visit([](auto& g) { return g.Next(); }, gen));
    const absl::Time start = absl::Now();
    OpOutcome o = kv_->Execute(*table, is_read, key, EncodeKey(rng()));
    const absl::Time end = absl::Now();
    metrics_->Record(is_read ? "read" : "write", o.result, end - start, end);
    if (o.refresh) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        refresh_wanted_ = true;
      }
      cv_.notify_all();
    }
  }
}

absl::StatusOr<absl::Time> WorkloadRunner::SetHotSpot(const nlohmann::json& params,
                                                      absl::Duration ttl, absl::Time now) {
  if (!params.is_object()) return absl::InvalidArgumentError("params must be an object");
  if (ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl_ms must be > 0");
  HotSpot h;
  auto id = [&](const char* k) -> uint64_t {
    if (!params.contains(k) || !params[k].is_number_integer()) return 0;
    const int64_t v = params[k].get<int64_t>();
    return v > 0 ? static_cast<uint64_t>(v) : 0;
  };
  h.store_id = id("store_id");
  h.region_id = id("region_id");
  if (h.store_id == 0 && h.region_id == 0) {
    return absl::InvalidArgumentError("hot_region needs params.store_id or params.region_id");
  }
  h.fraction = params.contains("fraction") && params["fraction"].is_number()
                   ? params["fraction"].get<double>()
                   : 0.9;
  if (!(h.fraction > 0 && h.fraction <= 1)) {
    return absl::InvalidArgumentError("params.fraction must be in (0, 1]");
  }
  h.expires = now + ttl;
  std::lock_guard<std::mutex> lock(mu_);
  hot_ = h;
  return h.expires;
}

void WorkloadRunner::ClearHotSpot() {
  std::lock_guard<std::mutex> lock(mu_);
  hot_ = HotSpot{};
}

nlohmann::json WorkloadRunner::HotSpotJson(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json faults = nlohmann::json::array();
  if (hot_.fraction > 0 && now < hot_.expires) {
    nlohmann::json params = {{"fraction", hot_.fraction}};
    if (hot_.store_id) params["store_id"] = hot_.store_id;
    if (hot_.region_id) params["region_id"] = hot_.region_id;
    faults.push_back({{"kind", "hot_region"},
                      {"params", params},
                      {"expires_at_unix_ms", absl::ToUnixMillis(hot_.expires)}});
  }
  return {{"faults", faults}};
}

}  // namespace ops::sim
