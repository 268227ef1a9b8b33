// YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record synthetic
// databases"; go-ycsb pkg/generator/zipfian.go): item i in [0, n) is drawn with probability
// proportional to 1/(i+1)^theta, theta 0.99 by default, item 0 the most popular. Seeded, so a
// run is reproducible. Thread-compatible (one per worker thread).
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_ZIPFIAN_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_ZIPFIAN_H_

#include <cstdint>
#include <random>

namespace ops::sim {

inline constexpr double kZipfianTheta = 0.99;

class ZipfianGenerator {
 public:
  // `items` >= 1; theta in (0, 1).
  ZipfianGenerator(uint64_t items, double theta, uint64_t seed);
  uint64_t Next();
  uint64_t items() const { return items_; }

 private:
  uint64_t items_;
  double theta_, alpha_, zetan_, eta_, zeta2_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

class UniformGenerator {
 public:
  UniformGenerator(uint64_t items, uint64_t seed) : dist_(0, items - 1), rng_(seed) {}
  uint64_t Next() { return dist_(rng_); }

 private:
  std::uniform_int_distribution<uint64_t> dist_;
  std::mt19937_64 rng_;
};

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_ZIPFIAN_H_
