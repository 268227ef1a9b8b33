// tikv-sim: the CLI (up, down, status, fault) and, re-executed as `tikv-sim supervise`, the
// supervisor daemon. See cli.h and docs/tikv-sim.md.
#include <unistd.h>

#include <string>
#include <vector>

#include "subjects/tikv/sim/cluster/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  const std::string self = n > 0 ? std::string(buf, static_cast<size_t>(n)) : argv[0];
  return ops::sim::RunCli(args, self);
}
