#include "libs/pg/pg_test_util.h"

#include <cstdlib>
#include <regex>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "pqxx/result"

namespace ops::pg::testing {

std::optional<std::string> TestDsn() {
  const char* dsn = std::getenv("OPS_TEST_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') return std::nullopt;
  return std::string(dsn);
}

TestSchema::TestSchema(const std::string& base_dsn, const std::string& prefix)
    : base_dsn_(base_dsn) {
  static std::atomic<int> counter{0};
  name_ = absl::AsciiStrToLower(absl::StrCat(prefix, "_", getpid(), "_", counter++));
  dsn_ = absl::StrCat(base_dsn, " options='-c search_path=", name_, "'");
  try {
    pqxx::connection conn(base_dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec(absl::StrCat("DROP SCHEMA IF EXISTS ", name_, " CASCADE"));
    tx.exec(absl::StrCat("CREATE SCHEMA ", name_));
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

TestSchema::~TestSchema() {
  try {
    pqxx::connection conn(base_dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec(absl::StrCat("DROP SCHEMA IF EXISTS ", name_, " CASCADE"));
  } catch (const std::exception&) {
    // Best effort: a leftover schema is dropped by the next run with the same name.
  }
}

std::string TestSchema::Query(const std::string& sql) const {
  pqxx::connection conn(dsn_);
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0].empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return 1;  // nothing listens on port 1 either, unprivileged
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::optional<ServerControl> TestServerControl() {
  std::optional<std::string> dsn = TestDsn();
  const char* ctl = std::getenv("OPS_TEST_PG_CTL");
  const char* dir = std::getenv("OPS_TEST_PG_DIR");
  std::smatch port;
  if (!dsn || ctl == nullptr || dir == nullptr ||
      !std::regex_search(*dsn, port, std::regex("port=([0-9]+)"))) {
    return std::nullopt;
  }
  return ServerControl{absl::StrCat(ctl, " stop ", dir),
                       absl::StrCat(ctl, " start ", dir, " ", port[1].str(), " >/dev/null")};
}

}  // namespace ops::pg::testing
