#include "libs/grpc/shutdown_signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ops::grpcutil {
namespace {

// Write end of the self-pipe of the installed instance, or -1. Read by the signal handler.
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void OnSignal(int signo) {
  int saved_errno = errno;
  int fd = g_write_fd.load(std::memory_order_relaxed);
  if (fd >= 0) {
    unsigned char byte = static_cast<unsigned char>(signo);
    // Non-blocking: if the pipe is full, enough wake-ups are already queued.
    [[maybe_unused]] ssize_t n = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ShutdownSignals>> ShutdownSignals::Install(
    std::function<void(int)> on_signal, std::vector<int> signals) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus("pipe2");
  if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    absl::Status status = ErrnoStatus("fcntl");
    close(fds[0]);
    close(fds[1]);
    return status;
  }
  int expected = -1;
  if (!g_write_fd.compare_exchange_strong(expected, fds[1])) {
    close(fds[0]);
    close(fds[1]);
    return absl::FailedPreconditionError("shutdown signal handlers are already installed");
  }
  std::vector<struct sigaction> previous(signals.size());
  for (size_t i = 0; i < signals.size(); ++i) {
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signals[i], &action, &previous[i]) != 0) {
      absl::Status status = ErrnoStatus(absl::StrCat("sigaction(", signals[i], ")"));
      for (size_t j = 0; j < i; ++j) sigaction(signals[j], &previous[j], nullptr);
      g_write_fd.store(-1);
      close(fds[0]);
      close(fds[1]);
      return status;
    }
  }
  std::unique_ptr<ShutdownSignals> self(
      new ShutdownSignals(fds[0], fds[1], std::move(signals), std::move(previous)));
  try {
    self->watcher_ = std::thread(&ShutdownSignals::Run, self.get(), std::move(on_signal));
  } catch (const std::system_error& e) {
    return absl::InternalError(absl::StrCat("cannot start signal watcher: ", e.what()));
  }
  return self;
}

ShutdownSignals::ShutdownSignals(int read_fd, int write_fd, std::vector<int> signals,
                                 std::vector<struct sigaction> previous)
    : read_fd_(read_fd),
      write_fd_(write_fd),
      signals_(std::move(signals)),
      previous_(std::move(previous)) {}

ShutdownSignals::~ShutdownSignals() {
  for (size_t i = 0; i < signals_.size(); ++i) sigaction(signals_[i], &previous_[i], nullptr);
  g_write_fd.store(-1);
  // Closing the only write end makes the watcher's read() return 0 once the pipe is drained.
  close(write_fd_);
  if (watcher_.joinable()) watcher_.join();
  close(read_fd_);
}

void ShutdownSignals::Run(std::function<void(int)> on_signal) {
  while (true) {
    unsigned char byte;
    ssize_t n = read(read_fd_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EOF: the destructor closed the write end
    on_signal(static_cast<int>(byte));
  }
}

}  // namespace ops::grpcutil
