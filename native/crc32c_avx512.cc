// CRC-32C by carry-less multiplication on 64-byte vectors (AVX-512 with VPCLMULQDQ: Ice
// Lake, Zen 4 and later). The crc32 instruction tops out at 8 bytes a cycle however many
// streams run; folding handles 256 bytes per loop in four independent vector chains, so it
// is bounded by how fast the data can be loaded instead.
//
// A 16-byte lane loaded little-endian is a polynomial whose bit i is the coefficient of
// x^(127-i) (the first byte's low bit is the highest power, as CRC-32C reads bits). Moving a
// lane forward by d bytes multiplies it by x^(8d); modulo the polynomial that is one
// carry-less multiplication per 64-bit half by a constant, and the result is xored into the
// lane d bytes further on. What is left at the end is one lane, which two crc32 instructions
// reduce to the register.
#include "crc32c.h"

#if defined(SLUICE_HARDWARE_CRC)
#include <immintrin.h>

#include "crc32c_polynomial.h"

#define SLUICE_TARGET_AVX512 __attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.2")))

namespace sluice {
namespace {

using crc32c_polynomial::XPower;

// The multipliers that move a lane forward by `bytes`: its first half is worth
// x^(8*bytes + 64), its second half x^(8*bytes). A carry-less product of two reflected
// 64-bit values comes out one power of x short, so each constant carries one x less. A
// 32-bit reflected remainder sits in the high half of a reflected 64-bit value.
struct FoldConstants {
  uint64_t first;
  uint64_t second;
};

constexpr FoldConstants FoldBy(size_t bytes) {
  return {uint64_t{XPower(8 * bytes + 63)} << 32, uint64_t{XPower(8 * bytes - 1)} << 32};
}

constexpr size_t kVector = 64;
constexpr size_t kStride = 4 * kVector;  // four accumulators, one loop step
// Below this the setup and the final reductions cost more than the three-stream kernel.
constexpr size_t kMinimumLength = 512;
// After at most kVector - 1 bytes of head, FoldSteps needs a whole step left.
static_assert(kMinimumLength >= kStride + kVector - 1, "FoldSteps could run short of a step");

constexpr FoldConstants kFoldStride = FoldBy(kStride);
constexpr FoldConstants kFold3Vectors = FoldBy(3 * kVector);
constexpr FoldConstants kFold2Vectors = FoldBy(2 * kVector);
constexpr FoldConstants kFold1Vector = FoldBy(kVector);
constexpr FoldConstants kFold3Lanes = FoldBy(48);
constexpr FoldConstants kFold2Lanes = FoldBy(32);
constexpr FoldConstants kFold1Lane = FoldBy(16);

SLUICE_TARGET_AVX512 inline __m128i LaneConstants(FoldConstants k) {
  return _mm_set_epi64x(static_cast<long long>(k.second), static_cast<long long>(k.first));
}

// The zero-masked forms of broadcast and extract, with every element selected: the plain
// ones start from an "undefined" register, which GCC 12 reports as maybe uninitialized.
SLUICE_TARGET_AVX512 inline __m512i EveryLane(FoldConstants k) {
  return _mm512_maskz_broadcast_i32x4(0xffff, LaneConstants(k));
}

template <int kLane>
SLUICE_TARGET_AVX512 inline __m128i Lane(__m512i vector) {
  return _mm512_maskz_extracti32x4_epi32(0xf, vector, kLane);
}

// Every lane of `lanes` moved forward by the constants' distance, xored into `next`.
SLUICE_TARGET_AVX512 inline __m512i Fold(__m512i lanes, __m512i constants, __m512i next) {
  const __m512i first = _mm512_clmulepi64_epi128(lanes, constants, 0x00);
  const __m512i second = _mm512_clmulepi64_epi128(lanes, constants, 0x11);
  return _mm512_ternarylogic_epi64(first, second, next, 0x96);  // first ^ second ^ next
}

SLUICE_TARGET_AVX512 inline __m512i Fold(__m512i lanes, FoldConstants k, __m512i next) {
  return Fold(lanes, EveryLane(k), next);
}

SLUICE_TARGET_AVX512 inline __m128i FoldLane(__m128i lane, FoldConstants k, __m128i next) {
  const __m128i constants = LaneConstants(k);
  const __m128i first = _mm_clmulepi64_si128(lane, constants, 0x00);
  const __m128i second = _mm_clmulepi64_si128(lane, constants, 0x11);
  return _mm_xor_si128(_mm_xor_si128(first, second), next);
}

// Hashes whole 256-byte steps from p (64-byte aligned) and returns the register after them;
// p and length move past what was consumed. Needs length >= kStride.
SLUICE_TARGET_AVX512 uint32_t FoldSteps(uint32_t crc, const uint8_t*& p, size_t& length) {
  // The register enters as an xor into the first four bytes: feeding a register r and then
  // data d gives what feeding zero and then d ^ r gives.
  __m512i a0 = _mm512_xor_si512(_mm512_load_si512(p),
                                _mm512_maskz_set1_epi32(1, static_cast<int>(crc)));
  __m512i a1 = _mm512_load_si512(p + kVector);
  __m512i a2 = _mm512_load_si512(p + 2 * kVector);
  __m512i a3 = _mm512_load_si512(p + 3 * kVector);
  p += kStride;
  length -= kStride;
  const __m512i stride = EveryLane(kFoldStride);
  for (; length >= kStride; p += kStride, length -= kStride) {
    a0 = Fold(a0, stride, _mm512_load_si512(p));
    a1 = Fold(a1, stride, _mm512_load_si512(p + kVector));
    a2 = Fold(a2, stride, _mm512_load_si512(p + 2 * kVector));
    a3 = Fold(a3, stride, _mm512_load_si512(p + 3 * kVector));
  }
  const __m512i folded =
      Fold(a0, kFold3Vectors, Fold(a1, kFold2Vectors, Fold(a2, kFold1Vector, a3)));
  const __m128i lane =
      FoldLane(Lane<0>(folded), kFold3Lanes,
               FoldLane(Lane<1>(folded), kFold2Lanes,
                        FoldLane(Lane<2>(folded), kFold1Lane, Lane<3>(folded))));
  // Feeding the last lane's 16 bytes to a zero register leaves lane * x^32 mod P: the CRC.
  const uint64_t low = static_cast<uint64_t>(_mm_cvtsi128_si64(lane));
  const uint64_t high = static_cast<uint64_t>(_mm_extract_epi64(lane, 1));
  return static_cast<uint32_t>(_mm_crc32_u64(_mm_crc32_u64(0, low), high));
}

}  // namespace

SLUICE_TARGET_AVX512 uint32_t Crc32cAvx512(uint32_t init, const uint8_t* p, size_t length) {
  uint32_t crc = ~init;
  if (length >= kMinimumLength) {
    // Aligned loads: the bytes before the first 64-byte boundary go to the crc32 instruction.
    const size_t misalignment = reinterpret_cast<uintptr_t>(p) & (kVector - 1);
    const size_t head = misalignment == 0 ? 0 : kVector - misalignment;
    crc = Crc32cSse42Register(crc, p, head);
    p += head;
    length -= head;
    crc = FoldSteps(crc, p, length);
  }
  return ~Crc32cSse42Register(crc, p, length);
}

}  // namespace sluice

#endif  // SLUICE_HARDWARE_CRC
