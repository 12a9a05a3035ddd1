// The bin runs the CLI bundle through a V8 code cache written at build time. V8 checks only the
// source's length, and names in stack traces the file a cache was made from, so the bin must
// refuse a cache made for other bytes or another place itself, and run without a cache (or with
// one V8 rejects) exactly as with one.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Bin from '../../src/cli/sluice.cjs';
import { tempDir } from '../helpers/batches.js';

const BIN = join(import.meta.dirname, '../../dist/cli/sluice.cjs');
const bin = createRequire(import.meta.url)(BIN) as typeof Bin;
const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('the bin and its code cache', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function bundleFile(source: string): { path: string; bytes: Buffer } {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'bundle.cjs');
    writeFileSync(path, source);
    return { path, bytes: Buffer.from(source) };
  }

  /** V8's cache for a bundle after running it, as the build makes it. */
  function cacheAfterRun(bundle: { path: string; bytes: Buffer }): Buffer {
    const script = bin.compileBundle(bundle.bytes, undefined, bundle.path);
    bin.runBundle(script, bundle.path);
    return script.createCachedData();
  }

  it('the build wrote a cache that V8 accepts, and the CLI runs from it', () => {
    const run = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'sluice' } });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
    expect(run.stderr).toContain('code cache accepted');
  });

  it('V8 alone runs a stale cache made for other source of the same length: the reason for the digest', () => {
    const old = bundleFile('module.exports.answer = 1111;');
    const current = bundleFile('module.exports.answer = 2222;');
    const fooled = bin.compileBundle(current.bytes, cacheAfterRun(old), current.path);
    expect(fooled.cachedDataRejected).toBe(false);
    expect(bin.runBundle(fooled, current.path)).toEqual({ answer: 1111 });
  });

  it('refuses a cache file made for other bytes, and the bundle then runs its own code', () => {
    const old = bundleFile('module.exports.answer = 1111;');
    const current = bundleFile('module.exports.answer = 2222;');
    const file = bin.codeCacheFile(old.bytes, current.path, cacheAfterRun(old));
    expect(bin.codeCacheFor(current.bytes, current.path, file)).toBeUndefined();
    expect(bin.runBundle(bin.compileBundle(current.bytes, bin.codeCacheFor(current.bytes, current.path, file), current.path), current.path)).toEqual({ answer: 2222 });
  });

  it('takes V8 data from a cache file made for these bytes, and V8 accepts it', () => {
    const bundle = bundleFile('module.exports.answer = 4242;');
    const v8Data = cacheAfterRun(bundle);
    const taken = bin.codeCacheFor(bundle.bytes, bundle.path, bin.codeCacheFile(bundle.bytes, bundle.path, v8Data));
    expect(taken?.equals(v8Data)).toBe(true);
    const script = bin.compileBundle(bundle.bytes, taken, bundle.path);
    expect(script.cachedDataRejected).toBe(false);
    expect(bin.runBundle(script, bundle.path)).toEqual({ answer: 4242 });
  });

  it('runs without a cache: no file, a file too short to hold a digest, or V8 data it rejects', () => {
    const bundle = bundleFile('module.exports.answer = 7;');
    expect(bin.codeCacheFor(bundle.bytes, bundle.path, undefined)).toBeUndefined();
    expect(bin.codeCacheFor(bundle.bytes, bundle.path, Buffer.alloc(32))).toBeUndefined();
    const garbage = bin.codeCacheFor(bundle.bytes, bundle.path, bin.codeCacheFile(bundle.bytes, bundle.path, Buffer.from('not V8 data at all')));
    const script = bin.compileBundle(bundle.bytes, garbage, bundle.path);
    expect(script.cachedDataRejected).toBe(true);
    expect(bin.runBundle(script, bundle.path)).toEqual({ answer: 7 });
  });

  /** The stack of an Error made inside the bundle at `path`, compiled in a process of its own with the given V8 data (none: undefined). */
  function stackInFreshProcess(path: string, v8DataFile: string | undefined): string {
    const run = spawnSync(process.execPath, ['-e', `
      const bin = require(${JSON.stringify(BIN)});
      const fs = require('node:fs');
      const file = ${JSON.stringify(v8DataFile ?? null)};
      const script = bin.compileBundle(fs.readFileSync(${JSON.stringify(path)}), file === null ? undefined : fs.readFileSync(file), ${JSON.stringify(path)});
      console.log(bin.runBundle(script, ${JSON.stringify(path)}).where());`], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    return run.stdout;
  }

  it('refuses a cache made for the same bytes in another place, where V8 alone would name that place in stack traces', () => {
    const source = 'module.exports.where = function where() { return new Error("here").stack; };';
    const built = bundleFile(source);
    const installed = bundleFile(source);
    const v8Data = cacheAfterRun(built);
    writeFileSync(`${built.path}.v8`, v8Data);
    expect(stackInFreshProcess(installed.path, `${built.path}.v8`)).toContain(built.path);
    const file = bin.codeCacheFile(built.bytes, built.path, v8Data);
    expect(bin.codeCacheFor(installed.bytes, installed.path, file)).toBeUndefined();
    expect(bin.codeCacheFor(built.bytes, built.path, file)?.equals(v8Data)).toBe(true);
    expect(stackInFreshProcess(installed.path, undefined)).toContain(installed.path);
  });

  it('runs a copy of the build elsewhere without the build\'s cache, then writes one for its own place and uses it', async () => {
    // A package laid out as an install would have it: the built files copied, what they load linked.
    const { dir: root, cleanup } = tempDir();
    cleanups.push(cleanup);
    const repo = join(import.meta.dirname, '../..');
    cpSync(join(repo, 'dist'), join(root, 'dist'), { recursive: true });
    copyFileSync(join(repo, 'package.json'), join(root, 'package.json'));
    for (const linked of ['node_modules', 'build']) symlinkSync(join(repo, linked), join(root, linked));
    const dir = join(root, 'dist', 'cli');
    const copy = join(dir, 'sluice.cjs');
    const cacheHome = join(root, 'cache-home');
    const env = { ...process.env, NODE_DEBUG: 'sluice', XDG_CACHE_HOME: cacheHome };
    const first = spawnSync(process.execPath, [copy, '--version'], { encoding: 'utf8', env });
    expect(first.stdout.trim()).toBe(VERSION);
    expect(first.stderr).toContain('code cache made for another bundle or place');
    // A broker run lives long enough for the bin to write the cache it lacked.
    const broker = spawn(process.execPath, [copy, 'broker', '--port', '0', '--data', join(root, 'data'), '--log-level', 'warn'], { env, stdio: 'ignore' });
    const target = bin.userCodeCachePath(readFileSync(join(dir, 'sluice-main.cjs')), join(dir, 'sluice-main.cjs'), { XDG_CACHE_HOME: cacheHome });
    try {
      await expect.poll(() => existsSync(target), { timeout: 15_000, interval: 200 }).toBe(true);
    } finally {
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGTERM');
      await exited;
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const second = spawnSync(process.execPath, [copy, '--version'], { encoding: 'utf8', env });
    expect(second.stdout.trim()).toBe(VERSION);
    expect(second.stderr).toContain('code cache accepted');
  });

  it('gives the bundle require, __filename and __dirname of its own file, in strict mode when it asks', () => {
    const bundle = bundleFile('"use strict"; module.exports = { file: __filename, dir: __dirname, path: require("node:path").sep, strict: this === undefined || (function () { return this; })() === undefined };');
    const exports = bin.runBundle(bin.compileBundle(bundle.bytes, undefined, bundle.path), bundle.path) as { file: string; dir: string; path: string; strict: boolean };
    expect(exports.file).toBe(bundle.path);
    expect(exports.dir).toBe(join(bundle.path, '..'));
    expect(exports.path).toBe('/');
    expect(exports.strict).toBe(true);
  });
});
