// Log files in TiKV/PD's unified log format (tikv/rfcs 2018-12-19-unified-log-format; see
// ../shared/reference/tikv.md section 4):
//   [2024/07/16 14:03:42.087 +00:00] [INFO] [raft.rs:1177] ["starting a new election"] [term=5]
// Message, keys and values are written raw unless they contain a byte <= 0x20, '"', '=', '[' or
// ']'; then they are JSON-encoded (TiKV formatter.rs need_json_encode). Message texts come from
// ../shared/data/logs/message-catalog.v8.5.7.tsv.
#ifndef OPS_SUBJECTS_TIKV_SIM_COMMON_UNIFIED_LOG_H_
#define OPS_SUBJECTS_TIKV_SIM_COMMON_UNIFIED_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::sim {

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Formats one line (without newline). `level` is DEBUG, INFO, WARN, ERROR or FATAL; `source` is
// "file.rs:line". The timestamp is printed in `tz` with its offset ("+08:00").
std::string FormatUnifiedLine(absl::Time t, absl::TimeZone tz, absl::string_view level,
                              absl::string_view source, absl::string_view message,
                              const LogFields& fields);

// Appends lines to a file. Thread-safe; each line is written whole and flushed.
class UnifiedLog {
 public:
  // Opens (creates or appends to) `path`. Fails with a message naming the path.
  static absl::StatusOr<std::unique_ptr<UnifiedLog>> Open(const std::string& path);
  ~UnifiedLog();

  void Write(absl::string_view level, absl::string_view source, absl::string_view message,
             const LogFields& fields = {});

 private:
  explicit UnifiedLog(std::FILE* file);
  std::mutex mu_;
  std::FILE* file_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_COMMON_UNIFIED_LOG_H_
