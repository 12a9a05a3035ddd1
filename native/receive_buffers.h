// Memory for large socket reads, reused rather than fresh each time.
#ifndef SLUICE_NATIVE_RECEIVE_BUFFERS_H_
#define SLUICE_NATIVE_RECEIVE_BUFFERS_H_

#include <napi.h>

namespace sluice {

/**
 * allocateReceiveBuffer(length) -> Buffer of `length` uninitialised bytes over a block from a
 * pool. The block returns to the pool when V8 frees the Buffer (and every view of it), so the
 * memory is only ever reused once nothing in JavaScript can see it.
 */
Napi::Value AllocateReceiveBuffer(const Napi::CallbackInfo& info);

/**
 * receiveBufferStats() -> { blocksMapped, blocksReused, idleBytes, discountedBytes }: what the
 * pool did so far, for tests and the benchmark.
 */
Napi::Value ReceiveBufferStats(const Napi::CallbackInfo& info);

}  // namespace sluice

#endif  // SLUICE_NATIVE_RECEIVE_BUFFERS_H_
