// The bin runs the CLI bundle through a V8 code cache written at build time. V8 checks only the
// source's length, so the bin must refuse a cache made for other bytes itself, and run without
// a cache (or with one V8 rejects) exactly as with one.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
    const file = bin.codeCacheFile(old.bytes, cacheAfterRun(old));
    expect(bin.codeCacheFor(current.bytes, file)).toBeUndefined();
    expect(bin.runBundle(bin.compileBundle(current.bytes, bin.codeCacheFor(current.bytes, file), current.path), current.path)).toEqual({ answer: 2222 });
  });

  it('takes V8 data from a cache file made for these bytes, and V8 accepts it', () => {
    const bundle = bundleFile('module.exports.answer = 4242;');
    const v8Data = cacheAfterRun(bundle);
    const taken = bin.codeCacheFor(bundle.bytes, bin.codeCacheFile(bundle.bytes, v8Data));
    expect(taken?.equals(v8Data)).toBe(true);
    const script = bin.compileBundle(bundle.bytes, taken, bundle.path);
    expect(script.cachedDataRejected).toBe(false);
    expect(bin.runBundle(script, bundle.path)).toEqual({ answer: 4242 });
  });

  it('runs without a cache: no file, a file too short to hold a digest, or V8 data it rejects', () => {
    const bundle = bundleFile('module.exports.answer = 7;');
    expect(bin.codeCacheFor(bundle.bytes, undefined)).toBeUndefined();
    expect(bin.codeCacheFor(bundle.bytes, Buffer.alloc(32))).toBeUndefined();
    const garbage = bin.codeCacheFor(bundle.bytes, bin.codeCacheFile(bundle.bytes, Buffer.from('not V8 data at all')));
    const script = bin.compileBundle(bundle.bytes, garbage, bundle.path);
    expect(script.cachedDataRejected).toBe(true);
    expect(bin.runBundle(script, bundle.path)).toEqual({ answer: 7 });
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
