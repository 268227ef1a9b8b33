#include "libs/http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/log/log.h"

namespace ops::http {
namespace {

constexpr size_t kKeepAliveMaxRequests = 1000;

std::chrono::microseconds ToChrono(absl::Duration d) {
  return std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

Request ToRequest(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [key, value] : in.params) {
    out.query.emplace(key, value);  // emplace keeps the first value of a repeated key
    out.query_all.emplace(key, value);
  }
  for (const auto& [key, value] : in.headers) out.headers.emplace(key, value);
  out.body = in.body;
  // matches[0] is the whole path; the groups follow.
  for (size_t i = 1; i < in.matches.size(); ++i) out.captures.push_back(in.matches[i].str());
  out.remote_addr = in.remote_addr;
  return out;
}

void FromResponse(Response in, httplib::Response& out) {
  out.status = in.status;
  for (const auto& [key, value] : in.headers) out.set_header(key, value);
  // Moved, not copied: region lists in the simulator's scale mode are hundreds of MB.
  out.body = std::move(in.body);
  out.set_header("Content-Type", in.content_type);
}

// Debian's cpp-httplib is built with brotli and gzip and compresses every text/JSON response
// whose request accepts it; brotli on a 2 MB /metrics body takes seconds. Our servers answer
// uncompressed, so the request's Accept-Encoding is dropped before the response is written.
// httplib owns the request as a non-const local, so removing the header is well defined.
void DisableCompression(const httplib::Request& req) {
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
}

void SetError(httplib::Response& res, int status, absl::string_view message) {
  res.status = status;
  res.set_content(std::string(message) + "\n", "text/plain; charset=utf-8");
}

}  // namespace

std::string Request::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

Response Response::Text(std::string body, int status) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::Json(std::string body, int status) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

struct Server::Impl {
  Options options;
  int port = 0;
  int listen_fd = -1;
  httplib::Server server;
  std::thread thread;
  std::mutex mu;  // guards started/stopped and the thread
  bool started = false;
  bool stopped = false;
  std::atomic<bool> listen_returned{false};
};

absl::StatusOr<std::unique_ptr<Server>> Server::Create(Options options) {
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("server threads must be >= 1, got ", options.threads));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  httplib::Server& s = impl->server;
  int threads = options.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_read_timeout(ToChrono(options.read_timeout));
  s.set_write_timeout(ToChrono(options.write_timeout));
  s.set_payload_max_length(options.max_body_bytes);
  s.set_keep_alive_timeout(
      std::max<time_t>(1, static_cast<time_t>(absl::ToInt64Seconds(options.keep_alive_timeout))));
  // httplib's default (5 requests per connection) would make a client polling every 250 ms
  // reconnect every 1.25 s.
  s.set_keep_alive_max_count(kKeepAliveMaxRequests);
  // Headers and body go out in separate writes; without this, Nagle and delayed ACKs add
  // 40 ms to many exchanges.
  s.set_tcp_nodelay(true);
  // Replaces httplib's default socket options, which set SO_REUSEPORT: with it a second server
  // binds a port already in use and the two silently share connections. SO_REUSEADDR alone
  // still allows a quick restart on the same port.
  int* listen_fd = &impl->listen_fd;
  s.set_socket_options([listen_fd](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listen_fd = sock;
  });
  size_t max_body = options.max_body_bytes;
  // Runs for every status >= 400; only fill in a body when the handler left none.
  s.set_error_handler(httplib::Server::HandlerWithResponse([max_body](const httplib::Request& req,
                                                                      httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) {
      SetError(res, 404, absl::StrCat("not found: ", req.method, " ", req.path));
    } else if (res.status == 413) {
      SetError(res, 413, absl::StrCat("request body exceeds the limit of ", max_body, " bytes"));
    } else {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  errno = 0;
  std::string where = absl::StrCat(options.host, ":", options.port);
  if (options.port == 0) {
    impl->port = s.bind_to_any_port(options.host);
  } else {
    impl->port = s.bind_to_port(options.host, options.port) ? options.port : -1;
  }
  if (impl->port <= 0) {
    int err = errno;
    std::string reason = err != 0 ? std::strerror(err) : "invalid address or bind failed";
    std::string message =
        absl::StrCat("cannot listen on ", where, ": ", absl::AsciiStrToLower(reason));
    if (err == EADDRINUSE) return absl::UnavailableError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::InvalidArgumentError(message);
  }
  // httplib 0.11 listens with a backlog of 5: a burst of connects overflows it and clients
  // wait a full SYN retransmit (1 s). Listening again on Linux only raises the backlog.
  if (impl->listen_fd >= 0) ::listen(impl->listen_fd, SOMAXCONN);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

void Server::Handle(absl::string_view method, absl::string_view pattern, Handler handler) {
  std::string what = absl::StrCat(method, " ", pattern);
  auto wrapped = [handler = std::move(handler), what](const httplib::Request& req,
                                                      httplib::Response& res) {
    DisableCompression(req);
    try {
      FromResponse(handler(ToRequest(req)), res);
    } catch (const std::exception& e) {
      ops::log::Error("http handler threw", {{"route", what}, {"error", e.what()}});
      SetError(res, 500, "internal server error");
    } catch (...) {
      ops::log::Error("http handler threw", {{"route", what}, {"error", "unknown exception"}});
      SetError(res, 500, "internal server error");
    }
  };
  httplib::Server& s = impl_->server;
  std::string p(pattern);
  std::string m = absl::AsciiStrToUpper(method);
  if (m == "GET") {
    s.Get(p, wrapped);
  } else if (m == "POST") {
    s.Post(p, wrapped);
  } else if (m == "PUT") {
    s.Put(p, wrapped);
  } else if (m == "DELETE") {
    s.Delete(p, wrapped);
  } else if (m == "PATCH") {
    s.Patch(p, wrapped);
  } else if (m == "OPTIONS") {
    s.Options(p, wrapped);
  } else {
    ops::log::Error("http route with unsupported method ignored", {{"route", what}});
  }
}

absl::Status Server::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->started || impl_->stopped) {
    return absl::FailedPreconditionError("http server already started or stopped");
  }
  impl_->started = true;
  Impl* impl = impl_.get();
  impl->thread = std::thread([impl] {
    if (!impl->server.listen_after_bind()) {
      ops::log::Error("http server stopped listening with an error",
                      {{"host", impl->options.host}, {"port", impl->port}});
    }
    impl->listen_returned = true;
  });
  // httplib's stop() is a no-op until the listen loop runs: wait for it so that a Stop()
  // right after Start() is never lost. There is no event to wait on; the loop starts within
  // microseconds.
  while (!impl->server.is_running() && !impl->listen_returned) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  if (impl->listen_returned) {
    return absl::InternalError(
        absl::StrCat("http server on ", impl->options.host, ":", impl->port, " failed to start"));
  }
  return absl::OkStatus();
}

void Server::Stop() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int Server::port() const { return impl_->port; }

std::string Server::host() const { return impl_->options.host; }

}  // namespace ops::http
