#include "clients/cli/interrupt.h"

namespace ops::cli {

void Interrupt::Trigger() {
  absl::MutexLock lock(&mu_);
  triggered_ = true;
  // TryCancel is safe from any thread while the call is in progress; the Attachment keeps
  // the context alive until it detaches under this same mutex.
  if (attached_ != nullptr) attached_->TryCancel();
}

bool Interrupt::triggered() const {
  absl::MutexLock lock(&mu_);
  return triggered_;
}

bool Interrupt::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&triggered_), timeout);
  return triggered_;
}

Interrupt::Attachment::Attachment(Interrupt* interrupt, grpc::ClientContext* ctx)
    : interrupt_(interrupt) {
  absl::MutexLock lock(&interrupt_->mu_);
  interrupt_->attached_ = ctx;
  if (interrupt_->triggered_) ctx->TryCancel();
}

Interrupt::Attachment::~Attachment() {
  absl::MutexLock lock(&interrupt_->mu_);
  interrupt_->attached_ = nullptr;
}

}  // namespace ops::cli
