// CRC-32C (Castagnoli), the checksum of Kafka v2 record batches.
//
// Chaining follows the npm `crc-32` package (crc32c.buf(data, seed)): start with init 0 and
// pass the previous result to continue, so Crc32c(Crc32c(0, a), b) == Crc32c(0, a ++ b).
#ifndef SLUICE_NATIVE_CRC32C_H_
#define SLUICE_NATIVE_CRC32C_H_

#include <cstddef>
#include <cstdint>

// The SSE4.2 and AVX-512 kernels exist on x86-64 only; defining SLUICE_NO_HARDWARE_CRC leaves
// them out, which also lets the portable-only build (as on ARM) be compiled and tested on an
// x86 machine.
#if defined(__x86_64__) && !defined(SLUICE_NO_HARDWARE_CRC)
#define SLUICE_HARDWARE_CRC 1
#endif

namespace sluice {

/** The fastest implementation this CPU supports, chosen once when the library loads. */
uint32_t Crc32c(uint32_t init, const uint8_t* data, size_t length);

/** The kernel Crc32c runs on: "avx512-vpclmulqdq", "sse4.2" or "table". */
const char* Crc32cKernelName();

/** Table-driven slicing-by-8; runs anywhere. Exposed for tests and benchmarks. */
uint32_t Crc32cPortable(uint32_t init, const uint8_t* data, size_t length);

#if defined(SLUICE_HARDWARE_CRC)
// The x86 kernels, for tests and benchmarks. Only call one when the CPU has what it needs
// (__builtin_cpu_supports): Crc32cSse42 needs sse4.2; Crc32cAvx512 needs avx512f,
// vpclmulqdq, pclmul and sse4.2.

/** SSE4.2 crc32 instruction, three interleaved streams on large inputs. */
uint32_t Crc32cSse42(uint32_t init, const uint8_t* data, size_t length);

/** Carry-less multiplication folding on 64-byte vectors for inputs of 512 bytes and more. */
uint32_t Crc32cAvx512(uint32_t init, const uint8_t* data, size_t length);

/**
 * Crc32cSse42 on the raw register (not bit-inverted before and after), so that kernels can
 * hand a register to one another mid-buffer.
 */
uint32_t Crc32cSse42Register(uint32_t crc, const uint8_t* data, size_t length);
#endif

}  // namespace sluice

#endif  // SLUICE_NATIVE_CRC32C_H_
