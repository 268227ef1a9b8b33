#include "libs/http/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/http/server.h"
#include "libs/http/test_servers.h"
#include "libs/status/status_matchers.h"

namespace ops::http {
namespace {

using ::ops::testing::IsOk;
using ::ops::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A one-shot latch a test opens; waiters give up after a generous safety bound.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Records the waits between attempts instead of sleeping.
struct SleepRecorder {
  std::mutex mu;
  std::vector<absl::Duration> delays;
  std::function<void(absl::Duration)> Fn() {
    return [this](absl::Duration d) {
      std::lock_guard<std::mutex> lock(mu);
      delays.push_back(d);
    };
  }
};

std::unique_ptr<Client> NewClient(Client::Options options = {}) {
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(std::move(options));
  EXPECT_THAT(client, IsOk());
  return client.ok() ? *std::move(client) : nullptr;
}

Client::Options NoRetry() {
  Client::Options options;
  options.retry.max_attempts = 1;
  return options;
}

std::unique_ptr<Server> StartServer(std::function<void(Server&)> routes) {
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Create({});
  EXPECT_THAT(server, IsOk());
  if (!server.ok()) return nullptr;
  routes(**server);
  EXPECT_THAT((*server)->Start(), IsOk());
  return *std::move(server);
}

std::string Url(int port, absl::string_view path) {
  return absl::StrCat("http://127.0.0.1:", port, path);
}

// A bare cpp-httplib server, for chunked responses and connection details our Server hides.
class RawHttplib {
 public:
  RawHttplib() = default;
  int Start() {
    port_ = server.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
    return port_;
  }
  ~RawHttplib() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

TEST(Client, CreateRejectsBadOptions) {
  Client::Options options;
  options.retry.max_attempts = 0;
  EXPECT_THAT(Client::Create(options), StatusIs(absl::StatusCode::kInvalidArgument));
  options = {};
  options.timeout = absl::ZeroDuration();
  EXPECT_THAT(Client::Create(options), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(Client, GetAndPostRoundTripWithHeaders) {
  auto server = StartServer([](Server& s) {
    s.Handle("GET", "/info", [](const Request& req) {
      Response res = Response::Text(absl::StrCat(
          req.Header("user-agent"), "|", req.Header("x-default"), "|", req.Header("x-call")));
      res.headers.emplace_back("X-Reply", "yes");
      return res;
    });
    s.Handle("PUT", "/items/(\\w+)", [](const Request& req) {
      return Response::Json(absl::StrCat(req.method, " ", req.captures[0], " ", req.body, " ",
                                         req.Header("content-type")));
    });
  });
  Client::Options options;
  options.default_headers = {{"X-Default", "d"}};
  auto client = NewClient(options);

  ASSERT_OK_AND_ASSIGN(ClientResponse get,
                       client->Get(Url(server->port(), "/info"), {.headers = {{"X-Call", "c"}}}));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "operator/0.1|d|c");
  EXPECT_EQ(get.Header("x-reply"), "yes");
  EXPECT_EQ(get.Header("X-REPLY"), "yes");
  EXPECT_EQ(get.Header("absent"), "");
  EXPECT_EQ(get.attempts, 1);
  EXPECT_GT(get.total_time, absl::ZeroDuration());

  ClientRequest put;
  put.method = "PUT";
  put.url = Url(server->port(), "/items/abc");
  put.body = "{}";
  put.content_type = "application/json";
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Fetch(put));
  EXPECT_EQ(r.body, "PUT abc {} application/json");
}

TEST(Client, DoReturnsNon2xxAndFetchMapsIt) {
  auto server = StartServer([](Server& s) {
    s.Handle("GET", "/missing", [](const Request&) { return Response::Text("no store 9", 404); });
  });
  auto client = NewClient(NoRetry());
  ClientRequest request;
  request.url = Url(server->port(), "/missing");
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Do(request));
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.body, "no store 9");
  EXPECT_THAT(client->Fetch(request),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("HTTP 404 from GET")));
  EXPECT_THAT(client->Get(request.url),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no store 9")));
}

TEST(Client, TimeoutIsDeadlineExceededWithinAboutTheTimeout) {
  Gate release;
  auto server = StartServer([&](Server& s) {
    s.Handle("GET", "/slow", [&](const Request&) {
      release.Wait();
      return Response::Text("late");
    });
  });
  auto client = NewClient(NoRetry());
  absl::Time start = absl::Now();
  absl::StatusOr<ClientResponse> r =
      client->Get(Url(server->port(), "/slow"), {.timeout = absl::Milliseconds(300)});
  absl::Duration took = absl::Now() - start;
  release.Open();
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("/slow")));
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(3));
}

