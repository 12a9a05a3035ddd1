// Arithmetic modulo the CRC-32C polynomial, at compile time: the constants that let the
// fast kernels hash blocks independently and then stitch (or fold) the results together.
//
// Representation ("reflected", as CRC-32C is defined): a 32-bit value whose bit 31 holds the
// coefficient of x^0 and bit 0 that of x^31, so the byte fed first sits in the low bits.
#ifndef SLUICE_NATIVE_CRC32C_POLYNOMIAL_H_
#define SLUICE_NATIVE_CRC32C_POLYNOMIAL_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace sluice {
namespace crc32c_polynomial {

// Castagnoli polynomial 0x1EDC6F41, bit-reflected.
constexpr uint32_t kPolynomial = 0x82F63B78u;

// a * b modulo the polynomial.
constexpr uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t mask = 1u << 31; mask != 0; mask >>= 1) {
    if (a & mask) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^exponent modulo the polynomial, by square-and-multiply.
constexpr uint32_t XPower(size_t exponent) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t power = 1u << 30;   // x^1
  for (; exponent != 0; exponent >>= 1) {
    if (exponent & 1) result = MultiplyModP(power, result);
    power = MultiplyModP(power, power);
  }
  return result;
}

// Feeding n zero bytes into a CRC register multiplies it by x^(8n): a linear map of its 32
// bits, held as four 256-entry tables (one per byte of the register).
using ByteTable = std::array<uint32_t, 256>;
using ShiftTables = std::array<ByteTable, 4>;

constexpr ShiftTables MakeShiftTables(size_t zeroBytes) {
  const uint32_t factor = XPower(8 * zeroBytes);
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

}  // namespace crc32c_polynomial
}  // namespace sluice

#endif  // SLUICE_NATIVE_CRC32C_POLYNOMIAL_H_
