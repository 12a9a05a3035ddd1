// The encodeBatchPacked binding: encodes a batch that src/hotpath/native-encode.ts packed.
#ifndef SLUICE_NATIVE_ENCODE_BINDING_H_
#define SLUICE_NATIVE_ENCODE_BINDING_H_

#include <napi.h>

namespace sluice {

/**
 * encodeBatchPacked(data, dataLength, meta, recordCount) -> Buffer; see EncodeBatchPacked in
 * src/hotpath/native-encode.ts for the layout, and HotPath.encodeBatch for the result.
 */
Napi::Value EncodeBatchPackedBinding(const Napi::CallbackInfo& info);

}  // namespace sluice

#endif  // SLUICE_NATIVE_ENCODE_BINDING_H_
