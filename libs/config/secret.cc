#include "libs/config/secret.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ops::config {

absl::StatusOr<Secret> ReadSecretFile(absl::string_view name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("secret ", name, ": file ", path, " cannot be opened"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string value = buffer.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("secret ", name, ": file ", path, " is empty"));
  }
  return Secret(std::move(value));
}

}  // namespace ops::config
