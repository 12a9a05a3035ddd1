// The ceiling for CRC-32C on this machine, measured outside Node: the addon's kernels
// (AVX-512 carry-less folding, three-stream SSE4.2, slicing-by-8 tables), a plain
// single-stream crc32 instruction loop, and how fast one core can merely read the buffer (no
// checksum can beat that), each over a 1 MiB buffer (and a 64 KiB one that stays in the L2
// cache). The JS benchmark compares the addon's crc32c() against the best checksum figure.
//
//   sh bench/crc32c-limit.sh            (add --check to check the kernels without timing)
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "../native/crc32c.h"

#if defined(SLUICE_HARDWARE_CRC)
#include <nmmintrin.h>
#endif

namespace {

using CrcFunction = uint32_t (*)(uint32_t, const uint8_t*, size_t);

bool wrongResults = false;

#if defined(SLUICE_HARDWARE_CRC)
// One dependent chain of crc32 instructions: bounded by the instruction's latency.
__attribute__((target("sse4.2"))) uint32_t SingleStream(uint32_t init, const uint8_t* p,
                                                        size_t length) {
  uint64_t crc = ~init;
  for (; length >= 8; p += 8, length -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    crc = _mm_crc32_u64(crc, word);
  }
  uint32_t crc32 = static_cast<uint32_t>(crc);
  for (; length > 0; ++p, --length) crc32 = _mm_crc32_u8(crc32, *p);
  return ~crc32;
}
// Not a checksum: xors the buffer's 64-bit words together, which the compiler vectorises
// to the widest loads this CPU has. How fast one core can read the buffer at all.
__attribute__((target("avx512f"))) uint32_t ReadOnlyAvx512(uint32_t init, const uint8_t* p,
                                                           size_t length) {
  uint64_t sum = init;
  for (; length >= 8; p += 8, length -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    sum ^= word;
  }
  return static_cast<uint32_t>(sum ^ (sum >> 32));
}
#endif

// Best of several timed rounds, each long enough (~100 ms) to drown the clock's resolution.
double GigabytesPerSecond(CrcFunction crc, const std::vector<uint8_t>& buffer) {
  using Clock = std::chrono::steady_clock;
  volatile uint32_t sink = 0;
  double best = 0;
  for (int round = 0; round < 7; ++round) {
    size_t bytes = 0;
    const auto start = Clock::now();
    double seconds = 0;
    do {
      for (int i = 0; i < 16; ++i) sink = crc(sink, buffer.data(), buffer.size());
      bytes += 16 * buffer.size();
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } while (seconds < 0.1);
    const double rate = static_cast<double>(bytes) / seconds / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

// Bit at a time: slow, obviously right, and shares nothing with the kernels.
uint32_t BitwiseCrc32c(uint32_t init, const uint8_t* p, size_t length) {
  uint32_t crc = ~init;
  for (; length > 0; ++p, --length) {
    crc ^= *p;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return ~crc;
}

// The numbers mean nothing if the fast paths are wrong: the check value, then every 64-byte
// alignment of lengths around each kernel's block and threshold sizes, against the bitwise
// CRC (lengths up to 4 KiB) or the tables (which agree with it up to there).
bool Agrees(CrcFunction candidate, const std::vector<uint8_t>& buffer) {
  const auto* check = reinterpret_cast<const uint8_t*>("123456789");
  if (candidate(0, check, 9) != 0xE3069283u) return false;
  for (size_t length : {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 257, 511, 512, 513,
                        575, 767, 768, 769, 1023, 1024, 1025, 4096, 24575, 24576, 24577,
                        100003}) {
    for (size_t offset = 0; offset < 64; ++offset) {
      const uint8_t* data = buffer.data() + offset;
      const uint32_t init = static_cast<uint32_t>(0x12345678u * (offset + 1));
      const uint32_t expected = length <= 4096 ? BitwiseCrc32c(init, data, length)
                                               : sluice::Crc32cPortable(init, data, length);
      if (candidate(init, data, length) != expected) return false;
    }
  }
  return true;
}

std::vector<uint8_t> Buffer(size_t length) {
  std::vector<uint8_t> buffer(length);
  std::mt19937 random(42);
  for (auto& byte : buffer) byte = static_cast<uint8_t>(random());
  return buffer;
}

void Report(const char* name, CrcFunction crc, bool checkOnly) {
  const std::vector<uint8_t> mebibyte = Buffer(1 << 20), small = Buffer(64 << 10);
  if (!Agrees(crc, mebibyte)) {
    std::printf("%-28s WRONG RESULTS\n", name);
    wrongResults = true;
    return;
  }
  if (checkOnly) {
    std::printf("%-28s agrees\n", name);
    return;
  }
  std::printf("%-28s 1 MiB: %6.2f GB/s   64 KiB: %6.2f GB/s\n", name,
              GigabytesPerSecond(crc, mebibyte), GigabytesPerSecond(crc, small));
}

}  // namespace

// --check only checks every kernel this CPU can run against the bitwise CRC (the test suite
// runs it, so the kernels the addon does not choose here are tested too); exit status 1 if
// one disagrees.
int main(int argc, char** argv) {
  const bool checkOnly = argc > 1 && std::strcmp(argv[1], "--check") == 0;
#if defined(SLUICE_HARDWARE_CRC)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq") &&
      __builtin_cpu_supports("pclmul")) {
    Report("avx512 vpclmulqdq folding", sluice::Crc32cAvx512, checkOnly);
  }
  if (__builtin_cpu_supports("sse4.2")) {
    Report("sse4.2 three streams", sluice::Crc32cSse42, checkOnly);
    Report("sse4.2 single stream", SingleStream, checkOnly);
  } else {
    std::printf("no SSE4.2 on this CPU\n");
  }
#endif
  Report("slicing-by-8 table", sluice::Crc32cPortable, checkOnly);
#if defined(SLUICE_HARDWARE_CRC)
  if (!checkOnly && __builtin_cpu_supports("avx512f")) {
    std::printf("%-28s 1 MiB: %6.2f GB/s   64 KiB: %6.2f GB/s\n", "read only (not a CRC)",
                GigabytesPerSecond(ReadOnlyAvx512, Buffer(1 << 20)),
                GigabytesPerSecond(ReadOnlyAvx512, Buffer(64 << 10)));
  }
#endif
  std::printf("(GB = 1e9 bytes; addon uses: %s)\n", sluice::Crc32cKernelName());
  return wrongResults ? 1 : 0;
}
