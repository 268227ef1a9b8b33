#include "core/signal_tracker.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ops::core {
namespace {

using ::ops::common::v1::SEVERITY_UNSPECIFIED;
using ::ops::common::v1::SIGNAL_STATE_FIRING;
using ::ops::common::v1::SIGNAL_STATE_INACTIVE;
using ::ops::common::v1::SIGNAL_STATE_PENDING;
using ::ops::common::v1::SIGNAL_STATE_RESOLVED;

}  // namespace

absl::StatusOr<std::unique_ptr<SignalTracker>> SignalTracker::Create(SignalTrackerOptions options) {
  if (options.subject.empty()) return absl::InvalidArgumentError("signal tracker: empty subject");
  if (options.invariant.empty()) {
    return absl::InvalidArgumentError("signal tracker: empty invariant name");
  }
  if (options.severity == SEVERITY_UNSPECIFIED ||
      !::ops::common::v1::Severity_IsValid(options.severity)) {
    return absl::InvalidArgumentError(
        absl::StrCat("signal tracker ", options.invariant, ": severity is not set"));
  }
  const InvariantTiming& t = options.timing;
  if (t.for_duration < absl::ZeroDuration() || t.clear_window < absl::ZeroDuration() ||
      t.flap_window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("signal tracker ", options.invariant, ": negative duration in timing"));
  }
  return std::unique_ptr<SignalTracker>(new SignalTracker(std::move(options)));
}

Signal SignalTracker::NewSignal(const Condition& c, const Labels& labels,
                                const std::string& fp) const {
  Signal s;
  s.fingerprint = fp;
  s.invariant = options_.invariant;
  s.subject = options_.subject;
  s.entity = c.entity;
  s.labels = labels;
  s.severity = options_.severity;
  s.summary = c.summary;
  s.value = c.value;
  s.threshold = c.threshold;
  s.source = kSourceInvariant;
  return s;
}

void SignalTracker::Fire(absl::Time now, Entry& entry) {
  entry.signal.state = SIGNAL_STATE_FIRING;
  entry.signal.fired_at = now;
  entry.signal.resolved_at.reset();
  entry.false_since.reset();
  const absl::Duration flap = options_.timing.flap_window;
  auto it = last_resolved_.find(entry.signal.fingerprint);
  if (flap > absl::ZeroDuration() && it != last_resolved_.end() && now - it->second <= flap) {
    entry.flapping_until = now + flap;
  }
  entry.signal.flapping = entry.flapping_until.has_value() && now < *entry.flapping_until;
}

void SignalTracker::ForgetOldResolutions(absl::Time now) {
  for (auto it = last_resolved_.begin(); it != last_resolved_.end();) {
    if (now - it->second > options_.timing.flap_window) {
      it = last_resolved_.erase(it);
    } else {
      ++it;
    }
  }
}

absl::StatusOr<std::vector<SignalTransition>> SignalTracker::Update(
    absl::Time now, const std::vector<Condition>& active) {
  if (last_update_.has_value() && now < *last_update_) {
    return absl::InvalidArgumentError(
        absl::StrCat("signal tracker ", options_.invariant, ": time went backwards from ",
                     absl::FormatTime(*last_update_), " to ", absl::FormatTime(now)));
  }
  // Validate everything before changing anything, so a bad input leaves the state untouched.
  struct Seen {
    const Condition* condition;
    Labels labels;
  };
  std::map<std::string, Seen> seen;
  for (const Condition& c : active) {
    Labels labels = SignalLabels(options_.subject, options_.invariant, c.entity, c.labels);
    std::string fp = Fingerprint(labels);
    if (seen.contains(fp)) {
      return absl::InvalidArgumentError(absl::StrCat("signal tracker ", options_.invariant,
                                                     ": two conditions for entity ", c.entity.kind,
                                                     "/", c.entity.id, " (fingerprint ", fp, ")"));
    }
    seen.emplace(std::move(fp), Seen{&c, std::move(labels)});
  }
  last_update_ = now;

  std::vector<SignalTransition> out;
  const InvariantTiming& timing = options_.timing;
  for (auto& [fp, s] : seen) {
    auto it = active_.find(fp);
    if (it == active_.end()) {
      SignalState from =
          last_resolved_.contains(fp) ? SIGNAL_STATE_RESOLVED : SIGNAL_STATE_INACTIVE;
      Entry entry{NewSignal(*s.condition, s.labels, fp), std::nullopt, std::nullopt};
      entry.signal.state = SIGNAL_STATE_PENDING;
      entry.signal.active_since = now;
      if (timing.for_duration == absl::ZeroDuration()) Fire(now, entry);
      out.push_back({from, entry.signal.state, entry.signal});
      active_.emplace(fp, std::move(entry));
      continue;
    }
    Entry& entry = it->second;
    entry.signal.entity = s.condition->entity;
    entry.signal.value = s.condition->value;
    entry.signal.threshold = s.condition->threshold;
    entry.signal.summary = s.condition->summary;
    if (entry.signal.state == SIGNAL_STATE_PENDING) {
      if (now - *entry.signal.active_since >= timing.for_duration) {
        Fire(now, entry);
        out.push_back({SIGNAL_STATE_PENDING, SIGNAL_STATE_FIRING, entry.signal});
      }
    } else {
      // Firing and true again: any clear window in progress is abandoned.
      entry.false_since.reset();
      entry.signal.flapping = entry.flapping_until.has_value() && now < *entry.flapping_until;
    }
  }

  for (auto it = active_.begin(); it != active_.end();) {
    Entry& entry = it->second;
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    if (entry.signal.state == SIGNAL_STATE_PENDING) {
      entry.signal.state = SIGNAL_STATE_INACTIVE;
      out.push_back({SIGNAL_STATE_PENDING, SIGNAL_STATE_INACTIVE, std::move(entry.signal)});
      it = active_.erase(it);
      continue;
    }
    entry.signal.flapping = entry.flapping_until.has_value() && now < *entry.flapping_until;
    if (!entry.false_since.has_value()) entry.false_since = now;
    if (now - *entry.false_since >= timing.clear_window) {
      entry.signal.state = SIGNAL_STATE_RESOLVED;
      entry.signal.resolved_at = now;
      last_resolved_[it->first] = now;
      out.push_back({SIGNAL_STATE_FIRING, SIGNAL_STATE_RESOLVED, std::move(entry.signal)});
      it = active_.erase(it);
      continue;
    }
    ++it;
  }
  ForgetOldResolutions(now);

  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.signal.fingerprint < b.signal.fingerprint;
  });
  return out;
}

std::vector<Signal> SignalTracker::ActiveSignals() const {
  std::vector<Signal> out;
  out.reserve(active_.size());
  for (const auto& [fp, entry] : active_) out.push_back(entry.signal);
  return out;
}

std::optional<Signal> SignalTracker::Find(const std::string& fingerprint) const {
  auto it = active_.find(fingerprint);
  if (it == active_.end()) return std::nullopt;
  return it->second.signal;
}

}  // namespace ops::core
