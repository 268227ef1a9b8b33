// Interrupt: how Ctrl-C reaches a running command. main.cc triggers it from a signal-watcher
// thread; a command attaches the ClientContext of its current call, so triggering cancels that
// call, and waits between reconnect attempts through WaitFor, so triggering ends the wait.
//
//   Interrupt interrupt;
//   grpc::ClientContext ctx;
//   Interrupt::Attachment attached(&interrupt, &ctx);  // cancels ctx on Trigger()
//
// Thread-safe: every method may be called from any thread.
#ifndef OPS_CLIENTS_CLI_INTERRUPT_H_
#define OPS_CLIENTS_CLI_INTERRUPT_H_

#include <grpcpp/client_context.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ops::cli {

class Interrupt {
 public:
  Interrupt() = default;
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  // Marks the interrupt, cancels the attached call (if any) and wakes WaitFor. Idempotent.
  void Trigger() ABSL_LOCKS_EXCLUDED(mu_);

  // True once Trigger was called.
  bool triggered() const ABSL_LOCKS_EXCLUDED(mu_);

  // Waits up to `timeout`; returns true when triggered (before or during the wait).
  bool WaitFor(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  // Attaches `ctx` for the lifetime of this object: Trigger() cancels it, and an interrupt
  // that came earlier cancels it at once. One call is attached at a time.
  class Attachment {
   public:
    Attachment(Interrupt* interrupt, grpc::ClientContext* ctx);
    ~Attachment();
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;

   private:
    Interrupt* const interrupt_;
  };

 private:
  mutable absl::Mutex mu_;
  bool triggered_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* attached_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace ops::cli

#endif  // OPS_CLIENTS_CLI_INTERRUPT_H_
