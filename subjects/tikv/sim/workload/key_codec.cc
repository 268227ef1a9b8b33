#include "subjects/tikv/sim/workload/key_codec.h"

namespace ops::sim {

uint64_t HashKeyIndex(uint64_t index) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (int i = 0; i < 8; ++i) {
    hash ^= (index >> (8 * i)) & 0xff;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string EncodeKey(uint64_t value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[value & 0xf];
    value >>= 4;
  }
  return out;
}

std::vector<std::string> EvenSplitKeys(int regions) {
  std::vector<std::string> out;
  if (regions <= 1) return out;
  const unsigned __int128 space = static_cast<unsigned __int128>(1) << 64;
  for (int r = 1; r < regions; ++r) {
    out.push_back(EncodeKey(static_cast<uint64_t>(space * r / regions)));
  }
  return out;
}

}  // namespace ops::sim
