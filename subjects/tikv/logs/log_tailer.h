// Follows one TiKV or PD log file the way `tail -F` does, turning new lines into LogEvents and
// keeping the most recent ones in bounded rings for the evidence collector.
//
// The tailer has no thread: each Poll() reads what was appended since the last one, so callers
// (and tests) decide when reading happens. It copes with
//   - the file not existing yet (Poll() reads nothing until it appears),
//   - truncation (size below the read offset: start again at 0),
//   - rotation by rename (the path names another inode: drain the old file to its end, then open
//     the new one from its start); a file deleted and recreated looks the same, because the
//     tailer holds the old one open, so its inode cannot be reused meanwhile.
// Only complete lines are parsed; a partial last line waits for its newline. At a rotation the
// old file's unterminated tail is parsed as a line (nobody will finish it).
//
// Not detected: a file truncated and refilled past the old offset between two polls
// (copytruncate); lines written to the old file after the rotation was noticed.
//
//   ASSIGN_OR_RETURN(auto tailer, LogTailer::Create({.path = "/var/log/tikv.log",
//                                                    .source = "tikv-1"}));
//   RETURN_IF_ERROR(tailer->Poll().status());          // e.g. every second
//   for (const TailedEvent& e : tailer->RecentNotable(20)) ...
#ifndef OPS_SUBJECTS_TIKV_LOGS_LOG_TAILER_H_
#define OPS_SUBJECTS_TIKV_LOGS_LOG_TAILER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "subjects/tikv/logs/log_classifier.h"
#include "subjects/tikv/logs/log_event.h"

namespace ops::tikv {

// One parsed record as kept by a tailer.
struct TailedEvent {
  uint64_t seq = 0;  // 1, 2, ... in the order this tailer parsed records
  LogEvent event;
  std::optional<LogClassification> classification;  // Classify(event)
  bool notable = false;                             // IsNotable(event)
};

class LogTailer {
 public:
  struct Options {
    std::string path;                // Required.
    std::string source;              // name of this log, e.g. "tikv-1"; defaults to `path`
    size_t capacity = 1000;          // most recent records kept (all levels)
    size_t notable_capacity = 1000;  // most recent notable records kept (see IsNotable)
    // Skip what the file already holds when the first Poll() finds it (later files, after a
    // rotation or when the file appears later, are always read from the start).
    bool start_at_end = false;
    size_t max_line_bytes = 1 << 20;       // longer lines are dropped and counted as malformed
    size_t max_bytes_per_poll = 16 << 20;  // the rest is read by the next Poll()
  };

  // What one Poll() did.
  struct PollResult {
    size_t records = 0;       // lines parsed into events
    size_t malformed = 0;     // record lines that failed to parse, and over-long lines
    size_t continuation = 0;  // non-blank lines that do not start a record (not parsed)
    size_t blank = 0;
    bool reopened = false;   // a rotated or newly created file was opened
    bool truncated = false;  // the file shrank below the read offset
    bool more = false;       // max_bytes_per_poll was hit; poll again
  };

  // Totals since Create().
  struct Stats {
    uint64_t records = 0;
    uint64_t malformed = 0;
    uint64_t continuation = 0;
    uint64_t reopens = 0;
    uint64_t truncations = 0;
    std::string last_error;  // the latest parse error, "line text: status"
  };

  // Validates options (path non-empty, capacities > 0). Does not touch the file.
  static absl::StatusOr<std::unique_ptr<LogTailer>> Create(Options options);
  ~LogTailer();
  LogTailer(const LogTailer&) = delete;
  LogTailer& operator=(const LogTailer&) = delete;

  // Reads and parses what is new. A missing file is not an error (nothing is read); other I/O
  // failures (permission denied, ...) are UNAVAILABLE naming the path, and the next Poll()
  // retries. Safe to call concurrently with the accessors; concurrent Poll()s are serialised.
  absl::StatusOr<PollResult> Poll();

  // The last `n` records (fewer if fewer are kept), oldest first. Thread-safe.
  std::vector<TailedEvent> Recent(size_t n) const;
  // The last `n` notable records (WARN and above, or a known fault message), oldest first, from
  // their own ring, so chatty INFO lines cannot push them out. Thread-safe.
  std::vector<TailedEvent> RecentNotable(size_t n) const;
  // The last `n` kept records for which `keep` is true, oldest first. Thread-safe; `keep` runs
  // under the tailer's lock and must not call back into it.
  std::vector<TailedEvent> RecentMatching(
      size_t n, const std::function<bool(const TailedEvent&)>& keep) const;

  Stats stats() const;
  const std::string& source() const { return options_.source; }
  const std::string& path() const { return options_.path; }

 private:
  explicit LogTailer(Options options);

  absl::Status OpenIfPresent(bool skip_existing, PollResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::Status ReadToEnd(PollResult* result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  void ConsumeBytes(absl::string_view bytes, PollResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  void HandleLine(absl::string_view line, PollResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  void CloseFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);

  const Options options_;

  // File state, owned by Poll().
  absl::Mutex poll_mu_;
  int fd_ ABSL_GUARDED_BY(poll_mu_) = -1;
  dev_t dev_ ABSL_GUARDED_BY(poll_mu_) = 0;
  ino_t ino_ ABSL_GUARDED_BY(poll_mu_) = 0;
  off_t offset_ ABSL_GUARDED_BY(poll_mu_) = 0;
  bool opened_once_ ABSL_GUARDED_BY(poll_mu_) = false;
  std::string partial_ ABSL_GUARDED_BY(poll_mu_);      // bytes after the last newline
  bool discarding_ ABSL_GUARDED_BY(poll_mu_) = false;  // dropping bytes up to the next newline
  size_t budget_ ABSL_GUARDED_BY(poll_mu_) = 0;        // bytes this Poll() may still read

  // What the accessors read.
  mutable absl::Mutex mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<TailedEvent> recent_ ABSL_GUARDED_BY(mu_);
  std::deque<TailedEvent> notable_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_LOGS_LOG_TAILER_H_