TEST(Client, ConnectionRefusedIsUnavailableAndRetried) {
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  auto client = NewClient(options);
  EXPECT_THAT(client->Get(Url(testing::UnusedPort(), "/")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
  EXPECT_EQ(sleeps.delays.size(), 2u);
}

TEST(Client, MalformedResponseIsDataLossAndNotRetried) {
  ASSERT_OK_AND_ASSIGN(auto raw, testing::RawServer::Tcp("garbage that is not http\r\n\r\n"));
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  auto client = NewClient(options);
  EXPECT_THAT(client->Get(Url(raw->port(), "/")),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed HTTP response")));
  EXPECT_EQ(raw->requests().size(), 1u);
  EXPECT_TRUE(sleeps.delays.empty());
}

TEST(Client, OversizedBodyIsOutOfRangeNamingTheLimitAndNotRetried) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](Server& s) {
    s.Handle("GET", "/big", [&](const Request&) {
      ++calls;
      return Response::Text(std::string(1 << 20, 'x'));
    });
  });
  auto client = NewClient();
  EXPECT_THAT(client->Get(Url(server->port(), "/big"), {.max_response_bytes = 64 << 10}),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("limit of 65536 bytes")));
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(client->Get(Url(server->port(), "/big"), {.max_response_bytes = 2 << 20}), IsOk());
}

TEST(Client, EndlessChunkedBodyIsAbortedAtTheLimit) {
  RawHttplib raw;
  std::atomic<size_t> written{0};
  std::atomic<bool> write_failed{false};
  raw.server.Get("/endless", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      std::string chunk(1024, 'y');
      for (int i = 0; i < 100000; ++i) {  // 100 MiB if nobody stopped us
        if (!sink.write(chunk.data(), chunk.size())) {
          write_failed = true;
          return false;
        }
        written += chunk.size();
      }
      sink.done();
      return true;
    });
  });
  int port = raw.Start();
  auto client = NewClient(NoRetry());
  EXPECT_THAT(client->Get(Url(port, "/endless"), {.max_response_bytes = 64 << 10}),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("65536")));
  EXPECT_LT(written.load(), size_t{32} << 20);
}

TEST(Client, RetriesServiceUnavailableWithGrowingBackoff) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](Server& s) {
    s.Handle("GET", "/flaky", [&](const Request&) {
      return ++calls <= 2 ? Response::Text("busy", 503) : Response::Text("fine");
    });
  });
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  options.unit_random = [] { return 0.5; };
  auto client = NewClient(options);
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Get(Url(server->port(), "/flaky")));
  EXPECT_EQ(r.body, "fine");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(calls, 3);
  ASSERT_EQ(sleeps.delays.size(), 2u);
  EXPECT_GT(sleeps.delays[1], sleeps.delays[0]);
  EXPECT_EQ(sleeps.delays[0], options.retry.backoff.Delay(0, 0.5));
}

TEST(Client, PersistentServerErrorReturnsLastResponseFromDo) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](Server& s) {
    s.Handle("GET", "/down", [&](const Request&) {
      ++calls;
      return Response::Text("down", 502);
    });
  });
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  auto client = NewClient(options);
  ClientRequest request;
  request.url = Url(server->port(), "/down");
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Do(request));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.attempts, 3);
  absl::StatusOr<ClientResponse> fetched = client->Fetch(request);
  EXPECT_THAT(fetched, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 502")));
  EXPECT_EQ(calls, 6);
}

TEST(Client, HonoursRetryAfterUpToTheCap) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](Server& s) {
    s.Handle("GET", "/limited/(\\d+)", [&](const Request& req) {
      if (++calls % 2 == 1) {
        Response res = Response::Text("slow down", 429);
        res.headers.emplace_back("Retry-After", req.captures[0]);
        return res;
      }
      return Response::Text("ok");
    });
  });
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  options.retry.max_retry_after = absl::Seconds(10);
  auto client = NewClient(options);
  EXPECT_THAT(client->Get(Url(server->port(), "/limited/2")), IsOk());
  EXPECT_THAT(client->Get(Url(server->port(), "/limited/3600")), IsOk());
  EXPECT_THAT(sleeps.delays, ElementsAre(absl::Seconds(2), absl::Seconds(10)));
}

TEST(Client, ClientErrorsAreNotRetried) {
  std::atomic<int> calls{0};
  auto server = StartServer([&](Server& s) {
    s.Handle("POST", "/bad", [&](const Request&) {
      ++calls;
      return Response::Text("bad field", 400);
    });
  });
  SleepRecorder sleeps;
  Client::Options options;
  options.sleeper = sleeps.Fn();
  auto client = NewClient(options);
  EXPECT_THAT(client->Post(Url(server->port(), "/bad"), "{}", "application/json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad field")));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(sleeps.delays.empty());
}

