// Test-only servers for what ops::http::Server cannot produce: a raw socket server that
// answers with canned bytes (garbage, or HTTP over a unix socket), and a helper that finds a
// loopback port nobody listens on. Used by client_test.cc.
#ifndef OPS_LIBS_HTTP_TEST_SERVERS_H_
#define OPS_LIBS_HTTP_TEST_SERVERS_H_

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace ops::http::testing {

// A loopback TCP port that was free a moment ago (bound, read, closed).
int UnusedPort();

// Accepts connections on 127.0.0.1:<port> or on a unix socket, reads each request head (up to
// the blank line), answers `reply` verbatim and closes. Thread-safe.
class RawServer {
 public:
  static absl::StatusOr<std::unique_ptr<RawServer>> Tcp(std::string reply);
  static absl::StatusOr<std::unique_ptr<RawServer>> Unix(std::string path, std::string reply);
  ~RawServer();

  int port() const { return port_; }
  // Request heads received so far.
  std::vector<std::string> requests() const;

 private:
  RawServer(int fd, int port, std::string reply);
  void Serve();

  const int fd_;
  const int port_;
  const std::string reply_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace ops::http::testing

#endif  // OPS_LIBS_HTTP_TEST_SERVERS_H_
