// Binary search for the last entry at or below a key, the "upper bound minus one" form:
// it returns the last of equal keys, and needs no special case for an empty index.
#include "sparse_index.h"

#include "big_endian.h"

namespace sluice {
namespace {

template <size_t kEntryBytes, typename ReadKey>
int64_t LastEntryAtOrBelow(const uint8_t* index, size_t entries, int64_t target, ReadKey readKey) {
  size_t low = 0;
  size_t high = entries;  // invariant: entries before low are <= target, from high on are >
  while (low < high) {
    const size_t middle = low + (high - low) / 2;
    if (readKey(index + middle * kEntryBytes) <= target) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return static_cast<int64_t>(low) - 1;
}

int64_t ReadRelativeOffset(const uint8_t* entry) { return ReadI32BE(entry); }
int64_t ReadTimestamp(const uint8_t* entry) { return ReadI64BE(entry); }

}  // namespace

int64_t LookupOffsetIndex(const uint8_t* index, size_t entries, int64_t targetRelativeOffset) {
  return LastEntryAtOrBelow<kOffsetIndexEntryBytes>(index, entries, targetRelativeOffset,
                                                    ReadRelativeOffset);
}

int64_t LookupTimeIndex(const uint8_t* index, size_t entries, int64_t targetTimestamp) {
  return LastEntryAtOrBelow<kTimeIndexEntryBytes>(index, entries, targetTimestamp, ReadTimestamp);
}

}  // namespace sluice
