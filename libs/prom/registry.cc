#include "libs/prom/registry.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "libs/prom/format.h"

namespace ops::prom {
namespace {

bool IsValidMetricName(absl::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(absl::string_view name) {
  if (name.empty() || absl::StartsWith(name, "__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// One series ready to write: label pairs sorted by name, and the child.
template <typename T>
struct Row {
  std::vector<std::pair<absl::string_view, absl::string_view>> labels;
  const T* child;
};

// Collects a family's series sorted by label values (in label-name order), as the Go client
// does, so output is deterministic.
template <typename T>
std::vector<Row<T>> SortedRows(const Family<T>& family) {
  const std::vector<std::string>& names = family.label_names();
  std::vector<size_t> order(names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return names[a] < names[b]; });
  std::vector<Row<T>> rows;
  // The views point into the family's map keys. Keys are never removed, and a rehash moves a
  // key vector without moving its heap array of strings, so the views outlive the lock.
  family.ForEach([&](const std::vector<std::string>& values, const T& child) {
    Row<T>& row = rows.emplace_back();
    row.child = &child;
    for (size_t i : order) row.labels.emplace_back(names[i], values[i]);
  });
  std::sort(rows.begin(), rows.end(),
            [](const Row<T>& a, const Row<T>& b) { return a.labels < b.labels; });
  return rows;
}

void AppendHeader(absl::string_view name, absl::string_view help, absl::string_view type,
                  std::string* out) {
  if (!help.empty()) {
    absl::StrAppend(out, "# HELP ", name, " ");
    AppendEscapedHelp(help, out);
    out->push_back('\n');
  }
  absl::StrAppend(out, "# TYPE ", name, " ", type, "\n");
}

// Writes `name{labels[,le="..."]} value\n`.
void AppendSample(absl::string_view name,
                  absl::Span<const std::pair<absl::string_view, absl::string_view>> labels,
                  const std::string* le, double value, std::string* out) {
  out->append(name.data(), name.size());
  if (!labels.empty() || le != nullptr) {
    out->push_back('{');
    bool first = true;
    for (const auto& [label, label_value] : labels) {
      if (!first) out->push_back(',');
      first = false;
      absl::StrAppend(out, label, "=\"");
      AppendEscapedLabelValue(label_value, out);
      out->push_back('"');
    }
    if (le != nullptr) absl::StrAppend(out, first ? "" : ",", "le=\"", *le, "\"");
    out->push_back('}');
  }
  out->push_back(' ');
  AppendValue(value, out);
  out->push_back('\n');
}

template <typename T>
void AppendScalarFamily(const Family<T>& family, absl::string_view type, std::string* out) {
  std::vector<Row<T>> rows = SortedRows(family);
  if (rows.empty()) return;  // Like the Go client: a family without series is not shown.
  AppendHeader(family.name(), family.help(), type, out);
  for (const Row<T>& row : rows) {
    AppendSample(family.name(), row.labels, nullptr, row.child->Value(), out);
  }
}

void AppendHistogramFamily(const Family<Histogram>& family, std::string* out) {
  std::vector<Row<Histogram>> rows = SortedRows(family);
  if (rows.empty()) return;
  AppendHeader(family.name(), family.help(), "histogram", out);
  const std::string bucket = family.name() + "_bucket";
  const std::string sum = family.name() + "_sum";
  const std::string count = family.name() + "_count";
  std::vector<std::string> le;  // Same bounds for every series of the family.
  for (const Row<Histogram>& row : rows) {
    if (le.empty()) {
      for (double bound : row.child->bounds()) le.push_back(FormatValue(bound));
      le.push_back("+Inf");
    }
    Histogram::Snapshot snap = row.child->Read();
    for (size_t i = 0; i < le.size(); ++i) {
      AppendSample(bucket, row.labels, &le[i], static_cast<double>(snap.cumulative[i]), out);
    }
    AppendSample(sum, row.labels, nullptr, snap.sum, out);
    AppendSample(count, row.labels, nullptr, static_cast<double>(snap.count), out);
  }
}

}  // namespace

std::vector<double> Registry::DefaultBuckets() {
  return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
}

absl::Status Registry::Reserve(absl::string_view name, absl::Span<const std::string> label_names,
                               bool histogram) const {
  if (!IsValidMetricName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid metric name \"", name, "\""));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& label : label_names) {
    if (!IsValidLabelName(label) || (histogram && label == "le")) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label name \"", label, "\" for ", name));
    }
    if (!seen.insert(label).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate label ", label, " for ", name));
    }
  }
  if (families_.contains(std::string(name))) {
    return absl::AlreadyExistsError(absl::StrCat("metric ", name, " is already registered"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Family<Counter>*> Registry::AddCounter(absl::string_view name,
                                                      absl::string_view help,
                                                      std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  absl::Status status = Reserve(name, label_names, /*histogram=*/false);
  if (!status.ok()) return status;
  auto* family = new Family<Counter>(std::string(name), std::string(help), std::move(label_names),
                                     [] { return std::make_unique<Counter>(); });
  families_.emplace(std::string(name), std::unique_ptr<Family<Counter>>(family));
  return family;
}

absl::StatusOr<Family<Gauge>*> Registry::AddGauge(absl::string_view name, absl::string_view help,
                                                  std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  absl::Status status = Reserve(name, label_names, /*histogram=*/false);
  if (!status.ok()) return status;
  auto* family = new Family<Gauge>(std::string(name), std::string(help), std::move(label_names),
                                   [] { return std::make_unique<Gauge>(); });
  families_.emplace(std::string(name), std::unique_ptr<Family<Gauge>>(family));
  return family;
}

absl::StatusOr<Family<Histogram>*> Registry::AddHistogram(absl::string_view name,
                                                          absl::string_view help,
                                                          std::vector<std::string> label_names,
                                                          std::vector<double> buckets) {
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  for (size_t i = 0; i < buckets.size(); ++i) {
    if (std::isnan(buckets[i]) || std::isinf(buckets[i]) ||
        (i > 0 && buckets[i] <= buckets[i - 1])) {
      return absl::InvalidArgumentError(
          absl::StrCat("buckets of ", name, " must be finite and strictly increasing"));
    }
  }
  absl::MutexLock lock(&mu_);
  absl::Status status = Reserve(name, label_names, /*histogram=*/true);
  if (!status.ok()) return status;
  auto* family = new Family<Histogram>(
      std::string(name), std::string(help), std::move(label_names),
      [buckets = std::move(buckets)] { return std::make_unique<Histogram>(buckets); });
  families_.emplace(std::string(name), std::unique_ptr<Family<Histogram>>(family));
  return family;
}

std::string Registry::Render() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  for (const auto& [name, any] : families_) {
    if (const auto* c = std::get_if<std::unique_ptr<Family<Counter>>>(&any)) {
      AppendScalarFamily(**c, "counter", &out);
    } else if (const auto* g = std::get_if<std::unique_ptr<Family<Gauge>>>(&any)) {
      AppendScalarFamily(**g, "gauge", &out);
    } else if (const auto* h = std::get_if<std::unique_ptr<Family<Histogram>>>(&any)) {
      AppendHistogramFamily(**h, &out);
    }
  }
  return out;
}

}  // namespace ops::prom
