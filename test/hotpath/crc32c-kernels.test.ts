// The addon runs the one CRC-32C kernel this CPU supports best, so the JavaScript-level tests
// reach only that one. bench/crc32c-limit.sh --check builds every kernel outside Node and
// checks each one the CPU can run against a bit-at-a-time CRC, at every 64-byte alignment and
// around each kernel's thresholds.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const hasCompiler = spawnSync('g++', ['--version']).status === 0;

describe.skipIf(!hasCompiler)('CRC-32C kernels, checked in C++', () => {
  it('every kernel this CPU can run agrees with the bitwise CRC', () => {
    const output = execFileSync('sh', ['bench/crc32c-limit.sh', '--check'], { encoding: 'utf8', timeout: 120_000 });
    expect(output).not.toContain('WRONG');
    expect(output).toMatch(/^slicing-by-8 table\s+agrees$/m);
    if (process.arch === 'x64') expect(output).toMatch(/^sse4\.2 three streams\s+agrees$/m);
    const chosen = /addon uses: (\S+)\)/.exec(output)?.[1];
    expect(['avx512-vpclmulqdq', 'sse4.2', 'table']).toContain(chosen);
    if (chosen === 'avx512-vpclmulqdq') expect(output).toMatch(/^avx512 vpclmulqdq folding\s+agrees$/m);
  }, 120_000);
});
