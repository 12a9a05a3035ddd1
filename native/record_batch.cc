// Validation of received Kafka v2 record batches (NOTES.md §4), offsets assigned in place.
// Offsets and timestamps are int64 on the wire and are handled as int64 here; only the result
// slots are doubles. Encoding is in record_batch_encode.cc.
#include "record_batch.h"

#include "batch_layout.h"
#include "big_endian.h"
#include "crc32c.h"

namespace sluice {

using namespace batch_layout;  // NOLINT: the layout constants read better unqualified

namespace {

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

// What the broker stamps into every batch that passes.
struct Stamps {
  int64_t nextAssigned;  // < 0: offsets left as sent
  int64_t leaderEpoch;   // < 0: epoch left as sent
  int64_t logAppendTime;  // < 0: CreateTime, timestamps left as sent
};

// LogAppendTime as Kafka applies it (DefaultRecordBatch.setMaxTimestamp): the batch's
// timestamp-type bit and maxTimestamp change, the records' deltas do not, and the CRC (which
// covers both) is computed again; a batch that already says so is left alone.
void StampLogAppendTime(uint8_t* batch, size_t size, int64_t logAppendTime) {
  const uint16_t attributes = ReadU16BE(batch + kAttributesAt);
  if ((attributes & kTimestampTypeBit) != 0 && ReadI64BE(batch + kMaxTimestampAt) == logAppendTime) {
    return;
  }
  WriteU16BE(batch + kAttributesAt, static_cast<uint16_t>(attributes | kTimestampTypeBit));
  WriteI64BE(batch + kMaxTimestampAt, logAppendTime);
  WriteU32BE(batch + kCrcAt, Crc32c(0, batch + kAttributesAt, size - kAttributesAt));
}

// Stamps a batch that passed (offsets and epoch sit outside the CRC) and adds it to the totals.
void AcceptBatch(uint8_t* batch, size_t position, size_t size, Stamps* stamps,
                 PassedBatches* passed) {
  const int32_t lastOffsetDelta = ReadI32BE(batch + kLastOffsetDeltaAt);
  if (stamps->nextAssigned >= 0) {
    WriteI64BE(batch + kBaseOffsetAt, stamps->nextAssigned);
    stamps->nextAssigned = WrappingAdd(stamps->nextAssigned, int64_t{lastOffsetDelta} + 1);
  }
  if (stamps->leaderEpoch >= 0) {
    WriteI32BE(batch + kPartitionLeaderEpochAt, static_cast<int32_t>(stamps->leaderEpoch));
  }
  if (stamps->logAppendTime >= 0) StampLogAppendTime(batch, size, stamps->logAppendTime);
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
                    int64_t logAppendTime, double* out) {
  PassedBatches passed;
  Stamps stamps{assignFrom < 0 ? -1 : assignFrom, leaderEpoch, logAppendTime};
  int status = kBatchOk;
  size_t position = 0;
  while (position < length) {
    size_t size = 0;
    status = CheckBatch(buf + position, length - position, &size);
    if (status != kBatchOk) break;
    AcceptBatch(buf + position, position, size, &stamps, &passed);
    position += size;
  }
  WriteSlots(passed, out);
  return status;
}

}  // namespace sluice
