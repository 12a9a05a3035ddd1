// The encodeBatch binding: unpacks the JavaScript records and header, then encodes.
#ifndef SLUICE_NATIVE_ENCODE_BINDING_H_
#define SLUICE_NATIVE_ENCODE_BINDING_H_

#include <napi.h>

namespace sluice {

/** encodeBatch(records, header) -> Buffer; see HotPath.encodeBatch in src/hotpath/types.ts. */
Napi::Value EncodeBatchBinding(const Napi::CallbackInfo& info);

}  // namespace sluice

#endif  // SLUICE_NATIVE_ENCODE_BINDING_H_
