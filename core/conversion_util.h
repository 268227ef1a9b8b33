// Helpers shared by the ToProto/FromProto implementations (snapshot_conversion.cc,
// diagnosis_conversion.cc): label maps, repeated strings, optional timestamps and enum checks.
// Internal to core/; not part of its API.
#ifndef OPS_CORE_CONVERSION_UTIL_H_
#define OPS_CORE_CONVERSION_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/fingerprint.h"
#include "core/proto_time.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace ops::core::internal {

inline Labels LabelsFromProto(const google::protobuf::Map<std::string, std::string>& m) {
  Labels out;
  for (const auto& [k, v] : m) out.emplace(k, v);
  return out;
}

inline void LabelsToProto(const Labels& labels,
                          google::protobuf::Map<std::string, std::string>* m) {
  for (const auto& [k, v] : labels) (*m)[k] = v;
}

inline std::vector<std::string> StringsFromProto(
    const google::protobuf::RepeatedPtrField<std::string>& r) {
  return std::vector<std::string>(r.begin(), r.end());
}

inline void StringsToProto(const std::vector<std::string>& v,
                           google::protobuf::RepeatedPtrField<std::string>* r) {
  for (const std::string& s : v) r->Add(std::string(s));
}

// Prefixes a status message with the field it came from ("stores[2].probe: ...").
inline absl::Status Annotate(const absl::Status& s, absl::string_view field) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

// Reads an optional timestamp field: nullopt when unset, error when out of range.
inline absl::StatusOr<std::optional<absl::Time>> OptionalTime(bool has,
                                                              const google::protobuf::Timestamp& ts,
                                                              absl::string_view field) {
  if (!has) return std::optional<absl::Time>();
  absl::StatusOr<absl::Time> t = TimeFromProto(ts);
  if (!t.ok()) return Annotate(t.status(), field);
  return std::optional<absl::Time>(*t);
}

// Reads a required timestamp field.
inline absl::StatusOr<absl::Time> RequiredTime(bool has, const google::protobuf::Timestamp& ts,
                                               absl::string_view field) {
  if (!has) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  absl::StatusOr<absl::Time> t = TimeFromProto(ts);
  if (!t.ok()) return Annotate(t.status(), field);
  return *t;
}

// Reads an optional duration field: zero when unset.
inline absl::StatusOr<absl::Duration> DurationOrZero(bool has, const google::protobuf::Duration& d,
                                                     absl::string_view field) {
  if (!has) return absl::ZeroDuration();
  absl::StatusOr<absl::Duration> out = DurationFromProto(d);
  if (!out.ok()) return Annotate(out.status(), field);
  return *out;
}

// Checks that a proto3 enum value is known and, if `required`, not the UNSPECIFIED zero.
template <typename IsValid>
absl::Status CheckEnum(int value, IsValid is_valid, bool required, absl::string_view field) {
  if (!is_valid(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value ", value));
  }
  if (required && value == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not set"));
  }
  return absl::OkStatus();
}

inline absl::Status Required(bool present, absl::string_view field) {
  if (present) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
}

}  // namespace ops::core::internal

#endif  // OPS_CORE_CONVERSION_UTIL_H_
