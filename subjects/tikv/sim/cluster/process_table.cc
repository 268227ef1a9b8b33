#include "subjects/tikv/sim/cluster/process_table.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"

namespace ops::sim {

absl::StatusOr<int> SpawnProcess(const std::vector<std::string>& argv, const std::string& out_file,
                                 bool detach) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(out_file).parent_path(), ec);
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", out_file, ": ", std::strerror(errno)));
  }
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid < 0) {
    close(out);
    close(null_fd);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (detach) {
      setsid();
      if (fork() != 0) _exit(0);
    } else {
      // A session of its own: a terminal ^C reaches only the supervisor, which stops children
      // in order. Not merely a process group: if the supervisor died while a child is stopped
      // (store_hang), the kernel would SIGHUP the newly orphaned group and kill the child
      // instead of leaving it to the SIGCONT watchdog.
      setsid();
    }
    dup2(null_fd, 0);
    dup2(out, 1);
    dup2(out, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out);
  close(null_fd);
  if (detach) {
    int st = 0;
    waitpid(pid, &st, 0);
    return 0;
  }
  return static_cast<int>(pid);
}

ProcessTable::ProcessTable(std::vector<ProcessSpec> processes) : processes_(std::move(processes)) {
  for (ProcessSpec& p : processes_) p.pid = 0;
}

ProcessSpec* ProcessTable::FindLocked(const std::string& name) {
  for (ProcessSpec& p : processes_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

absl::Status ProcessTable::Start(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  ProcessSpec* p = FindLocked(name);
  if (p == nullptr) return absl::NotFoundError(absl::StrCat("no process named ", name));
  if (p->pid > 0) return absl::OkStatus();
  std::error_code ec;
  std::filesystem::create_directories(p->data_dir, ec);
  absl::StatusOr<int> pid = SpawnProcess(p->argv, absl::StrCat(p->data_dir, "/", p->name, ".out"),
                                         /*detach=*/false);
  if (!pid.ok()) return pid.status();
  p->pid = *pid;
  return absl::OkStatus();
}

absl::Status ProcessTable::Signal(const std::string& name, int signal) {
  std::lock_guard<std::mutex> lock(mu_);
  ProcessSpec* p = FindLocked(name);
  if (p == nullptr) return absl::NotFoundError(absl::StrCat("no process named ", name));
  if (p->pid <= 0) return absl::FailedPreconditionError(absl::StrCat(name, " is not running"));
  if (kill(p->pid, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill ", name, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::vector<std::string> ProcessTable::Reap() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (ProcessSpec& p : processes_) {
    if (p.pid <= 0) continue;
    int st = 0;
    if (waitpid(p.pid, &st, WNOHANG) != p.pid) continue;
    out.push_back(
        WIFSIGNALED(st)
            ? absl::StrCat(p.name, " (pid ", p.pid, ") killed by signal ", WTERMSIG(st))
            : absl::StrCat(p.name, " (pid ", p.pid, ") exited with code ", WEXITSTATUS(st)));
    p.pid = 0;
  }
  return out;
}

void ProcessTable::StopAll(absl::Duration grace) {
  std::lock_guard<std::mutex> lock(mu_);
  for (ProcessSpec& p : processes_) {
    if (p.pid <= 0) continue;
    kill(p.pid, SIGCONT);  // a hung (SIGSTOPped) store must be able to act on SIGTERM
    kill(p.pid, SIGTERM);
  }
  const absl::Time deadline = absl::Now() + grace;
  for (bool killed = false;;) {
    bool any = false;
    for (ProcessSpec& p : processes_) {
      if (p.pid <= 0) continue;
      int st = 0;
      if (waitpid(p.pid, &st, WNOHANG) == p.pid) {
        p.pid = 0;
      } else {
        any = true;
      }
    }
    if (!any) return;
    if (!killed && absl::Now() >= deadline) {
      for (ProcessSpec& p : processes_) {
        if (p.pid > 0) kill(p.pid, SIGKILL);
      }
      killed = true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

bool ProcessTable::Running(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ProcessSpec& p : processes_) {
    if (p.name == name) return p.pid > 0;
  }
  return false;
}

std::vector<ProcessSpec> ProcessTable::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return processes_;
}

}  // namespace ops::sim
