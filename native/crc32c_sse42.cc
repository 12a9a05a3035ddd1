// CRC-32C on the SSE4.2 crc32 instruction, three independent streams at once. The
// instruction has a latency of about three cycles but can start one per cycle, so a single
// dependent chain uses a third of the unit; three chains over adjacent blocks keep it busy,
// and their CRCs are then stitched together.
#include "crc32c.h"

#if defined(SLUICE_HARDWARE_CRC)
#include <nmmintrin.h>

#include <cstring>

#include "crc32c_polynomial.h"

namespace sluice {
namespace {

using crc32c_polynomial::MakeShiftTables;
using crc32c_polynomial::Shift;
using crc32c_polynomial::ShiftTables;

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

__attribute__((target("sse4.2"))) uint32_t Crc32cSse42Register(uint32_t crc, const uint8_t* p,
                                                               size_t length) {
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
  return crc;
}

uint32_t Crc32cSse42(uint32_t init, const uint8_t* data, size_t length) {
  return ~Crc32cSse42Register(~init, data, length);
}

}  // namespace sluice

#endif  // SLUICE_HARDWARE_CRC
