// The encodeBatchInto binding: encodes a batch that src/hotpath/native-encode.ts packed.
#ifndef SLUICE_NATIVE_ENCODE_BINDING_H_
#define SLUICE_NATIVE_ENCODE_BINDING_H_

#include <napi.h>

namespace sluice {

/**
 * encodeBatchInto(data, dataLength, meta, recordCount, out, outOffset) -> number: writes the
 * batch into out from outOffset and returns its size, or minus a PackedStatus when it cannot.
 * See EncodeBatchInto in src/hotpath/native-encode.ts for the layout of data and meta.
 */
Napi::Value EncodeBatchIntoBinding(const Napi::CallbackInfo& info);

}  // namespace sluice

#endif  // SLUICE_NATIVE_ENCODE_BINDING_H_
