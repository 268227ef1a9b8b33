// End-to-end: bad input gets the documented answers. PD: an unknown store is a 404 whose body
// is a bare JSON string (../shared/reference/tikv.md 1.1). Supervisor control endpoint:
// malformed requests are 400 with a JSON error naming the problem, an unknown target is 404.
// CLI: `tikv-sim up` on a base port in use exits 1 naming the port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/sim_cluster.h"

namespace ops::sim::e2e {
namespace {

using ::testing::HasSubstr;

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new SimCluster("bad_input");
    UpOptions o;
    o.pd = 1;
    o.rate = 0;
    up_ = cluster_->Up(o);
  }
  static void TearDownTestSuite() {
    cluster_->Down();
    if (!failed_) cluster_->RemoveDir();
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(up_.ok()) << up_.message(); }
  void TearDown() override { failed_ |= HasFailure(); }

  // POSTs `body` to the control endpoint; returns {status, parsed body}.
  std::pair<int, nlohmann::json> Control(const std::string& method, const std::string& path,
                                         const std::string& body) {
    absl::StatusOr<http::ClientResponse> r = cluster_->Send(
        method, absl::StrCat("http://127.0.0.1:", cluster_->ControlPort(), path), body);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return {-1, nullptr};
    nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "error body is not JSON: " << r->body;
    return {r->status, j};
  }
  void ExpectError(const std::pair<int, nlohmann::json>& got, int status,
                   const std::string& mentions) {
    EXPECT_EQ(got.first, status) << got.second.dump();
    ASSERT_TRUE(got.second.is_object()) << got.second.dump();
    EXPECT_TRUE(got.second.contains("error")) << got.second.dump();
    EXPECT_THAT(got.second.value("message", ""), HasSubstr(mentions));
  }

  static SimCluster* cluster_;
  static absl::Status up_;
  static bool failed_;
};

SimCluster* BadInputTest::cluster_ = nullptr;
absl::Status BadInputTest::up_;
bool BadInputTest::failed_ = false;

TEST_F(BadInputTest, PdUnknownStoreIsA404WithABareJsonString) {
  absl::StatusOr<http::ClientResponse> r =
      cluster_->Get(cluster_->PdUrl("pd-1") + "/pd/api/v1/store/99");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404);
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  ASSERT_TRUE(j.is_string()) << r->body;
  EXPECT_EQ(j.get<std::string>(), "[PD:core:ErrStoreNotFound]store 99 not found");
}

TEST_F(BadInputTest, ControlEndpointRejectsMalformedRequests) {
  ExpectError(Control("POST", "/sim/v1/faults", "this is not json"), 400, "not valid JSON");
  ExpectError(Control("POST", "/sim/v1/faults", "[1, 2]"), 400, "JSON object");
  ExpectError(Control("POST", "/sim/v1/faults", R"({"target": "store-1", "ttl_ms": 1000})"), 400,
              "kind");
  ExpectError(Control("POST", "/sim/v1/faults", R"({"kind": "store_kill", "target": "store-1"})"),
              400, "ttl_ms");
  ExpectError(Control("POST", "/sim/v1/faults",
                      R"({"kind": "store_kill", "target": "store-1", "ttl_ms": -5})"),
              400, "ttl_ms");
  ExpectError(Control("POST", "/sim/v1/faults",
                      R"({"kind": "meteor_strike", "target": "store-1", "ttl_ms": 1000})"),
              400, "meteor_strike");
  // A parameter the store itself refuses comes back as the store's reason, not as success.
  ExpectError(Control("POST", "/sim/v1/faults",
                      R"({"kind": "slow_disk", "target": "store-1", "ttl_ms": 1000,
                          "params": {"latency_ms": "slow"}})"),
              400, "store-1");
  // Nothing was injected by any of them.
  std::pair<int, nlohmann::json> list = Control("GET", "/sim/v1/faults", "");
  EXPECT_EQ(list.first, 200);
  for (const auto& f : list.second["faults"]) EXPECT_NE(f.value("state", ""), "active") << f;
}

TEST_F(BadInputTest, UnknownTargetsAndFaultIdsAre404) {
  ExpectError(Control("POST", "/sim/v1/faults",
                      R"({"kind": "store_kill", "target": "store-9", "ttl_ms": 1000})"),
              404, "store-9");
  ExpectError(Control("POST", "/sim/v1/faults",
                      R"({"kind": "slow_disk", "target": "pd-1", "ttl_ms": 1000})"),
              404, "pd-1");
  ExpectError(Control("DELETE", "/sim/v1/faults/f-999", ""), 404, "f-999");
  // The cluster is untouched.
  EXPECT_EQ(cluster_->StateName(1), "Up");
}

TEST(UpTest, BasePortInUseExitsOneNamingThePort) {
  // Hold a port so `up` finds it taken.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);

  SimCluster c("port_in_use");
  CommandResult r = RunCommand({BinDir() + "/tikv-sim", "up", "--dir", c.dir(), "--base-port",
                                absl::StrCat(port), "--time-scale", "0.05"},
                               absl::Seconds(30));
  close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(absl::StrCat("port ", port)));
  EXPECT_FALSE(std::filesystem::exists(c.dir() + "/cluster.json"))
      << "nothing should have been started";
  c.Down();
  c.RemoveDir();
}

}  // namespace
}  // namespace ops::sim::e2e
