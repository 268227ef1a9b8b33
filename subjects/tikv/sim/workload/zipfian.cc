#include "subjects/tikv/sim/workload/zipfian.h"

#include <cmath>

namespace ops::sim {
namespace {

double Zeta(uint64_t n, double theta) {
  double sum = 0;
  for (uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}

}  // namespace

ZipfianGenerator::ZipfianGenerator(uint64_t items, double theta, uint64_t seed)
    : items_(items < 1 ? 1 : items), theta_(theta), rng_(seed) {
  zeta2_ = Zeta(2, theta_);
  zetan_ = Zeta(items_, theta_);
  alpha_ = 1.0 / (1.0 - theta_);
  eta_ = (1 - std::pow(2.0 / static_cast<double>(items_), 1 - theta_)) / (1 - zeta2_ / zetan_);
}

uint64_t ZipfianGenerator::Next() {
  const double u = unit_(rng_);
  const double uz = u * zetan_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + std::pow(0.5, theta_)) return items_ > 1 ? 1 : 0;
  const uint64_t v =
      static_cast<uint64_t>(static_cast<double>(items_) * std::pow(eta_ * u - eta_ + 1, alpha_));
  return v >= items_ ? items_ - 1 : v;
}

}  // namespace ops::sim
