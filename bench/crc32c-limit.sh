#!/bin/sh
# Builds and runs the standalone CRC-32C throughput ceiling (see crc32c-limit.cc).
set -eu
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/sluice-crc32c-limit"
g++ -O3 -std=c++17 -Wall -Wextra -o "$out" bench/crc32c-limit.cc native/crc32c.cc native/crc32c_sse42.cc native/crc32c_avx512.cc
"$out" "$@"
