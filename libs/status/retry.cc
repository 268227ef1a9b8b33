#include "libs/status/retry.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ops {

bool IsRetryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

absl::Duration Backoff::Delay(int attempt, double unit_random) const {
  double factor = std::pow(multiplier, std::max(0, std::min(attempt, 62)));
  absl::Duration delay = initial * factor;
  if (delay > max || delay < absl::ZeroDuration()) delay = max;
  double jitter = 0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0);
  return delay * jitter;
}

double UnitRandom() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

}  // namespace ops
