#include "subjects/tikv/pd_client/json_reader.h"

#include <cmath>
#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "subjects/tikv/pd_client/go_values.h"

namespace ops::tikv::internal {

using nlohmann::json;

absl::StatusOr<json> ParseJsonBody(absl::string_view body, absl::string_view what) {
  if (body.empty()) return absl::DataLossError(absl::StrCat(what, " is empty, expected JSON"));
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(what, " is not valid JSON (", body.size(), " bytes): ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(what, ": ", e.what()));
  }
}

std::optional<uint64_t> AsUint(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i >= 0) return static_cast<uint64_t>(i);
  }
  return std::nullopt;
}

namespace {

const char* TypeName(const json& v) { return v.type_name(); }

// A value for an error message: compact, never throwing, at most ~64 characters.
std::string Short(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 64) s = absl::StrCat(s.substr(0, 61), "...");
  return s;
}

}  // namespace

ObjectReader::ObjectReader(const json& value, std::string path, ReadErrors* errors)
    : value_(value), path_(std::move(path)), errors_(errors), is_object_(value.is_object()) {
  if (!is_object_) {
    errors_->Add(absl::InvalidArgumentError(absl::StrCat(
        path_.empty() ? "body" : path_, ": expected an object, got ", TypeName(value))));
  }
}

std::string ObjectReader::PathOf(absl::string_view key) const {
  return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
}

void ObjectReader::Fail(absl::string_view key, absl::string_view message) {
  errors_->Add(absl::InvalidArgumentError(absl::StrCat(PathOf(key), ": ", message)));
}

bool ObjectReader::Has(const char* key) const {
  if (!is_object_) return false;
  auto it = value_.find(key);
  return it != value_.end() && !it->is_null();
}

const json* ObjectReader::Get(const char* key, bool required) {
  if (!ok() || !is_object_) return nullptr;
  auto it = value_.find(key);
  if (it == value_.end() || it->is_null()) {
    if (required) Fail(key, "required field is missing");
    return nullptr;
  }
  return &*it;
}

uint64_t ObjectReader::Uint(const char* key, bool required) {
  const json* v = Get(key, required);
  if (v == nullptr) return 0;
  std::optional<uint64_t> u = AsUint(*v);
  if (!u.has_value()) {
    Fail(key, absl::StrCat("expected a non-negative integer, got ", Short(*v)));
    return 0;
  }
  if (required && *u == 0) Fail(key, "must not be zero");
  return *u;
}

int64_t ObjectReader::Int(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return 0;
  if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX)) {
    return v->get<int64_t>();
  }
  Fail(key, absl::StrCat("expected an integer, got ", Short(*v)));
  return 0;
}

double ObjectReader::Double(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return 0;
  if (!v->is_number()) {
    Fail(key, absl::StrCat("expected a number, got ", TypeName(*v)));
    return 0;
  }
  return v->get<double>();
}

bool ObjectReader::Bool(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  Fail(key, absl::StrCat("expected a boolean, got ", Short(*v)));
  return false;
}

std::string ObjectReader::String(const char* key, bool required) {
  const json* v = Get(key, required);
  if (v == nullptr) return "";
  if (!v->is_string()) {
    Fail(key, absl::StrCat("expected a string, got ", TypeName(*v)));
    return "";
  }
  if (required && v->get_ref<const std::string&>().empty()) Fail(key, "must not be empty");
  return v->get<std::string>();
}

std::vector<std::string> ObjectReader::Strings(const char* key) {
  std::vector<std::string> out;
  const json* v = Array(key);
  if (v == nullptr) return out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      Fail(absl::StrCat(key, "[", i, "]"),
           absl::StrCat("expected a string, got ", TypeName((*v)[i])));
      return {};
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<absl::Duration> ObjectReader::Duration(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, absl::StrCat("expected a Go duration string, got ", Short(*v)));
    return std::nullopt;
  }
  absl::StatusOr<absl::Duration> d = ParseGoDuration(v->get_ref<const std::string&>());
  if (!d.ok()) {
    Fail(key, d.status().message());
    return std::nullopt;
  }
  return *d;
}

uint64_t ObjectReader::ByteSize(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return 0;
  if (std::optional<uint64_t> u = AsUint(*v); u.has_value()) return *u;
  if (!v->is_string()) {
    Fail(key, absl::StrCat("expected a byte size string, got ", Short(*v)));
    return 0;
  }
  absl::StatusOr<uint64_t> b = ParseByteSize(v->get_ref<const std::string&>());
  if (!b.ok()) {
    Fail(key, b.status().message());
    return 0;
  }
  return *b;
}

std::optional<absl::Time> ObjectReader::Time(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, absl::StrCat("expected an RFC3339 time string, got ", Short(*v)));
    return std::nullopt;
  }
  absl::StatusOr<absl::Time> t = ParseRfc3339(v->get_ref<const std::string&>());
  if (!t.ok()) {
    Fail(key, t.status().message());
    return std::nullopt;
  }
  if (IsGoZeroTime(*t)) return std::nullopt;
  return *t;
}

const json* ObjectReader::Object(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    Fail(key, absl::StrCat("expected an object, got ", TypeName(*v)));
    return nullptr;
  }
  return v;
}

const json* ObjectReader::Array(const char* key) {
  const json* v = Get(key, false);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    Fail(key, absl::StrCat("expected an array, got ", TypeName(*v)));
    return nullptr;
  }
  return v;
}

}  // namespace ops::tikv::internal
