// Incremental reader of one unified-log file; see log_tailer.h.
#include "subjects/tikv/logs/log_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/status/status_macros.h"
#include "subjects/tikv/logs/log_parser.h"

namespace ops::tikv {
namespace {

constexpr size_t kReadChunk = 64 << 10;
constexpr size_t kErrorLineBytes = 200;  // how much of a bad line Stats::last_error quotes

absl::Status IoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

template <typename T>
void PushBounded(std::deque<T>& ring, size_t capacity, T value) {
  ring.push_back(std::move(value));
  while (ring.size() > capacity) ring.pop_front();
}

std::vector<TailedEvent> LastN(const std::deque<TailedEvent>& ring, size_t n) {
  const size_t take = std::min(n, ring.size());
  return std::vector<TailedEvent>(ring.end() - static_cast<std::ptrdiff_t>(take), ring.end());
}

}  // namespace

absl::StatusOr<std::unique_ptr<LogTailer>> LogTailer::Create(Options options) {
  if (options.path.empty()) return absl::InvalidArgumentError("log tailer: path is required");
  if (options.capacity == 0 || options.notable_capacity == 0) {
    return absl::InvalidArgumentError("log tailer: capacities must be positive");
  }
  if (options.max_line_bytes == 0 || options.max_bytes_per_poll == 0) {
    return absl::InvalidArgumentError("log tailer: byte limits must be positive");
  }
  if (options.source.empty()) options.source = options.path;
  return std::unique_ptr<LogTailer>(new LogTailer(std::move(options)));
}

LogTailer::LogTailer(Options options) : options_(std::move(options)) {}

LogTailer::~LogTailer() {
  absl::MutexLock lock(&poll_mu_);
  CloseFile();
}

void LogTailer::CloseFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  partial_.clear();
  discarding_ = false;
}

absl::Status LogTailer::OpenIfPresent(bool skip_existing, PollResult* result) {
  int fd = ::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::OkStatus();  // not there yet, or between rename and create
    return IoError("cannot open log", options_.path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    absl::Status status = IoError("cannot stat log", options_.path);
    ::close(fd);
    return status;
  }
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  partial_.clear();
  discarding_ = false;
  if (skip_existing && st.st_size > 0) {
    offset_ = st.st_size;
    // Starting inside a line: drop its rest instead of parsing half a record.
    char last = '\n';
    if (::pread(fd_, &last, 1, st.st_size - 1) == 1 && last != '\n') discarding_ = true;
  }
  if (opened_once_) {
    result->reopened = true;
    absl::MutexLock lock(&mu_);
    ++stats_.reopens;
  }
  opened_once_ = true;
  return absl::OkStatus();
}

absl::StatusOr<LogTailer::PollResult> LogTailer::Poll() {
  absl::MutexLock lock(&poll_mu_);
  PollResult result;
  budget_ = options_.max_bytes_per_poll;
  if (fd_ < 0) {
    RETURN_IF_ERROR(OpenIfPresent(options_.start_at_end && !opened_once_, &result));
    if (fd_ < 0) return result;
  }
  while (true) {
    // Look at the path before draining, so every byte the old file got before the rename is
    // read before switching.
    struct stat path_st;
    const bool path_exists = ::stat(options_.path.c_str(), &path_st) == 0;
    RETURN_IF_ERROR(ReadToEnd(&result));
    if (result.more) break;
    if (!path_exists || (path_st.st_dev == dev_ && path_st.st_ino == ino_)) break;
    if (!partial_.empty() && !discarding_) {
      std::string tail = std::move(partial_);
      partial_.clear();
      HandleLine(tail, &result);
    }
    CloseFile();
    RETURN_IF_ERROR(OpenIfPresent(/*skip_existing=*/false, &result));
    if (fd_ < 0) break;
  }
  return result;
}

