// CRC-32C: a slicing-by-8 table version for any CPU, and an SSE4.2 version that runs three
// independent crc32 streams at once. The crc32 instruction has a latency of about three
// cycles but can start one per cycle, so a single dependent chain uses a third of the unit;
// three chains over adjacent blocks keep it busy, and their CRCs are then stitched together.
//
// Internally the CRC "register" is the bit-inverted value (pre- and post-conditioning), so a
// register can be carried from one block to the next; the public functions take and return
// the conditioned value, like crc-32's crc32c.buf.
#include "crc32c.h"

#include <array>
#include <cstring>

#if defined(SLUICE_HARDWARE_CRC)
#include <nmmintrin.h>
#endif

namespace sluice {
namespace {

// Castagnoli polynomial 0x1EDC6F41, bit-reflected: bit 31 holds the coefficient of x^0.
constexpr uint32_t kPolynomial = 0x82F63B78u;

using ByteTable = std::array<uint32_t, 256>;

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

#if defined(SLUICE_HARDWARE_CRC)
namespace {

// ---- Shifting a register over a run of zero bytes ----------------------------------------
//
// Feeding n zero bytes into a register multiplies it by x^(8n) modulo the polynomial, a
// linear map of its 32 bits. For a fixed n the map is four 256-entry tables (one per byte of
// the register), built at compile time. Three-stream hashing needs it to move the first
// streams' registers past the blocks that follow them.

// a * b modulo the polynomial, both in the reflected representation (bit 31 holds x^0).
constexpr uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t mask = 1u << 31; mask != 0; mask >>= 1) {
    if (a & mask) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(8 * bytes) modulo the polynomial, by square-and-multiply.
constexpr uint32_t XPowerOfZeroBytes(size_t bytes) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t power = 1u << 23;   // x^8: one zero byte
  for (; bytes != 0; bytes >>= 1) {
    if (bytes & 1) result = MultiplyModP(power, result);
    power = MultiplyModP(power, power);
  }
  return result;
}

using ShiftTables = std::array<ByteTable, 4>;

constexpr ShiftTables MakeShiftTables(size_t zeroBytes) {
  const uint32_t factor = XPowerOfZeroBytes(zeroBytes);
  ShiftTables tables{};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t byte = 0; byte < 256; ++byte) {
      tables[k][byte] = MultiplyModP(factor, byte << (8 * k));
    }
  }
  return tables;
}

inline uint32_t Shift(const ShiftTables& tables, uint32_t crc) {
  return tables[0][crc & 0xff] ^ tables[1][(crc >> 8) & 0xff] ^ tables[2][(crc >> 16) & 0xff] ^
         tables[3][crc >> 24];
}

// Per-stream block sizes: long blocks amortise the stitching (two table shifts), short ones
// pick up what is left of a mid-sized buffer before the single-stream tail.
constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;
constexpr ShiftTables kShiftLong = MakeShiftTables(kLongBlock);
constexpr ShiftTables kShiftShort = MakeShiftTables(kShortBlock);

inline uint64_t Load64(const uint8_t* p) {
  uint64_t value;
  std::memcpy(&value, p, sizeof value);  // x86 is little-endian, as crc32 expects
  return value;
}

// Consumes whole groups of three blocks from (p, length), carrying the register in crc.
// Streams b and c start from a zero register; by linearity the register after a ++ b ++ c
// is shift(shift(a) ^ b) ^ c, each shift moving a register past one block of bytes.
template <size_t kBlock>
__attribute__((target("sse4.2"))) inline void ThreeStreams(uint32_t& crc, const uint8_t*& p,
                                                            size_t& length,
                                                            const ShiftTables& shift) {
  static_assert(kBlock % 8 == 0, "blocks are consumed 8 bytes at a time");
  while (length >= 3 * kBlock) {
    uint64_t a = crc, b = 0, c = 0;
    const uint8_t* const end = p + kBlock;
    do {
      a = _mm_crc32_u64(a, Load64(p));
      b = _mm_crc32_u64(b, Load64(p + kBlock));
      c = _mm_crc32_u64(c, Load64(p + 2 * kBlock));
      p += 8;
    } while (p != end);
    crc = Shift(shift, Shift(shift, static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b)) ^
          static_cast<uint32_t>(c);
    p += 2 * kBlock;
    length -= 3 * kBlock;
  }
}

}  // namespace

__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t init, const uint8_t* p,
                                                       size_t length) {
  uint32_t crc = ~init;
  // Align to 8 bytes so the 64-bit loads never straddle a cache line needlessly.
  for (; length > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; ++p, --length) {
    crc = _mm_crc32_u8(crc, *p);
  }
  ThreeStreams<kLongBlock>(crc, p, length, kShiftLong);
  ThreeStreams<kShortBlock>(crc, p, length, kShiftShort);
  uint64_t crc64 = crc;
  for (; length >= 8; p += 8, length -= 8) crc64 = _mm_crc32_u64(crc64, Load64(p));
  crc = static_cast<uint32_t>(crc64);
  for (; length > 0; ++p, --length) crc = _mm_crc32_u8(crc, *p);
  return ~crc;
}

#endif  // SLUICE_HARDWARE_CRC

namespace {

using CrcFunction = uint32_t (*)(uint32_t, const uint8_t*, size_t);

// Decided from CPUID at run time so that the library loads, and stays correct, on CPUs
// without SSE4.2 even though it contains SSE4.2 code.
CrcFunction ChooseImplementation() {
#if defined(SLUICE_HARDWARE_CRC)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) return Crc32cSse42;
#endif
  return Crc32cPortable;
}

// A function-local static, so that the choice is made before first use whatever the order
// in which the library's static initialisers run.
CrcFunction ActiveImplementation() {
  static const CrcFunction chosen = ChooseImplementation();
  return chosen;
}

}  // namespace

uint32_t Crc32c(uint32_t init, const uint8_t* data, size_t length) {
  return ActiveImplementation()(init, data, length);
}

bool Crc32cHardwareActive() { return ActiveImplementation() != Crc32cPortable; }

}  // namespace sluice
