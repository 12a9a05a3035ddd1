// Kafka v2 record batches: validating received batches in place, and encoding new ones.
// Pure computation on byte ranges; the N-API glue lives in addon.cc.
#ifndef SLUICE_NATIVE_RECORD_BATCH_H_
#define SLUICE_NATIVE_RECORD_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

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
 * partitionLeaderEpoch alone. Writes kValidateSlotsWritten doubles to out and returns a
 * BatchStatus.
 */
int ValidateBatches(uint8_t* buf, size_t length, int64_t assignFrom, int64_t leaderEpoch,
                    double* out);

/** A byte range that may be null (length -1), as record keys and values are. */
struct NullableBytes {
  const uint8_t* data = nullptr;
  int64_t length = -1;
};

struct HeaderInput {
  NullableBytes key;  // UTF-8, never null
  NullableBytes value;
};

struct RecordInput {
  NullableBytes key;
  NullableBytes value;
  int64_t timestamp = 0;
  size_t firstHeader = 0;  // index into the headers vector
  size_t headerCount = 0;
};

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
 * Bytes of the uncompressed v2 batch holding these records, log overhead included; 0 when
 * batchLength would not fit an int32 (the batch cannot be encoded). baseTimestamp matters
 * because the record timestamps are stored as varint deltas from it.
 */
size_t EncodedBatchSize(const std::vector<RecordInput>& records,
                        const std::vector<HeaderInput>& headers, int64_t baseTimestamp);

/** Writes the batch into out, which has exactly EncodedBatchSize(records, headers) bytes. */
void EncodeBatch(const std::vector<RecordInput>& records, const std::vector<HeaderInput>& headers,
                 const BatchHeaderInput& header, uint8_t* out, size_t size);

}  // namespace sluice

#endif  // SLUICE_NATIVE_RECORD_BATCH_H_
