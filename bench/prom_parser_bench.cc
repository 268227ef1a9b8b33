// Throughput of the Prometheus text parser on a TiKV-sized /metrics body.
//
// The real TiKV v5.3 dump (1.27 MB) is repeated to about 3 MB, what a busy TiKV serves. Each copy
// after the first prefixes every metric name with "cN_" so no family is declared twice (a
// duplicate TYPE is an error). Prints MB/s via SetBytesProcessed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/prom/registry.h"
#include "libs/prom/text_parser.h"

namespace ops::prom {
namespace {

constexpr size_t kTargetBytes = 3 << 20;

std::string ReadFileOrDie(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(1);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Builds the ~3 MB body once. Stops at a family boundary once the target size is reached.
const std::string& Body() {
  static const std::string* body = [] {
    const std::string dump = ReadFileOrDie(OPS_TIKV_METRICS_DUMP);
    auto* out = new std::string(dump);
    for (int copy = 1; out->size() < kTargetBytes; ++copy) {
      const std::string prefix = absl::StrCat("c", copy, "_");
      for (absl::string_view line : absl::StrSplit(dump, '\n', absl::SkipEmpty())) {
        if (absl::StartsWith(line, "# HELP ") && out->size() >= kTargetBytes) break;
        if (absl::StartsWith(line, "# HELP ") || absl::StartsWith(line, "# TYPE ")) {
          absl::StrAppend(out, line.substr(0, 7), prefix, line.substr(7), "\n");
        } else {
          absl::StrAppend(out, prefix, line, "\n");
        }
      }
    }
    return out;
  }();
  return *body;
}

class SumVisitor : public ParseVisitor {
 public:
  void OnSample(const SampleView& sample) override {
    sum += sample.value;
    labels += sample.labels.size();
  }
  double sum = 0;
  size_t labels = 0;
};

void BM_ParseVisitor(benchmark::State& state) {
  const std::string& body = Body();
  TextParser parser;
  for (auto _ : state) {
    SumVisitor visitor;
    absl::Status status = parser.Parse(body, visitor);
    if (!status.ok()) {
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(visitor.sum);
    benchmark::DoNotOptimize(visitor.labels);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * body.size());
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseVisitor)->Unit(benchmark::kMillisecond);

void BM_ParseFamilies(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    absl::StatusOr<std::vector<MetricFamily>> families = ParseFamilies(body);
    if (!families.ok()) {
      state.SkipWithError(std::string(families.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(families->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * body.size());
}
BENCHMARK(BM_ParseFamilies)->Unit(benchmark::kMillisecond);

// Rendering a registry of the size a service exposes (a few hundred series).
void BM_RegistryRender(benchmark::State& state) {
  Registry registry;
  auto counter = registry.AddCounter("ops_requests_total", "Requests.", {"method", "code"});
  auto hist = registry.AddHistogram("ops_latency_seconds", "Latency.", {"method"});
  if (!counter.ok() || !hist.ok()) {
    state.SkipWithError("registration failed");
    return;
  }
  for (int m = 0; m < 20; ++m) {
    for (int c = 0; c < 5; ++c) {
      (*counter)->WithLabels({absl::StrCat("Method", m), absl::StrCat(200 + c)}).Increment(m);
    }
    (*hist)->WithLabels({absl::StrCat("Method", m)}).Observe(0.01 * m);
  }
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = registry.Render();
    bytes += text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RegistryRender);

}  // namespace
}  // namespace ops::prom

BENCHMARK_MAIN();
