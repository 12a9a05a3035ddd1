// Kafka v2 record batches: validating received batches in place, and encoding new ones.
// Pure computation on byte ranges (record_batch.cc validates, record_batch_encode.cc encodes);
// the N-API glue lives in addon.cc and encode_binding.cc.
#ifndef SLUICE_NATIVE_RECORD_BATCH_H_
#define SLUICE_NATIVE_RECORD_BATCH_H_

#include <cstddef>
#include <cstdint>

namespace sluice {

// Mirrors BatchStatus in src/hotpath/types.ts.
enum BatchStatus : int {
  kBatchOk = 0,
  kBatchTruncated = 1,
  kBatchBadLength = 2,
  kBatchBadMagic = 3,
  kBatchBadCrc = 4,
  kBatchBadRecordCount = 5,
};

// Mirrors ValidateSlot in src/hotpath/types.ts: the slots ValidateBatches fills.
enum ValidateSlot : int {
  kSlotValidBytes = 0,
  kSlotBatchCount = 1,
  kSlotRecordCount = 2,
  kSlotNextOffset = 3,
  kSlotMaxTimestamp = 4,
  kSlotOffsetOfMaxTimestamp = 5,
  kSlotLastBatchPosition = 6,
  kValidateSlotsWritten = 7,
};

/**
 * Walks the batches back to back in buf and stops at the first that fails; see
 * HotPath.validateBatches. assignFrom < 0 leaves baseOffsets alone, leaderEpoch < 0 leaves
 * partitionLeaderEpoch alone, logAppendTime < 0 leaves the timestamps alone (otherwise each
 * passed batch becomes LogAppendTime: the attribute bit set, maxTimestamp = logAppendTime, CRC
 * recomputed). Writes kValidateSlotsWritten doubles to out and returns a BatchStatus.
 */
int ValidateBatches(uint8_t* buf, size_t length, int64_t assignFrom, int64_t leaderEpoch,
                    int64_t logAppendTime, double* out);

struct BatchHeaderInput {
  int64_t baseOffset = 0;
  int32_t partitionLeaderEpoch = 0;
  int16_t attributes = 0;
  int64_t baseTimestamp = 0;
  int64_t producerId = -1;
  int16_t producerEpoch = -1;
  int32_t baseSequence = -1;
};

/**
 * The records of a batch as src/hotpath/native-encode.ts packs them (see EncodeBatchInto
 * there). Lengths are -1 for null; header keys are UTF-8 already and never null. The bytes
 * the lengths take lie back to back in `data`, in record order: key, value, then per header
 * its key and value.
 */
struct PackedRecords {
  const uint8_t* data = nullptr;
  size_t dataLength = 0;
  /** kPackedRecordSlots per record: timestamp, key length, value length, header count. */
  const double* records = nullptr;
  size_t count = 0;
  /** kPackedHeaderSlots per header of every record, in order: key length, value length. */
  const double* headers = nullptr;
  size_t headerSlots = 0;
};

constexpr size_t kPackedRecordSlots = 4;
constexpr size_t kPackedHeaderSlots = 2;

enum PackedStatus : int {
  kPackedOk = 0,
  /** batchLength would not fit an int32: the batch cannot be encoded. */
  kPackedTooLarge = 1,
  /** The slots name more headers or bytes than there are, or hold an invalid length. */
  kPackedMalformed = 2,
  /** The batch needs more than the capacity given. */
  kPackedNoRoom = 3,
};

/**
 * Encodes the packed records as an uncompressed v2 batch into out[0, capacity), in one pass:
 * record timestamps become varint deltas from header.baseTimestamp, offset deltas count from
 * 0, and the CRC is computed last. Returns a PackedStatus; on kPackedOk *size holds the batch
 * size, log overhead included. On failure out may hold a partial batch: discard it.
 */
int EncodePackedBatch(const PackedRecords& records, const BatchHeaderInput& header, uint8_t* out,
                      size_t capacity, size_t* size);

}  // namespace sluice

#endif  // SLUICE_NATIVE_RECORD_BATCH_H_
