// Lookups in Kafka's sparse index files (.index and .timeindex), which map a key to the
// nearest entry at or below it. Entries are big-endian and sorted by key.
#ifndef SLUICE_NATIVE_SPARSE_INDEX_H_
#define SLUICE_NATIVE_SPARSE_INDEX_H_

#include <cstddef>
#include <cstdint>

namespace sluice {

constexpr size_t kOffsetIndexEntryBytes = 8;  // int32 relative offset + int32 position
constexpr size_t kTimeIndexEntryBytes = 12;   // int64 timestamp + int32 relative offset

/** Slot of the last of the first `entries` entries whose relative offset <= target; -1 if none. */
int64_t LookupOffsetIndex(const uint8_t* index, size_t entries, int64_t targetRelativeOffset);

/** Slot of the last of the first `entries` entries whose timestamp <= target; -1 if none. */
int64_t LookupTimeIndex(const uint8_t* index, size_t entries, int64_t targetTimestamp);

}  // namespace sluice

#endif  // SLUICE_NATIVE_SPARSE_INDEX_H_
