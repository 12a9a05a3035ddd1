// CRC-32C (Castagnoli) for the TypeScript backend, from the crc-32 package's crc32c module
// (slicing-by-16 tables). A hand-written table would be one more thing to get wrong.
import CRC32C from 'crc-32/crc32c.js';

/**
 * CRC-32C of data continuing from `init` (0 to start); unsigned 32-bit result.
 * The package returns a signed int32, hence the `>>> 0`.
 */
export function crc32c(data: Uint8Array, init: number): number {
  return CRC32C.buf(data, init) >>> 0;
}
