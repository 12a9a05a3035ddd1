// Encoding of uncompressed Kafka v2 record batches from the records src/hotpath/native-encode.ts
// packed (NOTES.md §4). Validation of received batches is in record_batch.cc.
#include <cstring>

#include "batch_layout.h"
#include "big_endian.h"
#include "crc32c.h"
#include "record_batch.h"

namespace sluice {

using namespace batch_layout;  // NOLINT: the layout constants read better unqualified

// One pass over the packed slots: each record is checked from its slots and written behind the
// header, body first and its length last; the header and, last of all, the CRC go in when all
// records are in place. The caller provides the memory (an upper bound), so nothing is
// allocated here; only when that memory is tight is a record sized exactly before writing.

namespace {

inline uint32_t ZigZag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}

inline uint64_t ZigZag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

// ceil(bits / 7) for the significant bits of v (at least one), without a loop: for bits in
// [1, 64], (9 * bits + 64) / 64 equals it.
inline size_t UnsignedVarintSize(uint64_t v) {
  const size_t bits = 64 - static_cast<size_t>(__builtin_clzll(v | 1));
  return (9 * bits + 64) / 64;
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

// A timestamp slot as an int64: exact for the safe integers the packer writes; anything else
// only has to stay clear of undefined behaviour (NaN becomes 0, out of range saturates).
inline int64_t TimestampSlot(double v) {
  constexpr double kTwoTo63 = 9223372036854775808.0;  // exactly representable
  if (v >= -kTwoTo63 && v < kTwoTo63) return static_cast<int64_t>(v);
  return v > 0 ? INT64_MAX : v < 0 ? INT64_MIN : 0;
}

// A length or count slot: from -1 (a null length) to below 2^31, else kBadSlot.
constexpr int64_t kBadSlot = INT64_MIN;
inline int64_t LengthSlot(double v) {
  return v >= -1 && v < 2147483648.0 ? static_cast<int64_t>(v) : kBadSlot;
}

inline uint64_t BytesOf(int64_t length) { return length > 0 ? static_cast<uint64_t>(length) : 0; }

inline size_t BytesFieldSize(int64_t length) { return VarintSize(length) + BytesOf(length); }

// Writes a length varint and that many bytes from *data, which it advances.
inline uint8_t* WriteBytesField(uint8_t* p, int64_t length, const uint8_t** data) {
  p = WriteVarint(p, length);
  if (length > 0) {
    std::memcpy(p, *data, static_cast<size_t>(length));
    p += length;
    *data += length;
  }
  return p;
}

// The slots of one record, read.
struct RecordSlots {
  int64_t timestamp;
  int64_t keyLength;
  int64_t valueLength;
  int64_t headerCount;
};

inline RecordSlots ReadRecord(const double* slots) {
  return {TimestampSlot(slots[0]), LengthSlot(slots[1]), LengthSlot(slots[2]), LengthSlot(slots[3])};
}

// The exact body size (bytes after the length varint) of a record CheckRecord accepted.
size_t RecordBodySize(const RecordSlots& record, const double* headers, int64_t offsetDelta,
                      int64_t baseTimestamp) {
  size_t size = 1;  // attributes
  size += UnsignedVarintSize(ZigZag64(WrappingSubtract(record.timestamp, baseTimestamp)));
  size += VarintSize(offsetDelta);
  size += BytesFieldSize(record.keyLength) + BytesFieldSize(record.valueLength);
  size += VarintSize(record.headerCount);
  for (int64_t h = 0; h < record.headerCount; ++h, headers += kPackedHeaderSlots) {
    size += BytesFieldSize(LengthSlot(headers[0])) + BytesFieldSize(LengthSlot(headers[1]));
  }
  return size;
}

// Writes what follows a record's length varint: attributes, timestamp and offset deltas, key,
// value and headers; returns the end.
uint8_t* WriteRecordBody(uint8_t* p, const RecordSlots& record, const double* headers,
                         int64_t offsetDelta, int64_t baseTimestamp, const uint8_t** data) {
  *p++ = 0;  // attributes
  p = WriteUnsignedVarint(p, ZigZag64(WrappingSubtract(record.timestamp, baseTimestamp)));
  p = WriteVarint(p, offsetDelta);
  p = WriteBytesField(p, record.keyLength, data);
  p = WriteBytesField(p, record.valueLength, data);
  p = WriteVarint(p, record.headerCount);
  for (int64_t h = 0; h < record.headerCount; ++h, headers += kPackedHeaderSlots) {
    p = WriteBytesField(p, LengthSlot(headers[0]), data);
    p = WriteBytesField(p, LengthSlot(headers[1]), data);
  }
  return p;
}

// Writes a record of `body` bytes (RecordBodySize) whose bytes were found to fit.
uint8_t* WriteRecord(uint8_t* p, const RecordSlots& record, const double* headers, size_t body,
                     int64_t offsetDelta, int64_t baseTimestamp, const uint8_t** data) {
  p = WriteVarint(p, static_cast<int64_t>(body));
  return WriteRecordBody(p, record, headers, offsetDelta, baseTimestamp, data);
}

// What a record takes at most beyond its data bytes: its length varint (5), attributes (1),
// timestamp delta (10), offset delta, key and value lengths and header count (5 each); each
// header adds two length varints (10). src/hotpath/native-encode.ts sizes the memory with it.
constexpr uint64_t kMaxRecordOverhead = 36;
constexpr uint64_t kMaxHeaderOverhead = 10;

// Checks a record's slots and bounds its size instead of sizing its varints: stores the data
// bytes it takes and the most bytes it can encode to. False when malformed: a bad length, a
// null header key, or more headers than slots.
bool CheckRecord(const RecordSlots& record, const double* headers, size_t headersLeft,
                 uint64_t* dataBytes, uint64_t* maxBytes) {
  if (record.keyLength == kBadSlot || record.valueLength == kBadSlot || record.headerCount < 0 ||
      static_cast<uint64_t>(record.headerCount) > headersLeft / kPackedHeaderSlots) {
    return false;
  }
  uint64_t bytes = BytesOf(record.keyLength) + BytesOf(record.valueLength);
  for (int64_t h = 0; h < record.headerCount; ++h, headers += kPackedHeaderSlots) {
    const int64_t keyLength = LengthSlot(headers[0]);
    const int64_t valueLength = LengthSlot(headers[1]);
    if (keyLength < 0 || valueLength == kBadSlot) return false;
    bytes += BytesOf(keyLength) + BytesOf(valueLength);
  }
  *dataBytes = bytes;
  *maxBytes = kMaxRecordOverhead + kMaxHeaderOverhead * static_cast<uint64_t>(record.headerCount) + bytes;
  return true;
}

// Back to front: writes the record's body two bytes in, then its length in front of it. A body
// of 64 to 8191 bytes has a two-byte length, and the body only moves when that guess is wrong,
// so no varint is sized before writing. Needs room for CheckRecord's maxBytes.
uint8_t* WriteRecordBodyFirst(uint8_t* p, const RecordSlots& record, const double* headers,
                              int64_t offsetDelta, int64_t baseTimestamp, const uint8_t** data) {
  constexpr size_t kGuessedLengthBytes = 2;
  uint8_t* const body = p + kGuessedLengthBytes;
  const uint8_t* const end = WriteRecordBody(body, record, headers, offsetDelta, baseTimestamp, data);
  const size_t bodyBytes = static_cast<size_t>(end - body);
  const size_t lengthBytes = VarintSize(static_cast<int64_t>(bodyBytes));
  if (lengthBytes != kGuessedLengthBytes) std::memmove(p + lengthBytes, body, bodyBytes);
  WriteVarint(p, static_cast<int64_t>(bodyBytes));
  return p + lengthBytes + bodyBytes;
}

void WriteHeader(uint8_t* out, size_t size, const BatchHeaderInput& header, int32_t count,
                 int64_t maxTimestamp) {
  WriteI64BE(out + kBaseOffsetAt, header.baseOffset);
  WriteI32BE(out + kBatchLengthAt, static_cast<int32_t>(size - kLogOverhead));
  WriteI32BE(out + kPartitionLeaderEpochAt, header.partitionLeaderEpoch);
  out[kMagicAt] = kMagicV2;
  WriteI16BE(out + kAttributesAt, header.attributes);
  WriteI32BE(out + kLastOffsetDeltaAt, count - 1);
  WriteI64BE(out + kBaseTimestampAt, header.baseTimestamp);
  WriteI64BE(out + kMaxTimestampAt, maxTimestamp);
  WriteI64BE(out + kProducerIdAt, header.producerId);
  WriteI16BE(out + kProducerEpochAt, header.producerEpoch);
  WriteI32BE(out + kBaseSequenceAt, header.baseSequence);
  WriteI32BE(out + kRecordsCountAt, count);
}

}  // namespace

int EncodePackedBatch(const PackedRecords& records, const BatchHeaderInput& header, uint8_t* out,
                      size_t capacity, size_t* size) {
  if (capacity < kHeaderBytes) return kPackedNoRoom;
  const uint8_t* data = records.data;
  size_t dataLeft = records.dataLength;
  const double* headers = records.headers;
  size_t headersLeft = records.headerSlots;
  uint8_t* p = out + kHeaderBytes;
  size_t room = capacity - kHeaderBytes;
  int64_t maxTimestamp = header.baseTimestamp;  // for no records; the loader never passes none
  for (size_t i = 0; i < records.count; ++i) {
    const RecordSlots record = ReadRecord(records.records + kPackedRecordSlots * i);
    const int64_t offsetDelta = static_cast<int64_t>(i);
    uint64_t dataBytes = 0;
    uint64_t maxBytes = 0;
    if (!CheckRecord(record, headers, headersLeft, &dataBytes, &maxBytes) || dataBytes > dataLeft) {
      return kPackedMalformed;
    }
    uint8_t* next = nullptr;
    if (maxBytes <= room && maxBytes <= kMaxBatchLength) {
      next = WriteRecordBodyFirst(p, record, headers, offsetDelta, header.baseTimestamp, &data);
    } else {
      // Tight on room (or absurdly large): size the record exactly first, then write it.
      const size_t body = RecordBodySize(record, headers, offsetDelta, header.baseTimestamp);
      // A body beyond int32 cannot be framed; refusing it here also keeps the varint exact.
      if (body > kMaxBatchLength) return kPackedTooLarge;
      if (VarintSize(static_cast<int64_t>(body)) + body > room) return kPackedNoRoom;
      next = WriteRecord(p, record, headers, body, offsetDelta, header.baseTimestamp, &data);
    }
    if (i == 0 || record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    room -= static_cast<size_t>(next - p);
    p = next;
    dataLeft -= static_cast<size_t>(dataBytes);
    const size_t headerSlots = kPackedHeaderSlots * static_cast<size_t>(record.headerCount);
    headers += headerSlots;
    headersLeft -= headerSlots;
  }
  const size_t total = static_cast<size_t>(p - out);
  if (total - kLogOverhead > kMaxBatchLength) return kPackedTooLarge;
  WriteHeader(out, total, header, static_cast<int32_t>(records.count), maxTimestamp);
  // Last, once every byte it covers is in place.
  WriteU32BE(out + kCrcAt, Crc32c(0, out + kAttributesAt, total - kAttributesAt));
  *size = total;
  return kPackedOk;
}

}  // namespace sluice
