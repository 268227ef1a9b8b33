// Retry policy shared by every outbound caller (HTTP, PostgreSQL, gRPC clients): which failures
// are worth retrying, and a capped exponential backoff with full jitter between attempts.
//
// IsRetryable is the one place that decides. UNAVAILABLE (connection refused/reset, 5xx),
// DEADLINE_EXCEEDED (timeouts), RESOURCE_EXHAUSTED (429, slow consumer) and ABORTED
// (serialization failure) retry; everything else (4xx, validation, NOT_FOUND, ...) is final.
// Shape follows Alertmanager's notify retrier.
#ifndef OPS_LIBS_STATUS_RETRY_H_
#define OPS_LIBS_STATUS_RETRY_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ops {

// True when repeating the same call later may succeed.
bool IsRetryable(const absl::Status& status);

// Capped exponential backoff: attempt 0 waits about `initial`, each next attempt doubles, never
// beyond `max`. Full jitter: the delay is uniform in [delay/2, delay]. Thread-compatible.
struct Backoff {
  absl::Duration initial = absl::Milliseconds(100);
  absl::Duration max = absl::Seconds(5);
  double multiplier = 2.0;

  // Delay before retry number `attempt` (0-based). `unit_random` is a number in [0, 1) the
  // caller supplies (so tests are deterministic); pass a real random draw in production.
  absl::Duration Delay(int attempt, double unit_random) const;
};

// A uniform draw in [0, 1) from a thread-local generator, for Backoff::Delay in production.
double UnitRandom();

}  // namespace ops

#endif  // OPS_LIBS_STATUS_RETRY_H_
