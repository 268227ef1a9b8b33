// A secret value (API key, password) that cannot be printed by accident.
//
// Secret::ToString(), operator<< (and AbslStringify on newer Abseil) print "[redacted]"; only
// Reveal() gives the value, so every place that uses the real value is easy to find. Secrets are
// loaded with ops::config::LoadSecret (config.h) from the environment or a file, never from a plain
// flag or the config file.
//
// Thread-compatible, like std::string.
#ifndef OPS_LIBS_CONFIG_SECRET_H_
#define OPS_LIBS_CONFIG_SECRET_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ops::config {

class Secret {
 public:
  static constexpr absl::string_view kRedacted = "[redacted]";

  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The real value. Do not log it.
  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  // Always "[redacted]".
  std::string ToString() const { return std::string(kRedacted); }

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << kRedacted; }
  // Used by absl::StrCat/StrFormat from Abseil 20230125 on; harmless before.
  template <typename Sink>
  friend void AbslStringify(Sink& sink, const Secret&) {
    sink.Append(kRedacted);
  }
  friend bool operator==(const Secret& a, const Secret& b) { return a.value_ == b.value_; }

 private:
  std::string value_;
};

// Reads a secret from `path`, dropping trailing newlines (CR/LF) so files written with `echo`
// work. NOT_FOUND when the file cannot be opened, INVALID_ARGUMENT when it is empty. `name` is
// used in messages only; the content never appears in a message.
absl::StatusOr<Secret> ReadSecretFile(absl::string_view name, const std::string& path);

}  // namespace ops::config

#endif  // OPS_LIBS_CONFIG_SECRET_H_
