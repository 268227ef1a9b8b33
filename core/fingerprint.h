// Stable identity of a label set. A fingerprint names "the same problem" across evaluations,
// processes and restarts: the tickets service keys open tickets by it and the signal tracker
// keys its state machine by it.
//
// Fingerprint = 64-bit FNV-1a over the labels sorted by key, each key and value
// length-prefixed, rendered as 16 lower-case hex digits. Length prefixes make the encoding
// injective, so {"a": "b=c"} and {"a=b": "c"} or a value containing a separator cannot collide
// by construction (only by a 64-bit hash collision). The value is part of the wire contract:
// never change the algorithm without a migration.
#ifndef OPS_CORE_FINGERPRINT_H_
#define OPS_CORE_FINGERPRINT_H_

#include <cstdint>
#include <map>
#include <string>

namespace ops::core {

// Label sets are ordered maps, so iteration is always sorted by key.
using Labels = std::map<std::string, std::string>;

// Returns the 64-bit FNV-1a hash of the canonical encoding of `labels`. Pure; thread-safe.
uint64_t FingerprintHash(const Labels& labels);

// Returns FingerprintHash(labels) as 16 lower-case hex digits. Pure; thread-safe.
std::string Fingerprint(const Labels& labels);

}  // namespace ops::core

#endif  // OPS_CORE_FINGERPRINT_H_
