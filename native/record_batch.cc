// Validation and encoding of Kafka v2 record batches (NOTES.md §4). Offsets and timestamps
// are int64 on the wire and are handled as int64 here; only the result slots are doubles.
#include "record_batch.h"

#include <cstring>

#include "big_endian.h"
#include "crc32c.h"

namespace sluice {
namespace {

// Header layout, as in src/records/layout.ts.
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
constexpr uint64_t kMaxBatchLength = 0x7fffffff;

// Two's-complement arithmetic without the undefined behaviour of signed overflow: offsets or
// timestamps that extreme only come from corrupt or hostile input, which must not crash us.
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

inline int64_t WrappingSubtract(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

// ---- Validation -----------------------------------------------------------------------

// Checks the batch at the start of `batch` (with `remaining` bytes after it) in the documented
// order; on success stores its total size, log overhead included.
int CheckBatch(const uint8_t* batch, size_t remaining, size_t* size) {
  if (remaining < kHeaderBytes) return kBatchTruncated;
  const int32_t batchLength = ReadI32BE(batch + kBatchLengthAt);
  if (batchLength < kMinBatchLength) return kBatchBadLength;
  const size_t total = kLogOverhead + static_cast<size_t>(batchLength);
  if (remaining < total) return kBatchTruncated;
  if (batch[kMagicAt] != kMagicV2) return kBatchBadMagic;
  const int32_t recordsCount = ReadI32BE(batch + kRecordsCountAt);
  const int64_t lastOffsetDelta = ReadI32BE(batch + kLastOffsetDeltaAt);
  if (recordsCount <= 0 || recordsCount != lastOffsetDelta + 1) return kBatchBadRecordCount;
  const uint32_t crc = Crc32c(0, batch + kAttributesAt, total - kAttributesAt);
  if (crc != ReadU32BE(batch + kCrcAt)) return kBatchBadCrc;
  *size = total;
  return kBatchOk;
}

// What the batches that passed add up to (see ValidateSlot).
struct PassedBatches {
  size_t validBytes = 0;
  int64_t batchCount = 0;
  int64_t recordCount = 0;
  int64_t nextOffset = -1;
  int64_t maxTimestamp = -1;
  int64_t offsetOfMaxTimestamp = -1;
  int64_t lastBatchPosition = -1;
};

// Stamps a batch that passed (offsets and epoch sit outside the CRC) and adds it to the totals.
void AcceptBatch(uint8_t* batch, size_t position, size_t size, int64_t* nextAssigned,
                 int64_t leaderEpoch, PassedBatches* passed) {
  const int32_t lastOffsetDelta = ReadI32BE(batch + kLastOffsetDeltaAt);
  if (*nextAssigned >= 0) {
    WriteI64BE(batch + kBaseOffsetAt, *nextAssigned);
    *nextAssigned = WrappingAdd(*nextAssigned, int64_t{lastOffsetDelta} + 1);
  }
  if (leaderEpoch >= 0) {
    WriteI32BE(batch + kPartitionLeaderEpochAt, static_cast<int32_t>(leaderEpoch));
  }
  const int64_t lastOffset = WrappingAdd(ReadI64BE(batch + kBaseOffsetAt), lastOffsetDelta);
  const int64_t maxTimestamp = ReadI64BE(batch + kMaxTimestampAt);
  // Strictly greater: the first batch holding the largest timestamp names the offset.
  if (passed->batchCount == 0 || maxTimestamp > passed->maxTimestamp) {
    passed->maxTimestamp = maxTimestamp;
    passed->offsetOfMaxTimestamp = lastOffset;
  }
  passed->batchCount += 1;
  passed->recordCount += ReadI32BE(batch + kRecordsCountAt);
  passed->nextOffset = WrappingAdd(lastOffset, 1);
  passed->lastBatchPosition = static_cast<int64_t>(position);
  passed->validBytes = position + size;
}

void WriteSlots(const PassedBatches& passed, double* out) {
  out[kSlotValidBytes] = static_cast<double>(passed.validBytes);
  out[kSlotBatchCount] = static_cast<double>(passed.batchCount);
  out[kSlotRecordCount] = static_cast<double>(passed.recordCount);
  out[kSlotNextOffset] = static_cast<double>(passed.nextOffset);
  out[kSlotMaxTimestamp] = static_cast<double>(passed.maxTimestamp);
  out[kSlotOffsetOfMaxTimestamp] = static_cast<double>(passed.offsetOfMaxTimestamp);
  out[kSlotLastBatchPosition] = static_cast<double>(passed.lastBatchPosition);
}

}  // namespace

int ValidateBatches(uint8_t* buf, size_t length, int64_t assignFrom, int64_t leaderEpoch,
                    double* out) {
  PassedBatches passed;
  int64_t nextAssigned = assignFrom < 0 ? -1 : assignFrom;
  int status = kBatchOk;
  size_t position = 0;
  while (position < length) {
    size_t size = 0;
    status = CheckBatch(buf + position, length - position, &size);
    if (status != kBatchOk) break;
    AcceptBatch(buf + position, position, size, &nextAssigned, leaderEpoch, &passed);
    position += size;
  }
  WriteSlots(passed, out);
  return status;
}

// ---- Encoding -------------------------------------------------------------------------

namespace {

inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}

inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

inline size_t UnsignedVarintSize(uint64_t v) {
  size_t bytes = 1;
  for (; v >= 0x80; v >>= 7) ++bytes;
  return bytes;
}

inline size_t VarintSize(int64_t v) {
  return UnsignedVarintSize(ZigZag32(static_cast<int32_t>(v)));
}

inline uint8_t* WriteUnsignedVarint(uint8_t* p, uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<uint8_t>(v | 0x80);
  *p++ = static_cast<uint8_t>(v);
  return p;
}

inline uint8_t* WriteVarint(uint8_t* p, int64_t v) {
  return WriteUnsignedVarint(p, ZigZag32(static_cast<int32_t>(v)));
}

inline size_t NullableBytesSize(const NullableBytes& bytes) {
  return VarintSize(bytes.length) + (bytes.length > 0 ? static_cast<size_t>(bytes.length) : 0);
}

inline uint8_t* WriteNullableBytes(uint8_t* p, const NullableBytes& bytes) {
  p = WriteVarint(p, bytes.length);
  if (bytes.length > 0) {
    std::memcpy(p, bytes.data, static_cast<size_t>(bytes.length));
    p += bytes.length;
  }
  return p;
}

inline int64_t TimestampDelta(const RecordInput& record, int64_t baseTimestamp) {
  return WrappingSubtract(record.timestamp, baseTimestamp);
}

// Bytes of a record after its length varint.
size_t RecordBodySize(const RecordInput& record, const std::vector<HeaderInput>& headers,
                      int64_t offsetDelta, int64_t baseTimestamp) {
  size_t size = 1;  // attributes
  size += UnsignedVarintSize(ZigZag64(TimestampDelta(record, baseTimestamp)));
  size += VarintSize(offsetDelta);
  size += NullableBytesSize(record.key) + NullableBytesSize(record.value);
  size += VarintSize(static_cast<int64_t>(record.headerCount));
  for (size_t h = record.firstHeader; h < record.firstHeader + record.headerCount; ++h) {
    size += NullableBytesSize(headers[h].key) + NullableBytesSize(headers[h].value);
  }
  return size;
}

uint8_t* WriteRecord(uint8_t* p, const RecordInput& record,
                     const std::vector<HeaderInput>& headers, int64_t offsetDelta,
                     int64_t baseTimestamp) {
  p = WriteVarint(p, static_cast<int64_t>(RecordBodySize(record, headers, offsetDelta, baseTimestamp)));
  *p++ = 0;  // attributes
  p = WriteUnsignedVarint(p, ZigZag64(TimestampDelta(record, baseTimestamp)));
  p = WriteVarint(p, offsetDelta);
  p = WriteNullableBytes(p, record.key);
  p = WriteNullableBytes(p, record.value);
  p = WriteVarint(p, static_cast<int64_t>(record.headerCount));
  for (size_t h = record.firstHeader; h < record.firstHeader + record.headerCount; ++h) {
    p = WriteNullableBytes(p, headers[h].key);
    p = WriteNullableBytes(p, headers[h].value);
  }
  return p;
}

int64_t MaxRecordTimestamp(const std::vector<RecordInput>& records, int64_t baseTimestamp) {
  if (records.empty()) return baseTimestamp;
  int64_t max = records[0].timestamp;
  for (const RecordInput& record : records) max = record.timestamp > max ? record.timestamp : max;
  return max;
}

void WriteHeader(uint8_t* out, size_t size, const BatchHeaderInput& header,
                 const std::vector<RecordInput>& records) {
  const int32_t count = static_cast<int32_t>(records.size());
  WriteI64BE(out + kBaseOffsetAt, header.baseOffset);
  WriteI32BE(out + kBatchLengthAt, static_cast<int32_t>(size - kLogOverhead));
  WriteI32BE(out + kPartitionLeaderEpochAt, header.partitionLeaderEpoch);
  out[kMagicAt] = kMagicV2;
  WriteI16BE(out + kAttributesAt, header.attributes);
  WriteI32BE(out + kLastOffsetDeltaAt, count - 1);
  WriteI64BE(out + kBaseTimestampAt, header.baseTimestamp);
  WriteI64BE(out + kMaxTimestampAt, MaxRecordTimestamp(records, header.baseTimestamp));
  WriteI64BE(out + kProducerIdAt, header.producerId);
  WriteI16BE(out + kProducerEpochAt, header.producerEpoch);
  WriteI32BE(out + kBaseSequenceAt, header.baseSequence);
  WriteI32BE(out + kRecordsCountAt, count);
}

}  // namespace

size_t EncodedBatchSize(const std::vector<RecordInput>& records,
                        const std::vector<HeaderInput>& headers, int64_t baseTimestamp) {
  uint64_t size = kHeaderBytes;
  for (size_t i = 0; i < records.size(); ++i) {
    const size_t body = RecordBodySize(records[i], headers, static_cast<int64_t>(i), baseTimestamp);
    size += VarintSize(static_cast<int64_t>(body)) + body;
  }
  if (size - kLogOverhead > kMaxBatchLength) return 0;
  return static_cast<size_t>(size);
}

void EncodeBatch(const std::vector<RecordInput>& records, const std::vector<HeaderInput>& headers,
                 const BatchHeaderInput& header, uint8_t* out, size_t size) {
  WriteHeader(out, size, header, records);
  uint8_t* p = out + kHeaderBytes;
  for (size_t i = 0; i < records.size(); ++i) {
    p = WriteRecord(p, records[i], headers, static_cast<int64_t>(i), header.baseTimestamp);
  }
  // Last, once every byte it covers is in place.
  WriteU32BE(out + kCrcAt, Crc32c(0, out + kAttributesAt, size - kAttributesAt));
}

}  // namespace sluice
