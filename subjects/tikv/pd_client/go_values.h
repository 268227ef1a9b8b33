// Parsers for the scalar formats PD writes into its JSON (tikv.md §1.1), exactly as Go prints
// them: `typeutil.Duration` as a Go duration string ("30m0s", "36m20.480549971s", "10ms"),
// `typeutil.ByteSize` as docker's units.BytesSize ("311.7GiB", "290.7MiB", "1B"), and
// `time.Time` as RFC3339 with nanoseconds and a zone ("2024-12-25T03:41:23.480549971Z").
//
// These are the adapter's own parsers: DESIGN.md forbids sharing wire-format code with
// tikv-sim, so nothing here comes from subjects/tikv/sim. Pure functions; thread-safe.
#ifndef OPS_SUBJECTS_TIKV_PD_CLIENT_GO_VALUES_H_
#define OPS_SUBJECTS_TIKV_PD_CLIENT_GO_VALUES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ops::tikv {

// Go's time.ParseDuration: an optionally signed sequence of decimal numbers with optional
// fraction and a unit each ("1h0m0s", "1m30s", "20.5s", "-1.5h", "300us", "1µs"); units ns, us,
// µs/μs, ms, s, m, h; a bare "0" is zero. INVALID_ARGUMENT for anything else (including "inf",
// a missing unit and values beyond Go's ±292 years).
absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text);

// A size as PD prints it (units.BytesSize, "%.4g" plus a binary unit) or as PD reads it
// (units.RAMInBytes): a non-negative decimal number, an optional space, and an optional unit
// among B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB, E/EB/EiB (case-insensitive, all
// binary multiples of 1024). The result is truncated to whole bytes; since PD rounds to four
// significant digits, "311.7GiB" means 311.7 × 2^30 ± 0.05 GiB. INVALID_ARGUMENT otherwise,
// OUT_OF_RANGE beyond 2^64-1.
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text);

// RFC3339 with optional fractional seconds (any number of digits) and "Z" or a ±hh:mm offset,
// as Go's time.RFC3339Nano writes it. INVALID_ARGUMENT when malformed.
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text);

// True for Go's zero time.Time (0001-01-01T00:00:00Z), which PD writes for "never".
bool IsGoZeroTime(absl::Time t);

namespace internal {
// `text` quoted and C-escaped for an error message, cut to about 64 characters.
std::string QuoteForError(absl::string_view text);
}  // namespace internal

}  // namespace ops::tikv

#endif  // OPS_SUBJECTS_TIKV_PD_CLIENT_GO_VALUES_H_
