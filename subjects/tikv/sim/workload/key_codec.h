// How the workload turns a key index into a raw TiKV key, and how the bootstrap layout splits
// the keyspace into regions. Both sides live here so a region boundary and a workload key are
// always comparable. Like go-ycsb's hashed insert order, key index i maps to the 8-byte
// big-endian FNV-1a hash of i, so zipfian-popular keys scatter over all regions; region
// boundaries split the 2^64 hash space evenly. Keys travel as 16-char upper-case hex.
// Pure functions; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KEY_CODEC_H_
#define OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KEY_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ops::sim {

// 64-bit FNV-1a of the 8 little-endian bytes of `index`.
uint64_t HashKeyIndex(uint64_t index);

// Upper-case hex of the 8 big-endian bytes of `value` ("00000000000003E8").
std::string EncodeKey(uint64_t value);

// The hex key the workload uses for key index `index`.
inline std::string KeyForIndex(uint64_t index) { return EncodeKey(HashKeyIndex(index)); }

// The `regions - 1` split keys of an even split of the hash space, in ascending order.
// Region r covers [split[r-1], split[r]) with "" for the unbounded ends. `regions` >= 1.
std::vector<std::string> EvenSplitKeys(int regions);

}  // namespace ops::sim

#endif  // OPS_SUBJECTS_TIKV_SIM_WORKLOAD_KEY_CODEC_H_
