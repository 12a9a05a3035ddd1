// encodeBatchInto glue: one Node-API crossing per batch. src/hotpath/native-encode.ts packs
// the records into one byte buffer and one Float64Array of numbers and lengths (the layout is
// documented there, on EncodeBatchInto) and hands over memory for the batch; this reads the
// batch header from the first slots and lets record_batch_encode.cc write the batch there. Nothing
// is allocated: JavaScript takes the memory from a slab, which costs less than one Buffer a call.
#include "encode_binding.h"

#include <cmath>

#include "js_values.h"
#include "record_batch.h"

namespace sluice {
namespace {

constexpr size_t kHeaderSlots = 7;  // PACKED_HEADER_SLOTS

// The packer writes checked safe integers; these conversions only keep malformed slots clear
// of undefined behaviour (NaN, out-of-range casts).
int64_t SlotToInt64(double value) { return std::isnan(value) ? 0 : FloorToInt64(value); }

// Like Napi::Number::Int32Value: the low 32 bits of the integer.
int32_t SlotToInt32(double value) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(SlotToInt64(value))));
}

// int16 fields are truncated from int32, so -1 and 0xffff give the same bytes.
BatchHeaderInput ReadBatchHeader(const double* slots) {
  BatchHeaderInput header;
  header.baseOffset = SlotToInt64(slots[0]);
  header.partitionLeaderEpoch = SlotToInt32(slots[1]);
  header.attributes = static_cast<int16_t>(SlotToInt32(slots[2]));
  header.baseTimestamp = SlotToInt64(slots[3]);
  header.producerId = SlotToInt64(slots[4]);
  header.producerEpoch = static_cast<int16_t>(SlotToInt32(slots[5]));
  header.baseSequence = SlotToInt32(slots[6]);
  return header;
}

bool GetDouble(napi_env env, napi_value value, double* out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

}  // namespace

Napi::Value EncodeBatchIntoBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView data;
  double* meta = nullptr;
  size_t metaLength = 0;
  double dataLength = 0;
  double recordCount = 0;
  ByteView out;
  double outOffset = 0;
  if (info.Length() < 6 || !GetUint8Array(env, info[0], &data) ||
      !GetDouble(env, info[1], &dataLength) || !GetFloat64Array(env, info[2], &meta, &metaLength) ||
      !GetDouble(env, info[3], &recordCount) || !GetUint8Array(env, info[4], &out) ||
      !GetDouble(env, info[5], &outOffset) ||
      !(dataLength >= 0 && dataLength <= static_cast<double>(data.length)) ||
      metaLength < kHeaderSlots ||
      !(recordCount >= 0 &&
        recordCount <= static_cast<double>((metaLength - kHeaderSlots) / kPackedRecordSlots)) ||
      !(outOffset >= 0 && outOffset <= static_cast<double>(out.length))) {
    return ThrowTypeError(env, "encodeBatchInto(data, dataLength, meta, recordCount, out, outOffset)");
  }
  PackedRecords records;
  records.data = data.data;
  records.dataLength = static_cast<size_t>(dataLength);
  records.count = static_cast<size_t>(recordCount);
  records.records = meta + kHeaderSlots;
  records.headers = records.records + kPackedRecordSlots * records.count;
  records.headerSlots = metaLength - kHeaderSlots - kPackedRecordSlots * records.count;
  const size_t offset = static_cast<size_t>(outOffset);
  size_t size = 0;
  const int status = EncodePackedBatch(records, ReadBatchHeader(meta), out.data + offset,
                                       out.length - offset, &size);
  return Napi::Number::New(env, status == kPackedOk ? static_cast<double>(size) : -status);
}

}  // namespace sluice
