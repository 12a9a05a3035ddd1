// CRC-32C: the slicing-by-8 table version that runs on any CPU, and the choice, made once
// from CPUID, of the fastest kernel this CPU supports: carry-less multiplication on AVX-512
// vectors (crc32c_avx512.cc), the SSE4.2 crc32 instruction in three streams
// (crc32c_sse42.cc), or the tables.
//
// Internally the CRC "register" is the bit-inverted value (pre- and post-conditioning), so a
// register can be carried from one block to the next; the public functions take and return
// the conditioned value, like crc-32's crc32c.buf.
#include "crc32c.h"

#include "crc32c_polynomial.h"

namespace sluice {
namespace {

using crc32c_polynomial::ByteTable;
using crc32c_polynomial::kPolynomial;

// ---- Slicing-by-8 tables ---------------------------------------------------------------

// kSlicing[k][b]: register after byte b followed by k zero bytes, from a zero register.
using SlicingTables = std::array<ByteTable, 8>;

constexpr SlicingTables MakeSlicingTables() {
  SlicingTables tables{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPolynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t byte = 0; byte < 256; ++byte) {
      const uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xff];
    }
  }
  return tables;
}

constexpr SlicingTables kSlicing = MakeSlicingTables();

inline uint32_t Load32LE(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

inline uint32_t TableByte(uint32_t crc, uint8_t byte) {
  return (crc >> 8) ^ kSlicing[0][(crc ^ byte) & 0xff];
}

uint32_t SlicingBy8(uint32_t crc, const uint8_t* p, size_t length) {
  for (; length >= 8; p += 8, length -= 8) {
    const uint32_t low = Load32LE(p) ^ crc;
    const uint32_t high = Load32LE(p + 4);
    crc = kSlicing[7][low & 0xff] ^ kSlicing[6][(low >> 8) & 0xff] ^
          kSlicing[5][(low >> 16) & 0xff] ^ kSlicing[4][low >> 24] ^
          kSlicing[3][high & 0xff] ^ kSlicing[2][(high >> 8) & 0xff] ^
          kSlicing[1][(high >> 16) & 0xff] ^ kSlicing[0][high >> 24];
  }
  for (; length > 0; ++p, --length) crc = TableByte(crc, *p);
  return crc;
}

}  // namespace

uint32_t Crc32cPortable(uint32_t init, const uint8_t* data, size_t length) {
  return ~SlicingBy8(~init, data, length);
}


namespace {

using CrcFunction = uint32_t (*)(uint32_t, const uint8_t*, size_t);

struct Kernel {
  CrcFunction function;
  const char* name;
};

// Decided from CPUID at run time so that the library loads, and stays correct, on CPUs
// without SSE4.2 or AVX-512 even though it contains code for them. (GCC's and Clang's
// cpu_supports also check that the OS saves the AVX-512 registers.)
Kernel ChooseKernel() {
#if defined(SLUICE_HARDWARE_CRC)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) {
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq") &&
        __builtin_cpu_supports("pclmul")) {
      return {Crc32cAvx512, "avx512-vpclmulqdq"};
    }
    return {Crc32cSse42, "sse4.2"};
  }
#endif
  return {Crc32cPortable, "table"};
}

// A function-local static, so that the choice is made before first use whatever the order
// in which the library's static initialisers run.
const Kernel& ActiveKernel() {
  static const Kernel chosen = ChooseKernel();
  return chosen;
}

}  // namespace

uint32_t Crc32c(uint32_t init, const uint8_t* data, size_t length) {
  return ActiveKernel().function(init, data, length);
}

const char* Crc32cKernelName() { return ActiveKernel().name; }

}  // namespace sluice
