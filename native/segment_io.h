// Writing log segments off the main thread.
#ifndef SLUICE_NATIVE_SEGMENT_IO_H_
#define SLUICE_NATIVE_SEGMENT_IO_H_

#include <napi.h>

namespace sluice {

/**
 * appendFile(fd, position, buffers, sync) -> Promise<void>: writes the buffers back to back at
 * position with pwritev on the libuv thread pool, then fdatasync()s when sync is true.
 * Rejects with an Error carrying errno, code (e.g. 'EBADF') and syscall, like node:fs.
 */
Napi::Value AppendFile(const Napi::CallbackInfo& info);

}  // namespace sluice

#endif  // SLUICE_NATIVE_SEGMENT_IO_H_
