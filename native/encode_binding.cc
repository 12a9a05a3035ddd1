// encodeBatch glue. The records are read once into plain structs that point straight into the
// JavaScript Uint8Arrays (no copies); header keys, being strings, are converted to UTF-8 into
// one shared arena. The encoder then sizes the batch, and fills a single Buffer.
#include "encode_binding.h"

#include <string>
#include <vector>

#include "js_values.h"
#include "record_batch.h"

namespace sluice {
namespace {

// Property names made once per call: napi_get_property with a ready key is much cheaper than
// looking a property up by C string, which creates the key string every time.
struct RecordPropertyNames {
  explicit RecordPropertyNames(Napi::Env env)
      : key(Napi::String::New(env, "key")),
        value(Napi::String::New(env, "value")),
        headers(Napi::String::New(env, "headers")),
        timestamp(Napi::String::New(env, "timestamp")) {}
  Napi::String key, value, headers, timestamp;
};

struct EncoderInput {
  std::vector<RecordInput> records;
  std::vector<HeaderInput> headers;
  std::string headerKeyArena;               // UTF-8 of every header key, back to back
  std::vector<size_t> headerKeyOffsets;     // where each header's key starts in the arena
};

// null and undefined are null; a Uint8Array is its bytes; anything else is refused.
bool ReadNullableBytes(Napi::Value value, NullableBytes* out) {
  if (value.IsNull() || value.IsUndefined()) {
    *out = NullableBytes{};
    return true;
  }
  ByteView view;
  if (!GetUint8Array(value.Env(), value, &view)) return false;
  out->data = view.data;
  out->length = static_cast<int64_t>(view.length);
  return true;
}

// Appends the UTF-8 of a string (lone surrogates become U+FFFD, as Buffer.from does) to the
// arena and returns its byte length, or -1 when the value is not a string.
int64_t AppendUtf8(Napi::Env env, Napi::Value value, std::string* arena) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return -1;
  const size_t start = arena->size();
  arena->resize(start + length + 1);  // Node-API always writes a terminating NUL
  size_t copied = 0;
  napi_get_value_string_utf8(env, value, &(*arena)[start], length + 1, &copied);
  arena->resize(start + copied);
  return static_cast<int64_t>(copied);
}

// Header objects have the same `key` and `value` property names as records.
bool ReadHeaders(Napi::Value value, const RecordPropertyNames& names, EncoderInput* input) {
  if (!value.IsArray()) return false;
  Napi::Array headers = value.As<Napi::Array>();
  const uint32_t count = headers.Length();
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value header = headers.Get(i);
    if (!header.IsObject()) return false;
    Napi::Object object = header.As<Napi::Object>();
    HeaderInput parsed;
    input->headerKeyOffsets.push_back(input->headerKeyArena.size());
    parsed.key.length = AppendUtf8(value.Env(), object.Get(names.key), &input->headerKeyArena);
    if (parsed.key.length < 0 || !ReadNullableBytes(object.Get(names.value), &parsed.value)) {
      return false;
    }
    input->headers.push_back(parsed);
  }
  return true;
}

bool ReadRecord(Napi::Value value, const RecordPropertyNames& names, EncoderInput* input) {
  if (!value.IsObject()) return false;
  Napi::Object object = value.As<Napi::Object>();
  RecordInput record;
  Napi::Value timestamp = object.Get(names.timestamp);
  if (!timestamp.IsNumber()) return false;
  record.timestamp = timestamp.As<Napi::Number>().Int64Value();
  if (!ReadNullableBytes(object.Get(names.key), &record.key) ||
      !ReadNullableBytes(object.Get(names.value), &record.value)) {
    return false;
  }
  record.firstHeader = input->headers.size();
  if (!ReadHeaders(object.Get(names.headers), names, input)) return false;
  record.headerCount = input->headers.size() - record.firstHeader;
  input->records.push_back(record);
  return true;
}

bool ReadRecords(Napi::Array records, EncoderInput* input) {
  const RecordPropertyNames names(records.Env());
  const uint32_t count = records.Length();
  input->records.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (!ReadRecord(records.Get(i), names, input)) return false;
  }
  // Only now is the arena final, so only now can the keys point into it.
  for (size_t i = 0; i < input->headers.size(); ++i) {
    input->headers[i].key.data =
        reinterpret_cast<const uint8_t*>(input->headerKeyArena.data()) + input->headerKeyOffsets[i];
  }
  return true;
}

bool ReadNumber(Napi::Object object, const char* name, Napi::Number* out) {
  Napi::Value value = object.Get(name);
  if (!value.IsNumber()) return false;
  *out = value.As<Napi::Number>();
  return true;
}

// int16 fields are read as int32 and truncated, so -1 and 0xffff give the same bytes.
bool ReadBatchHeader(Napi::Object object, BatchHeaderInput* header) {
  Napi::Number baseOffset, epoch, attributes, baseTimestamp, producerId, producerEpoch, sequence;
  if (!ReadNumber(object, "baseOffset", &baseOffset) ||
      !ReadNumber(object, "partitionLeaderEpoch", &epoch) ||
      !ReadNumber(object, "attributes", &attributes) ||
      !ReadNumber(object, "baseTimestamp", &baseTimestamp) ||
      !ReadNumber(object, "producerId", &producerId) ||
      !ReadNumber(object, "producerEpoch", &producerEpoch) ||
      !ReadNumber(object, "baseSequence", &sequence)) {
    return false;
  }
  header->baseOffset = baseOffset.Int64Value();
  header->partitionLeaderEpoch = epoch.Int32Value();
  header->attributes = static_cast<int16_t>(attributes.Int32Value());
  header->baseTimestamp = baseTimestamp.Int64Value();
  header->producerId = producerId.Int64Value();
  header->producerEpoch = static_cast<int16_t>(producerEpoch.Int32Value());
  header->baseSequence = sequence.Int32Value();
  return true;
}

}  // namespace

Napi::Value EncodeBatchBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EncoderInput input;
  BatchHeaderInput header;
  if (!info[0].IsArray() || !info[1].IsObject() ||
      !ReadRecords(info[0].As<Napi::Array>(), &input) ||
      !ReadBatchHeader(info[1].As<Napi::Object>(), &header)) {
    return ThrowTypeError(env, "encodeBatch(records, header): unexpected argument types");
  }
  const size_t size = EncodedBatchSize(input.records, input.headers, header.baseTimestamp);
  if (size == 0) {
    Napi::RangeError::New(env, "record batch larger than 2 GiB").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> batch = Napi::Buffer<uint8_t>::New(env, size);
  EncodeBatch(input.records, input.headers, header, batch.Data(), size);
  return batch;
}

}  // namespace sluice
