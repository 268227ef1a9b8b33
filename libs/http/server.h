// Small HTTP server on cpp-httplib, for our own /metrics endpoints, webhook receivers and the
// simulator's APIs. Routes are registered before Start(); handlers run on the server's worker
// threads and must be thread-safe.
//
//   ASSIGN_OR_RETURN(auto server, Server::Create({.host = "127.0.0.1", .port = 0}));
//   server->Handle("GET", "/metrics", [&](const Request&) { return Response::Text(Render()); });
//   RETURN_IF_ERROR(server->Start());   // listens in the background
//   int port = server->port();          // the chosen port when 0 was asked
//   server->Stop();                     // idempotent; also done by the destructor
#ifndef OPS_LIBS_HTTP_SERVER_H_
#define OPS_LIBS_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::http {

struct Request {
  std::string method;
  std::string path;                               // without the query string
  std::map<std::string, std::string> query;       // first value of each parameter
  std::multimap<std::string, std::string> query_all;
  std::multimap<std::string, std::string> headers;  // names as sent
  std::string body;
  std::vector<std::string> captures;  // regex capture groups of the route pattern, in order
  std::string remote_addr;

  // Case-insensitive header lookup; empty when absent.
  std::string Header(absl::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Text(std::string body, int status = 200);
  static Response Json(std::string body, int status = 200);
};

using Handler = std::function<Response(const Request&)>;

class Server {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0 picks a free port; port() tells which
    absl::Duration read_timeout = absl::Seconds(5);
    absl::Duration write_timeout = absl::Seconds(5);
    size_t max_body_bytes = 8 << 20;  // larger request bodies get 413
    // Worker threads. Each serves one connection at a time, idle keep-alive ones included, so
    // size it to the number of clients that keep connections open concurrently.
    int threads = 4;
    // How long an idle keep-alive connection is held open (whole seconds, at least 1). Stop()
    // may wait this long for such a connection to notice (a cpp-httplib 0.11 limitation).
    absl::Duration keep_alive_timeout = absl::Seconds(1);
  };

  // Binds the listening socket. Fails with a message naming host and port when the port is in
  // use or the address is invalid (e.g. "cannot listen on 127.0.0.1:9100: address in use").
  static absl::StatusOr<std::unique_ptr<Server>> Create(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Registers a route; `method` is "GET", "POST", "PUT", "DELETE"; `pattern` is an ECMAScript
  // regex matched against the whole path (capture groups land in Request::captures). Call
  // before Start(). Unmatched paths answer 404; a handler that throws answers 500.
  void Handle(absl::string_view method, absl::string_view pattern, Handler handler);

  // Starts serving on a background thread. Call once.
  absl::Status Start();
  // Stops accepting, finishes in-flight requests and joins. Idempotent and thread-safe.
  void Stop();

  int port() const;
  std::string host() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ops::http

#endif  // OPS_LIBS_HTTP_SERVER_H_
