// Test-only: a fake PD cluster of N members on loopback (libs/http servers), for
// pd_client_test.cc. Members answer /members, /leader and /health from the shared cluster
// state themselves (as real PD does); the leader serves every other /pd/api/v1 path from
// canned bodies, and a follower either answers as if it proxied to a live leader (real PD's
// behaviour), answers 5xx, or redirects. Members can be killed (their port then refuses) or
// slowed. Every request is logged per member. Thread-safe.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_FAKE_PD_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_FAKE_PD_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/http/server.h"

namespace ops::tikv::testing {

class FakePdCluster {
 public:
  enum class FollowerMode {
    kProxy,        // answer as the leader would; 503 "redirect to not leader" if it is dead
    kUnavailable,  // 503 for everything but /members, /leader, /health
    kRedirect,     // 307 with Location: <leader url><path>
  };

  static absl::StatusOr<std::unique_ptr<FakePdCluster>> Create(int members);
  ~FakePdCluster();

  std::string url(int i) const;
  std::vector<std::string> urls() const;
  std::string name(int i) const { return "pd" + std::to_string(i); }

  void SetLeader(int i);  // -1: no leader
  // Stops member i's server: its port refuses connections from then on.
  void Kill(int i);
  void SetFollowerMode(int i, FollowerMode mode);
  // The leader's answer for `path` ("/stores", without /pd/api/v1).
  void SetBody(const std::string& path, std::string body, int status = 200);
  // Member i waits this long before answering anything.
  void SetDelay(int i, absl::Duration delay);

  // Paths (without /pd/api/v1) member i was asked for, in order.
  std::vector<std::string> Requests(int i) const;
  void ClearRequests();

 private:
  struct Reply {
    int status = 200;
    std::string body;
  };
  struct MemberState {
    std::unique_ptr<http::Server> server;
    int port = 0;
    bool alive = true;
    FollowerMode mode = FollowerMode::kProxy;
    absl::Duration delay = absl::ZeroDuration();
    std::vector<std::string> requests;
  };

  FakePdCluster() = default;
  http::Response Handle(int i, const http::Request& req);
  std::string MembersBody() const;  // mu_ held
  std::string MemberJson(int i) const;
  std::string HealthBody() const;

  mutable std::mutex mu_;
  std::vector<MemberState> members_;
  int leader_ = 0;
  std::map<std::string, Reply> bodies_;
  absl::Notification stopping_;
};

// A /stores body with `n` Up stores.
std::string StoresBody(int n);
// A RegionsInfo body with `count` minimal regions (so it is about 120 bytes per region).
std::string RegionsBody(int count);

}  // namespace ops::tikv::testing

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_FAKE_PD_H_
