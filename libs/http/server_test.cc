#include "libs/http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/http/client.h"
#include "libs/status/status_matchers.h"

namespace ops::http {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<Client> NewClient() {
  Client::Options options;
  options.retry.max_attempts = 1;
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  EXPECT_THAT(client, IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

std::string Url(const Server& server, absl::string_view path) {
  return absl::StrCat("http://127.0.0.1:", server.port(), path);
}

TEST(Server, PicksAPortAndServesRoutes) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->host(), "127.0.0.1");
  server->Handle("GET", "/hello", [](const Request& req) {
    return Response::Text(absl::StrCat("hi ", req.query.at("name"), " ", req.Header("x-ID")));
  });
  server->Handle("POST", "/echo", [](const Request& req) {
    Response res = Response::Json(req.body, 201);
    res.headers.emplace_back("X-Seen-Type", req.Header("content-type"));
    return res;
  });
  ASSERT_THAT(server->Start(), IsOk());
  auto client = NewClient();

  ASSERT_OK_AND_ASSIGN(ClientResponse get, client->Get(Url(*server, "/hello?name=pd&name=tikv"),
                                                       {.headers = {{"X-Id", "7"}}}));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hi pd 7");
  EXPECT_EQ(get.Header("content-type"), "text/plain; charset=utf-8");

  ASSERT_OK_AND_ASSIGN(ClientResponse post,
                       client->Post(Url(*server, "/echo"), R"({"a":1})", "application/json"));
  EXPECT_EQ(post.status, 201);
  EXPECT_EQ(post.body, R"({"a":1})");
  EXPECT_EQ(post.Header("Content-Type"), "application/json");
  EXPECT_EQ(post.Header("x-seen-type"), "application/json");
  server->Stop();
  server->Stop();  // idempotent
}

TEST(Server, AnswersUncompressedWhateverTheClientAccepts) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  std::string body(256 << 10, 'x');  // compressible, large enough that httplib would compress
  server->Handle("GET", "/metrics", [&](const Request&) { return Response::Text(body); });
  ASSERT_THAT(server->Start(), IsOk());
  auto client = NewClient();
  for (const char* accept : {"br, gzip, deflate", "gzip"}) {
    ASSERT_OK_AND_ASSIGN(ClientResponse res, client->Get(Url(*server, "/metrics"),
                                                         {.headers = {{"Accept-Encoding", accept}}}));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("Content-Encoding"), "") << accept;
    EXPECT_EQ(res.body.size(), body.size());
  }
}

TEST(Server, PortInUseNamesHostAndPort) {
  ASSERT_OK_AND_ASSIGN(auto first, Server::Create({}));
  absl::StatusOr<std::unique_ptr<Server>> second =
      Server::Create({.host = "127.0.0.1", .port = first->port()});
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kUnavailable,
                               HasSubstr(absl::StrCat("127.0.0.1:", first->port()))));
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(Server, InvalidHostIsAnError) {
  EXPECT_THAT(Server::Create({.host = "not-an-address.invalid", .port = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not-an-address.invalid")));
}

TEST(Server, UnknownPathIs404) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  server->Handle("GET", "/known", [](const Request&) { return Response::Text("ok"); });
  ASSERT_THAT(server->Start(), IsOk());
  ASSERT_OK_AND_ASSIGN(ClientResponse r, NewClient()->Do({.url = Url(*server, "/unknown")}));
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("not found: GET /unknown"));
}

TEST(Server, HandlerErrorBodyIsKept) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  server->Handle("GET", "/gone", [](const Request&) { return Response::Text("custom", 404); });
  ASSERT_THAT(server->Start(), IsOk());
  ASSERT_OK_AND_ASSIGN(ClientResponse r, NewClient()->Do({.url = Url(*server, "/gone")}));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "custom");
}

TEST(Server, HandlerExceptionIs500) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  server->Handle("GET", "/boom",
                 [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
  ASSERT_THAT(server->Start(), IsOk());
  ASSERT_OK_AND_ASSIGN(ClientResponse r, NewClient()->Do({.url = Url(*server, "/boom")}));
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("internal server error"));
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("secret")));
}

TEST(Server, BodyOverLimitIs413) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({.max_body_bytes = 1024}));
  std::atomic<int> calls{0};
  server->Handle("POST", "/in", [&](const Request&) {
    ++calls;
    return Response::Text("ok");
  });
  ASSERT_THAT(server->Start(), IsOk());
  auto client = NewClient();
  absl::StatusOr<ClientResponse> r =
      client->Post(Url(*server, "/in"), std::string(4096, 'x'), "text/plain");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("HTTP 413")));
  EXPECT_THAT(r.status().message(), HasSubstr("1024 bytes"));
  EXPECT_EQ(calls, 0);
  EXPECT_THAT(client->Post(Url(*server, "/in"), std::string(100, 'x'), "text/plain"), IsOk());
}

TEST(Server, RegexCapturesReachTheHandler) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  server->Handle("GET", R"(/stores/(\d+)/regions/(\w+))", [](const Request& req) {
    return Response::Text(absl::StrCat(req.captures.size(), ":", req.captures[0], ",",
                                       req.captures[1], " ", req.path));
  });
  ASSERT_THAT(server->Start(), IsOk());
  auto client = NewClient();
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Get(Url(*server, "/stores/4/regions/abc")));
  EXPECT_EQ(r.body, "2:4,abc /stores/4/regions/abc");
  EXPECT_THAT(client->Get(Url(*server, "/stores/x/regions/abc")),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(Server, StartTwiceFailsAndStopWithoutStartIsFine) {
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
  ASSERT_THAT(server->Start(), IsOk());
  EXPECT_THAT(server->Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
  server->Stop();
  ASSERT_OK_AND_ASSIGN(auto idle, Server::Create({}));
  idle->Stop();
}

TEST(Server, StopRightAfterStartReturns) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(auto server, Server::Create({}));
    ASSERT_THAT(server->Start(), IsOk());
    server->Stop();
  }
}

TEST(Server, ServesConcurrentRequestsFromEightThreads) {
  // One worker per client connection: httplib holds a worker for each open keep-alive
  // connection, so fewer workers than concurrent clients serialises them on idle timeouts.
  ASSERT_OK_AND_ASSIGN(auto server, Server::Create({.threads = 8}));
  std::atomic<int> served{0};
  server->Handle("GET", "/n/(\\d+)", [&](const Request& req) {
    ++served;
    return Response::Text(req.captures[0]);
  });
  ASSERT_THAT(server->Start(), IsOk());
  auto client = NewClient();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string n = absl::StrCat(t * 1000 + i);
        absl::StatusOr<ClientResponse> r = client->Get(Url(*server, absl::StrCat("/n/", n)));
        if (r.ok() && r->body == n) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, kThreads * kPerThread);
  EXPECT_EQ(served, kThreads * kPerThread);
  server->Stop();
}

}  // namespace
}  // namespace ops::http
