// Big-endian reads and writes of the fixed-width integers in Kafka's wire and index formats.
// Byte-by-byte composition keeps them free of alignment and host-endianness assumptions;
// compilers turn each into one load or store plus a byte swap.
#ifndef SLUICE_NATIVE_BIG_ENDIAN_H_
#define SLUICE_NATIVE_BIG_ENDIAN_H_

#include <cstdint>

namespace sluice {

inline uint16_t ReadU16BE(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

inline uint32_t ReadU32BE(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

inline uint64_t ReadU64BE(const uint8_t* p) {
  return (static_cast<uint64_t>(ReadU32BE(p)) << 32) | ReadU32BE(p + 4);
}

inline int16_t ReadI16BE(const uint8_t* p) { return static_cast<int16_t>(ReadU16BE(p)); }
inline int32_t ReadI32BE(const uint8_t* p) { return static_cast<int32_t>(ReadU32BE(p)); }
inline int64_t ReadI64BE(const uint8_t* p) { return static_cast<int64_t>(ReadU64BE(p)); }

inline void WriteU16BE(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

inline void WriteU32BE(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

inline void WriteU64BE(uint8_t* p, uint64_t v) {
  WriteU32BE(p, static_cast<uint32_t>(v >> 32));
  WriteU32BE(p + 4, static_cast<uint32_t>(v));
}

inline void WriteI16BE(uint8_t* p, int16_t v) { WriteU16BE(p, static_cast<uint16_t>(v)); }
inline void WriteI32BE(uint8_t* p, int32_t v) { WriteU32BE(p, static_cast<uint32_t>(v)); }
inline void WriteI64BE(uint8_t* p, int64_t v) { WriteU64BE(p, static_cast<uint64_t>(v)); }

}  // namespace sluice

#endif  // SLUICE_NATIVE_BIG_ENDIAN_H_