absl::Status LogTailer::ReadToEnd(PollResult* result) {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat log", options_.path);
  if (st.st_size < offset_) {
    offset_ = 0;
    partial_.clear();
    discarding_ = false;
    result->truncated = true;
    absl::MutexLock lock(&mu_);
    ++stats_.truncations;
  }
  std::string buf(kReadChunk, '\0');
  while (budget_ > 0) {
    const ssize_t n = ::pread(fd_, buf.data(), std::min(buf.size(), budget_), offset_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read log", options_.path);
    }
    if (n == 0) return absl::OkStatus();
    offset_ += n;
    budget_ -= static_cast<size_t>(n);
    ConsumeBytes(absl::string_view(buf.data(), static_cast<size_t>(n)), result);
  }
  result->more = true;
  return absl::OkStatus();
}

void LogTailer::ConsumeBytes(absl::string_view bytes, PollResult* result) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const absl::string_view chunk = nl == absl::string_view::npos ? bytes : bytes.substr(0, nl);
    bytes = nl == absl::string_view::npos ? absl::string_view() : bytes.substr(nl + 1);
    if (discarding_) {
      if (nl != absl::string_view::npos) discarding_ = false;
      continue;
    }
    if (partial_.size() + chunk.size() > options_.max_line_bytes) {
      ++result->malformed;
      absl::MutexLock lock(&mu_);
      ++stats_.malformed;
      stats_.last_error = absl::StrCat("line longer than ", options_.max_line_bytes, " bytes");
      partial_.clear();
      discarding_ = nl == absl::string_view::npos;
      continue;
    }
    if (nl == absl::string_view::npos) {
      partial_.append(chunk.data(), chunk.size());
    } else if (partial_.empty()) {
      HandleLine(chunk, result);
    } else {
      partial_.append(chunk.data(), chunk.size());
      std::string line = std::move(partial_);
      partial_.clear();
      HandleLine(line, result);
    }
  }
}

void LogTailer::HandleLine(absl::string_view line, PollResult* result) {
  switch (ClassifyLine(line)) {
    case LineKind::kBlank:
      ++result->blank;
      return;
    case LineKind::kContinuation: {
      ++result->continuation;
      absl::MutexLock lock(&mu_);
      ++stats_.continuation;
      return;
    }
    case LineKind::kRecord:
      break;
  }
  absl::StatusOr<LogEvent> event = ParseLogLine(line);
  if (!event.ok()) {
    ++result->malformed;
    absl::MutexLock lock(&mu_);
    ++stats_.malformed;
    stats_.last_error =
        absl::StrCat(line.substr(0, kErrorLineBytes), ": ", event.status().message());
    return;
  }
  TailedEvent tailed;
  tailed.classification = Classify(*event);
  tailed.notable = event->level >= LogLevel::kWarn ||
                   (tailed.classification.has_value() && tailed.classification->fault);
  tailed.event = *std::move(event);
  ++result->records;
  absl::MutexLock lock(&mu_);
  tailed.seq = next_seq_++;
  ++stats_.records;
  if (tailed.notable) PushBounded(notable_, options_.notable_capacity, tailed);
  PushBounded(recent_, options_.capacity, std::move(tailed));
}

std::vector<TailedEvent> LogTailer::Recent(size_t n) const {
  absl::MutexLock lock(&mu_);
  return LastN(recent_, n);
}

std::vector<TailedEvent> LogTailer::RecentNotable(size_t n) const {
  absl::MutexLock lock(&mu_);
  return LastN(notable_, n);
}

std::vector<TailedEvent> LogTailer::RecentMatching(
    size_t n, const std::function<bool(const TailedEvent&)>& keep) const {
  absl::MutexLock lock(&mu_);
  std::vector<TailedEvent> out;
  for (auto it = recent_.rbegin(); it != recent_.rend() && out.size() < n; ++it) {
    if (keep(*it)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

LogTailer::Stats LogTailer::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace ops::tikv
