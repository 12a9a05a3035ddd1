import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeBackend, jsHotPath, backend, nativeLoadError, type HotPath } from '../../src/hotpath/index.js';
import { jsBackend } from '../../src/hotpath/js/index.js';
import { nativeHotPath } from '../helpers/backends.js';
import { adaptAddon, chooseBackend, NATIVE_DISABLED_REASON, packageRoot, POOLED_RECEIVE_MIN_BYTES, selfCheck, type NativeBackend } from '../../src/hotpath/loader.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A stand-in addon: the js kernels under the native name. */
const fakeNative: NativeBackend = {
  hotpath: { ...jsBackend, backend: 'native' },
  crcKernel: 'sse4.2',
  receiveBufferStats: () => ({ blocksMapped: 0, blocksReused: 0, idleBytes: 0, discountedBytes: 0 }),
};
const loads = (): NativeBackend => fakeNative;
const fails = (): NativeBackend => {
  throw new Error('No native build was found for platform=linux\n    loaded from: /somewhere\n');
};

describe('chooseBackend', () => {
  it('SLUICE_NATIVE=0 picks js without trying native', () => {
    let tried = false;
    const choice = chooseBackend('0', () => {
      tried = true;
      return fakeNative;
    });
    expect(tried).toBe(false);
    expect(choice).toMatchObject({ backend: 'js', hotpath: jsBackend, nativeLoadError: NATIVE_DISABLED_REASON });
  });

  it('unset: picks native when it loads', () => {
    expect(chooseBackend(undefined, loads)).toMatchObject({ backend: 'native', hotpath: fakeNative.hotpath, nativeLoadError: null, crcKernel: 'sse4.2' });
  });

  it('unset: falls back to js and keeps the reason, on one line', () => {
    const choice = chooseBackend(undefined, fails);
    expect(choice.backend).toBe('js');
    expect(choice.hotpath).toBe(jsBackend);
    expect(choice.nativeLoadError).toBe('No native build was found for platform=linux loaded from: /somewhere');
  });

  it('SLUICE_NATIVE=1 picks native when it loads, and throws with the reason when not', () => {
    expect(chooseBackend('1', loads).backend).toBe('native');
    expect(() => chooseBackend('1', fails)).toThrow(/SLUICE_NATIVE=1 .*No native build was found/);
  });

  it('treats other values like unset', () => {
    expect(chooseBackend('', fails).backend).toBe('js');
    expect(chooseBackend('yes', loads).backend).toBe('native');
  });
});

describe('adaptAddon', () => {
  const receiveBufferStats = fakeNative.receiveBufferStats;
  const exports = { ...jsBackend, crcKernel: 'table', receiveBufferStats };

  it('binds the seven kernels, crcKernel and receiveBufferStats', () => {
    const adapted = adaptAddon(exports);
    expect(adapted.crcKernel).toBe('table');
    expect(adapted.hotpath.backend).toBe('native');
    expect(adapted.hotpath.crc32c(Buffer.from('123456789'), 0)).toBe(0xe3069283);
    expect(adapted.receiveBufferStats()).toEqual(receiveBufferStats());
  });

  it('rejects exports missing a kernel, crcKernel or receiveBufferStats', () => {
    const { lookupTimeIndex: _dropped, ...withoutKernel } = exports;
    expect(() => adaptAddon(withoutKernel)).toThrow(/lookupTimeIndex/);
    expect(() => adaptAddon({ ...jsBackend, receiveBufferStats })).toThrow(/crcKernel/);
    expect(() => adaptAddon({ ...jsBackend, crcKernel: 'table' })).toThrow(/receiveBufferStats/);
  });

  it('asks the addon for receive buffers of 256 KiB and more only', () => {
    const asked: number[] = [];
    const adapted = adaptAddon({ ...exports, allocateReceiveBuffer: (length: number) => (asked.push(length), Buffer.alloc(length)) });
    expect(adapted.hotpath.allocateReceiveBuffer(POOLED_RECEIVE_MIN_BYTES - 1).length).toBe(POOLED_RECEIVE_MIN_BYTES - 1);
    expect(adapted.hotpath.allocateReceiveBuffer(POOLED_RECEIVE_MIN_BYTES).length).toBe(POOLED_RECEIVE_MIN_BYTES);
    expect(asked).toEqual([POOLED_RECEIVE_MIN_BYTES]);
  });

  it('names the kernel of an addon built before crcKernel from its hardwareCrc', () => {
    expect(adaptAddon({ ...jsBackend, hardwareCrc: true, receiveBufferStats }).crcKernel).toBe('hardware');
    expect(adaptAddon({ ...jsBackend, hardwareCrc: false, receiveBufferStats }).crcKernel).toBe('table');
    expect(() => adaptAddon(undefined)).toThrow(/no object/);
  });
});

