// Registry of our services' own metrics and the writer of their /metrics body.
//
//   Registry registry;
//   ASSIGN_OR_RETURN(Family<Counter>* requests,
//                    registry.AddCounter("ops_requests_total", "Requests handled.", {"method"}));
//   Counter& gets = requests->WithLabels({"get"});  // Keep the handle; look up once.
//   gets.Increment();
//   std::string body = registry.Render();           // text/plain; version=0.0.4
//
// Render() writes what the Go client writes: families sorted by name, HELP and TYPE lines,
// series sorted by label values, labels sorted by name with `le` last, Go float formatting.
// TextParser parses it back.
#ifndef OPS_LIBS_PROM_REGISTRY_H_
#define OPS_LIBS_PROM_REGISTRY_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "libs/prom/metrics.h"

namespace ops::prom {

// The series of one metric family, one T (Counter, Gauge or Histogram) per label-value tuple.
// Thread-safe. Children live as long as the family, which lives as long as its Registry.
template <typename T>
class Family {
 public:
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  // Returns the series for `values`, one per label name in registration order, creating it on
  // first use. The reference stays valid for the registry's life, so look it up once and keep
  // it. Precondition: values.size() == label_names().size(); on a mismatch a detached series
  // that is never rendered is returned (TryWithLabels reports the mistake instead).
  T& WithLabels(std::initializer_list<absl::string_view> values) {
    return WithLabels(absl::MakeConstSpan(values.begin(), values.size()));
  }
  T& WithLabels(absl::Span<const absl::string_view> values) {
    absl::StatusOr<T*> child = TryWithLabels(values);
    return child.ok() ? **child : *detached_;
  }

  // As WithLabels, but INVALID_ARGUMENT when the number of values is wrong.
  absl::StatusOr<T*> TryWithLabels(absl::Span<const absl::string_view> values) {
    if (values.size() != label_names_.size()) {
      return absl::InvalidArgumentError(absl::StrCat(name_, " has ", label_names_.size(),
                                                     " labels, got ", values.size(), " values"));
    }
    std::vector<std::string> key(values.begin(), values.end());
    absl::MutexLock lock(&mu_);
    std::unique_ptr<T>& child = children_[std::move(key)];
    if (child == nullptr) child = make_();
    return child.get();
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls f(label_values, child) for every series, under the family's lock (f must not call
  // back into this family).
  template <typename F>
  void ForEach(F f) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [values, child] : children_) f(values, *child);
  }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<T>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)),
        detached_(make_()) {
    // A family without labels has exactly one series; expose it (as 0) from the start.
    absl::MutexLock lock(&mu_);
    if (label_names_.empty()) children_[{}] = make_();
  }

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<T>()> make_;
  const std::unique_ptr<T> detached_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::vector<std::string>, std::unique_ptr<T>> children_ ABSL_GUARDED_BY(mu_);
};

// Owns metric families and renders them. Thread-safe: families may be added, updated and
// rendered from any thread concurrently.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The Go client's default histogram buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
  static std::vector<double> DefaultBuckets();

  // Adds a family. INVALID_ARGUMENT for a bad metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or label
  // name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__", no duplicates); ALREADY_EXISTS when
  // the name is taken. The returned family lives as long as the registry.
  absl::StatusOr<Family<Counter>*> AddCounter(absl::string_view name, absl::string_view help,
                                              std::vector<std::string> label_names = {});
  absl::StatusOr<Family<Gauge>*> AddGauge(absl::string_view name, absl::string_view help,
                                          std::vector<std::string> label_names = {});
  // As above; additionally `le` is not a legal label name, and `buckets` must be strictly
  // increasing and not NaN (a trailing +Inf is implied and may be given).
  absl::StatusOr<Family<Histogram>*> AddHistogram(absl::string_view name, absl::string_view help,
                                                  std::vector<std::string> label_names = {},
                                                  std::vector<double> buckets = DefaultBuckets());

  // Renders every family in the text exposition format 0.0.4.
  std::string Render() const;

 private:
  using AnyFamily = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                                 std::unique_ptr<Family<Histogram>>>;

  absl::Status Reserve(absl::string_view name, absl::Span<const std::string> label_names,
                       bool histogram) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, AnyFamily> families_ ABSL_GUARDED_BY(mu_);  // By name.
};

}  // namespace ops::prom

#endif  // OPS_LIBS_PROM_REGISTRY_H_