TEST(Client, BadUrlsAreInvalidArgument) {
  auto client = NewClient(NoRetry());
  EXPECT_THAT(client->Get(""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client->Get("ftp://127.0.0.1/x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client->Get("http://[::1"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(Client, StreamDeliversChunksAsTheyArriveInOrder) {
  RawHttplib raw;
  Gate first_seen;
  raw.server.Get("/events", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/event-stream", [&](size_t, httplib::DataSink& sink) {
      std::string one = "data: one\n\n";
      if (!sink.write(one.data(), one.size())) return false;
      // The rest is sent only once the client has seen the first event: proves streaming.
      if (!first_seen.Wait()) return false;
      for (std::string s : {"data: two\n\n", "data: three\n\n"}) {
        if (!sink.write(s.data(), s.size())) return false;
      }
      sink.done();
      return true;
    });
  });
  int port = raw.Start();
  auto client = NewClient(NoRetry());
  std::string received;
  int chunks = 0;
  ClientRequest request;
  request.url = Url(port, "/events");
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Stream(request, [&](absl::string_view chunk) {
    received.append(chunk.data(), chunk.size());
    ++chunks;
    if (received == "data: one\n\n") first_seen.Open();
    return true;
  }));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/event-stream");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(received, "data: one\n\ndata: two\n\ndata: three\n\n");
  EXPECT_GE(chunks, 2);
}

TEST(Client, StreamAbortsWhenTheCallbackSaysSo) {
  RawHttplib raw;
  std::atomic<int> requests{0};
  raw.server.Get("/endless", [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      std::string chunk = "tick\n";
      for (int i = 0; i < 1000000; ++i) {
        if (!sink.write(chunk.data(), chunk.size())) return false;
      }
      sink.done();
      return true;
    });
  });
  int port = raw.Start();
  auto client = NewClient();  // retries on, yet an aborted stream is final
  int seen = 0;
  ClientRequest request;
  request.url = Url(port, "/endless");
  EXPECT_THAT(client->Stream(request,
                             [&](absl::string_view) {
                               ++seen;
                               return seen < 3;
                             }),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(requests, 1);
}

TEST(Client, StreamReportsNon2xxAsError) {
  auto server = StartServer([](Server& s) {
    s.Handle("GET", "/nope", [](const Request&) { return Response::Text("forbidden", 403); });
  });
  auto client = NewClient(NoRetry());
  bool called = false;
  ClientRequest request;
  request.url = Url(server->port(), "/nope");
  EXPECT_THAT(client->Stream(request,
                             [&](absl::string_view) {
                               called = true;
                               return true;
                             }),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("forbidden")));
  EXPECT_FALSE(called);
}

TEST(Client, TalksHttpOverAUnixSocket) {
  std::string path = absl::StrCat(::testing::TempDir(), "ops_http_", getpid(), ".sock");
  ASSERT_OK_AND_ASSIGN(
      auto raw,
      testing::RawServer::Unix(path,
                               "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\n"
                               "{\"Version\":1}"));
  Client::Options options = NoRetry();
  options.unix_socket_path = path;
  auto client = NewClient(options);
  ASSERT_OK_AND_ASSIGN(ClientResponse r, client->Get("http://docker/v1.41/version"));
  EXPECT_EQ(r.body, "{\"Version\":1}");
  ASSERT_EQ(raw->requests().size(), 1u);
  EXPECT_THAT(raw->requests()[0], StartsWith("GET /v1.41/version HTTP/1.1\r\n"));
  unlink(path.c_str());
}

TEST(Client, SequentialCallsReuseTheConnection) {
  RawHttplib raw;
  std::mutex mu;
  std::vector<int> ports;
  raw.server.Get("/poll", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    ports.push_back(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  int port = raw.Start();
  auto client = NewClient(NoRetry());
  for (int i = 0; i < 3; ++i) ASSERT_THAT(client->Get(Url(port, "/poll")), IsOk());
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0], ports[1]);
  EXPECT_EQ(ports[1], ports[2]);
}

TEST(Client, IsSafeToShareBetweenThreads) {
  auto server = StartServer([](Server& s) {
    s.Handle("POST", "/echo", [](const Request& req) { return Response::Text(req.body); });
  });
  Client::Options options = NoRetry();
  options.max_idle_handles = 2;  // forces handles to be freed and created under load
  auto client = NewClient(options);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string body = absl::StrCat(t, "-", i);
        absl::StatusOr<ClientResponse> r =
            client->Post(Url(server->port(), "/echo"), body, "text/plain");
        EXPECT_THAT(r, IsOk());
        if (r.ok() && r->body == body) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, 200);
}

}  // namespace
}  // namespace ops::http
