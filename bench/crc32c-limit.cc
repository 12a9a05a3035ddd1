// The ceiling for CRC-32C on this machine, measured outside Node: the addon's three-stream
// SSE4.2 function, a plain single-stream crc32 instruction loop, and the slicing-by-8 table
// fallback, each over a 1 MiB buffer (and a 64 KiB one that stays in the L2 cache). The JS
// benchmark compares the addon's crc32c() against these numbers.
//
//   g++ -O3 -o /tmp/crc32c-limit bench/crc32c-limit.cc native/crc32c.cc && /tmp/crc32c-limit
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

// The numbers mean nothing if the fast paths are wrong: check them against the tables first.
bool Agrees(CrcFunction candidate, const std::vector<uint8_t>& buffer) {
  const auto* check = reinterpret_cast<const uint8_t*>("123456789");
  if (candidate(0, check, 9) != 0xE3069283u) return false;
  for (size_t length : {0, 1, 7, 8, 9, 255, 769, 4096, 24575, 24576, 24577, 100003}) {
    for (size_t offset = 0; offset < 8; ++offset) {
      if (candidate(0x12345678u, buffer.data() + offset, length) !=
          sluice::Crc32cPortable(0x12345678u, buffer.data() + offset, length)) {
        return false;
      }
    }
  }
  return true;
}

void Report(const char* name, CrcFunction crc) {
  std::vector<uint8_t> mebibyte(1 << 20), small(64 << 10);
  std::mt19937 random(42);
  for (auto& byte : mebibyte) byte = static_cast<uint8_t>(random());
  for (auto& byte : small) byte = static_cast<uint8_t>(random());
  if (!Agrees(crc, mebibyte)) {
    std::printf("%-28s WRONG RESULTS\n", name);
    return;
  }
  std::printf("%-28s 1 MiB: %6.2f GB/s   64 KiB: %6.2f GB/s\n", name,
              GigabytesPerSecond(crc, mebibyte), GigabytesPerSecond(crc, small));
}

}  // namespace

int main() {
#if defined(SLUICE_HARDWARE_CRC)
  if (__builtin_cpu_supports("sse4.2")) {
    Report("sse4.2 three streams", sluice::Crc32cSse42);
    Report("sse4.2 single stream", SingleStream);
  } else {
    std::printf("no SSE4.2 on this CPU\n");
  }
#endif
  Report("slicing-by-8 table", sluice::Crc32cPortable);
  std::printf("(GB = 1e9 bytes; addon uses: %s)\n",
              sluice::Crc32cHardwareActive() ? "sse4.2 three streams" : "slicing-by-8 table");
  return 0;
}