describe('selfCheck', () => {
  it('passes the TypeScript backend', () => {
    expect(() => selfCheck(jsBackend)).not.toThrow();
  });

  it('fails a backend with a wrong CRC', () => {
    const wrongCrc: HotPath = { ...jsBackend, crc32c: (data, init) => (jsBackend.crc32c(data, init) ^ 1) >>> 0 };
    expect(() => selfCheck(wrongCrc)).toThrow(/crc32c\("123456789"\) = 0xe3069282/);
  });

  it('fails a backend whose CRC is wrong only on long inputs (where vector kernels take over)', () => {
    const wrongWhenLong: HotPath = { ...jsBackend, crc32c: (data, init) => (jsBackend.crc32c(data, init) ^ (data.length >= 512 ? 1 : 0)) >>> 0 };
    expect(() => selfCheck(wrongWhenLong)).toThrow(/crc32c of a 4,099-byte sample differs/);
  });

  it('fails a backend whose encoder differs by one byte', () => {
    const offByOne: HotPath = {
      ...jsBackend,
      encodeBatch: (records, header) => {
        const buf = jsBackend.encodeBatch(records, header);
        buf[buf.length - 1] ^= 1;
        return buf;
      },
    };
    expect(() => selfCheck(offByOne)).toThrow(/encodeBatch differs/);
  });

  it('fails a backend whose validator forgets to assign offsets', () => {
    const noAssign: HotPath = { ...jsBackend, validateBatches: (buf, _assignFrom, leaderEpoch, logAppendTime, out) => jsBackend.validateBatches(buf, -1, leaderEpoch, logAppendTime, out) };
    expect(() => selfCheck(noAssign)).toThrow(/validateBatches differs/);
  });
});

describe('the active backend', () => {
  it('finds the package root two levels above the loader', () => {
    expect(packageRoot()).toBe(ROOT);
    expect(fs.existsSync(path.join(packageRoot(), 'package.json'))).toBe(true);
  });

  it('is described on one line consistent with nativeLoadError', () => {
    const line = describeBackend();
    expect(line).not.toContain('\n');
    if (backend === 'native') {
      expect(nativeLoadError).toBeNull();
      expect(line).toMatch(/^native \(CRC32C (avx512-vpclmulqdq|sse4\.2|table)\)$/);
    } else {
      expect(nativeLoadError).toEqual(expect.any(String));
      expect(line).toMatch(/^js \(native /);
    }
  });

  it('exposes a checked js backend', () => {
    expect(jsHotPath.backend).toBe('js');
    expect(() => jsHotPath.crc32c('x' as unknown as Uint8Array, 0)).toThrow(TypeError);
  });
});

/** Imports the hot path in a fresh Node process with `env` and reports what it chose. */
function loadInChild(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const script = "const m = await import('./src/hotpath/index.ts'); console.log(JSON.stringify({ backend: m.backend, line: m.describeBackend() }));";
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_NATIVE: '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe('loading in a child process', () => {
  it.skipIf(nativeHotPath === null)('unset: picks the built addon', () => {
    const child = loadInChild({});
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ backend: 'native', line: expect.stringMatching(/^native \(CRC32C (avx512-vpclmulqdq|sse4\.2|table)\)$/) });
  });

  it('SLUICE_NATIVE=0 gives js', () => {
    const child = loadInChild({ SLUICE_NATIVE: '0' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ backend: 'js', line: 'js (native disabled by SLUICE_NATIVE=0)' });
  });

  it('SLUICE_NATIVE=1 with the addon missing fails the import with the reason', () => {
    // SLUICE_PREBUILD points node-gyp-build at an empty directory: no build, no prebuilds.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-no-addon-'));
    try {
      const child = loadInChild({ SLUICE_NATIVE: '1', SLUICE_PREBUILD: empty });
      expect(child.status).not.toBe(0);
      expect(child.stderr).toMatch(/SLUICE_NATIVE=1 but the native hot path is unavailable: No native build was found/);
      const fallback = loadInChild({ SLUICE_PREBUILD: empty });
      expect(JSON.parse(fallback.stdout)).toMatchObject({ backend: 'js', line: expect.stringMatching(/^js \(native unavailable: No native build was found/) });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
