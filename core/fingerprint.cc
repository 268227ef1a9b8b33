#include "core/fingerprint.h"

#include "absl/strings/str_format.h"

namespace ops::core {
namespace {

constexpr uint64_t kFnvOffsetBasis = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

void HashBytes(uint64_t& h, const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= kFnvPrime;
  }
}

// Length-prefixing (fixed 8 bytes, little endian) keeps the encoding injective whatever bytes
// keys and values contain.
void HashField(uint64_t& h, const std::string& s) {
  uint64_t n = s.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  HashBytes(h, len, sizeof(len));
  HashBytes(h, s.data(), s.size());
}

}  // namespace

uint64_t FingerprintHash(const Labels& labels) {
  uint64_t h = kFnvOffsetBasis;
  for (const auto& [key, value] : labels) {
    HashField(h, key);
    HashField(h, value);
  }
  return h;
}

std::string Fingerprint(const Labels& labels) {
  return absl::StrFormat("%016x", FingerprintHash(labels));
}

}  // namespace ops::core
