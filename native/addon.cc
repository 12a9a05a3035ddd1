// The Node-API module: registers the hot-path kernels under the names of HotPath in
// src/hotpath/types.ts, except encodeBatch: it is encodeBatchInto, for which the loader
// packs the records (src/hotpath/native-encode.ts). The TypeScript loader checks every
// argument before calling, so the bindings here only refuse values of the wrong type (a
// TypeError) rather than validate.
#include <napi.h>

#include <algorithm>
#include <cmath>

#include "crc32c.h"
#include "encode_binding.h"
#include "js_values.h"
#include "receive_buffers.h"
#include "record_batch.h"
#include "segment_io.h"
#include "sparse_index.h"

namespace sluice {
namespace {

// crc32c(data, init) -> unsigned 32-bit CRC. init is taken modulo 2^32, like crc-32's seed.
Napi::Value Crc32cBinding(const Napi::CallbackInfo& info) {
  ByteView data;
  if (!GetUint8Array(info.Env(), info[0], &data)) return ThrowTypeError(info.Env(), "crc32c(data, init)");
  const uint32_t init = info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  return Napi::Number::New(info.Env(), Crc32c(init, data.data, data.length));
}

// A negative (or NaN) argument means "do not assign"; otherwise the value as an int64.
int64_t OptionalInt64(const Napi::Value& value, int64_t max) {
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0)) return -1;
  return std::min(FloorToInt64(number), max);
}

// validateBatches(buf, assignFrom, leaderEpoch, logAppendTime, out) -> BatchStatus.
Napi::Value ValidateBatchesBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView buf;
  double* out = nullptr;
  size_t slots = 0;
  if (!GetUint8Array(env, info[0], &buf) || !info[1].IsNumber() || !info[2].IsNumber() ||
      !info[3].IsNumber() || !GetFloat64Array(env, info[4], &out, &slots) ||
      slots < kValidateSlotsWritten) {
    return ThrowTypeError(env, "validateBatches(buf, assignFrom, leaderEpoch, logAppendTime, out)");
  }
  const int64_t assignFrom = OptionalInt64(info[1], INT64_MAX);
  const int64_t leaderEpoch = OptionalInt64(info[2], INT32_MAX);
  const int64_t logAppendTime = OptionalInt64(info[3], INT64_MAX);
  const int status =
      ValidateBatches(buf.data, buf.length, assignFrom, leaderEpoch, logAppendTime, out);
  return Napi::Number::New(env, status);
}

using IndexLookup = int64_t (*)(const uint8_t*, size_t, int64_t);

// Shared by both index lookups: entries is capped to what the buffer holds, and a NaN target
// matches nothing (no key is <= NaN), as in JavaScript.
Napi::Value LookupIndex(const Napi::CallbackInfo& info, size_t entryBytes, IndexLookup lookup) {
  Napi::Env env = info.Env();
  ByteView index;
  if (!GetUint8Array(env, info[0], &index) || !info[1].IsNumber() || !info[2].IsNumber()) {
    return ThrowTypeError(env, "lookup(index, entries, target)");
  }
  const double entries = info[1].As<Napi::Number>().DoubleValue();
  const double target = info[2].As<Napi::Number>().DoubleValue();
  const size_t capacity = index.length / entryBytes;
  const size_t usable = entries >= static_cast<double>(capacity) ? capacity
                        : entries > 0                             ? static_cast<size_t>(entries)
                                                                  : 0;
  if (std::isnan(target)) return Napi::Number::New(env, -1);
  const int64_t slot = lookup(index.data, usable, FloorToInt64(target));
  return Napi::Number::New(env, static_cast<double>(slot));
}

Napi::Value LookupOffsetIndexBinding(const Napi::CallbackInfo& info) {
  return LookupIndex(info, kOffsetIndexEntryBytes, LookupOffsetIndex);
}

Napi::Value LookupTimeIndexBinding(const Napi::CallbackInfo& info) {
  return LookupIndex(info, kTimeIndexEntryBytes, LookupTimeIndex);
}

}  // namespace

Napi::Object RegisterExports(Napi::Env env, Napi::Object exports) {
  exports.Set("crc32c", Napi::Function::New(env, Crc32cBinding, "crc32c"));
  exports.Set("validateBatches", Napi::Function::New(env, ValidateBatchesBinding, "validateBatches"));
  exports.Set("encodeBatchInto",
              Napi::Function::New(env, EncodeBatchIntoBinding, "encodeBatchInto"));
  exports.Set("appendFile", Napi::Function::New(env, AppendFile, "appendFile"));
  exports.Set("lookupOffsetIndex",
              Napi::Function::New(env, LookupOffsetIndexBinding, "lookupOffsetIndex"));
  exports.Set("lookupTimeIndex", Napi::Function::New(env, LookupTimeIndexBinding, "lookupTimeIndex"));
  exports.Set("allocateReceiveBuffer",
              Napi::Function::New(env, AllocateReceiveBuffer, "allocateReceiveBuffer"));
  exports.Set("receiveBufferStats",
              Napi::Function::New(env, ReceiveBufferStats, "receiveBufferStats"));
  exports.Set("crcKernel", Napi::String::New(env, Crc32cKernelName()));
  return exports;
}

}  // namespace sluice

// NODE_API_MODULE pastes the function name into an identifier, so it needs an unqualified one.
static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  return sluice::RegisterExports(env, exports);
}

NODE_API_MODULE(sluice_native, Init)
