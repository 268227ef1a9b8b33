#include "libs/http/test_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ops::http::testing {
namespace {

absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::StatusOr<int> BindLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return Errno("bind");
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

int UnusedPort() {
  int port = 0;
  absl::StatusOr<int> fd = BindLoopback(&port);
  if (fd.ok()) close(*fd);
  return port;
}

absl::StatusOr<std::unique_ptr<RawServer>> RawServer::Tcp(std::string reply) {
  int port = 0;
  absl::StatusOr<int> fd = BindLoopback(&port);
  if (!fd.ok()) return fd.status();
  if (listen(*fd, 16) != 0) {
    close(*fd);
    return Errno("listen");
  }
  return std::unique_ptr<RawServer>(new RawServer(*fd, port, std::move(reply)));
}

absl::StatusOr<std::unique_ptr<RawServer>> RawServer::Unix(std::string path, std::string reply) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return absl::InvalidArgumentError("path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 16) != 0) {
    close(fd);
    return Errno("bind/listen unix");
  }
  return std::unique_ptr<RawServer>(new RawServer(fd, 0, std::move(reply)));
}

RawServer::RawServer(int fd, int port, std::string reply)
    : fd_(fd), port_(port), reply_(std::move(reply)), thread_([this] { Serve(); }) {}

RawServer::~RawServer() {
  shutdown(fd_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  close(fd_);
}

std::vector<std::string> RawServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void RawServer::Serve() {
  while (true) {
    int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return;  // shut down
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(conn, buf, sizeof(buf));
      if (n <= 0) break;
      head.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(head);
    }
    size_t sent = 0;
    while (sent < reply_.size()) {
      ssize_t n = send(conn, reply_.data() + sent, reply_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    close(conn);
  }
}

}  // namespace ops::http::testing
