// Contract checks for tikv-sim's /metrics bodies and log files against the real TiKV/PD
// captures in ../shared/data and the v8.5.7 facts in ../shared/reference/tikv.md sections 2 and
// 4. Test-only: uses libs/prom's parser, which the simulator itself must never link.
//
//   std::vector<std::string> errors = CheckMetricsBody(body, Server::kTikv);
//   EXPECT_THAT(errors, IsEmpty());
#ifndef OPS_TESTS_PROMETHEUS_CONTRACT_CHECKS_H_
#define OPS_TESTS_PROMETHEUS_CONTRACT_CHECKS_H_

#include <string>
#include <vector>

namespace ops::sim_contract {

enum class Server { kTikv, kPd };

// Every violation of the exposition contract in `body` (empty when it holds): parses with
// libs/prom; families sorted, unique, each with HELP then TYPE and at least one series; labels
// sorted with `le` last; number style (TiKV: never an exponent; PD: Go's shortest %g); families
// present in the real v5.3 dump have its TYPE, HELP and label-name sets (except where
// reference section 2 records a v8.5.7 change), other families are listed in section 2.
std::vector<std::string> CheckMetricsBody(const std::string& body, Server server);

// Every violation in a unified-format log file's text: each line matches the format of
// reference section 4.1 and its message is one the real servers write (the v8.5.7 catalog or
// a real sample), at the catalog's level and from the catalog's source file. No exceptions.
std::vector<std::string> CheckLogText(const std::string& text, Server server);

// The text of a file under OPS_SHARED_DATA_DIR ("" when unreadable).
std::string ReadSharedData(const std::string& relative_path);

}  // namespace ops::sim_contract

#endif  // OPS_TESTS_PROMETHEUS_CONTRACT_CHECKS_H_
