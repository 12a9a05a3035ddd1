// CRC-32C (Castagnoli), the checksum of Kafka v2 record batches.
//
// Chaining follows the npm `crc-32` package (crc32c.buf(data, seed)): start with init 0 and
// pass the previous result to continue, so Crc32c(Crc32c(0, a), b) == Crc32c(0, a ++ b).
#ifndef SLUICE_NATIVE_CRC32C_H_
#define SLUICE_NATIVE_CRC32C_H_

#include <cstddef>
#include <cstdint>

// The SSE4.2 path exists on x86-64 only; defining SLUICE_NO_HARDWARE_CRC leaves it out, which
// also lets the portable-only build (as on ARM) be compiled and tested on an x86 machine.
#if defined(__x86_64__) && !defined(SLUICE_NO_HARDWARE_CRC)
#define SLUICE_HARDWARE_CRC 1
#endif

namespace sluice {

/** The fastest implementation this CPU supports, chosen once when the library loads. */
uint32_t Crc32c(uint32_t init, const uint8_t* data, size_t length);

/** True when Crc32c runs on the SSE4.2 crc32 instruction rather than on tables. */
bool Crc32cHardwareActive();

/** Table-driven slicing-by-8; runs anywhere. Exposed for tests and benchmarks. */
uint32_t Crc32cPortable(uint32_t init, const uint8_t* data, size_t length);

#if defined(SLUICE_HARDWARE_CRC)
/**
 * SSE4.2 crc32 instruction, three interleaved streams on large inputs. Only call it when
 * Crc32cHardwareActive() (or __builtin_cpu_supports("sse4.2")) says the CPU has it.
 */
uint32_t Crc32cSse42(uint32_t init, const uint8_t* data, size_t length);
#endif

}  // namespace sluice

#endif  // SLUICE_NATIVE_CRC32C_H_
