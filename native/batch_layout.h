// The v2 record batch header layout (as in src/records/layout.ts) and the int64 arithmetic
// both record_batch.cc (validation) and record_batch_encode.cc (encoding) use.
#ifndef SLUICE_NATIVE_BATCH_LAYOUT_H_
#define SLUICE_NATIVE_BATCH_LAYOUT_H_

#include <cstddef>
#include <cstdint>

namespace sluice {
namespace batch_layout {

constexpr size_t kBaseOffsetAt = 0;
constexpr size_t kBatchLengthAt = 8;
constexpr size_t kPartitionLeaderEpochAt = 12;
constexpr size_t kMagicAt = 16;
constexpr size_t kCrcAt = 17;
constexpr size_t kAttributesAt = 21;  // where the CRC starts covering
constexpr size_t kLastOffsetDeltaAt = 23;
constexpr size_t kBaseTimestampAt = 27;
constexpr size_t kMaxTimestampAt = 35;
constexpr size_t kProducerIdAt = 43;
constexpr size_t kProducerEpochAt = 51;
constexpr size_t kBaseSequenceAt = 53;
constexpr size_t kRecordsCountAt = 57;
constexpr size_t kHeaderBytes = 61;
constexpr size_t kLogOverhead = 12;  // baseOffset + batchLength
constexpr int32_t kMinBatchLength = static_cast<int32_t>(kHeaderBytes - kLogOverhead);
constexpr uint8_t kMagicV2 = 2;
constexpr uint16_t kTimestampTypeBit = 0x08;  // in attributes: 1 = LogAppendTime
constexpr uint64_t kMaxBatchLength = 0x7fffffff;

// Two's-complement arithmetic without the undefined behaviour of signed overflow: offsets or
// timestamps that extreme only come from corrupt or hostile input, which must not crash us.
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

inline int64_t WrappingSubtract(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

}  // namespace batch_layout
}  // namespace sluice

#endif  // SLUICE_NATIVE_BATCH_LAYOUT_H_
