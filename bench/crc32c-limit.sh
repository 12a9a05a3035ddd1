#!/bin/sh
# Builds and runs the standalone CRC-32C throughput ceiling (see crc32c-limit.cc).
set -eu
cd "$(dirname "$0")/.."
# A binary of its own per run, so that the test suite and a benchmark can run it at once.
out="$(mktemp "${TMPDIR:-/tmp}/sluice-crc32c-limit.XXXXXX")"
trap 'rm -f "$out"' EXIT
g++ -O3 -std=c++17 -Wall -Wextra -o "$out" bench/crc32c-limit.cc native/crc32c.cc native/crc32c_sse42.cc native/crc32c_avx512.cc
"$out" "$@"
