#!/usr/bin/env node
// The `sluice` bin. It runs the bundled CLI (sluice-main.cjs, one CommonJS file built by
// scripts/bundle-cli.mjs) through V8's code cache (sluice-main.code-cache, written at build time
// by scripts/write-code-cache.mjs after a broker started from the bundle): a broker then starts
// without compiling the functions its start runs, about 20 ms of a ~110 ms start on the
// development machine. Node 20 has no compile cache of its own (module.enableCompileCache is 22+).
//
// V8 accepts a cache for any source of the same length, so the cache file begins with the
// bundle's SHA-256 and is used only for the very bytes it was made from. Without a cache, or
// with a stale one or one V8 rejects (another Node version or V8 flags), the bundle is compiled
// as usual. NODE_DEBUG=sluice says which happened.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import { Script } from 'node:vm';

export const BUNDLE_PATH = join(__dirname, 'sluice-main.cjs');
export const CODE_CACHE_PATH = join(__dirname, 'sluice-main.code-cache');

const DIGEST_BYTES = 32;
const debug = debuglog('sluice');

/** The code cache file's contents: the bundle's digest, then V8's data. */
export function codeCacheFile(bundle: Buffer, v8Data: Buffer): Buffer {
  return Buffer.concat([digestOf(bundle), v8Data]);
}

/** V8's data from a code cache file made for exactly these bundle bytes; undefined (and why, under NODE_DEBUG) otherwise. */
export function codeCacheFor(bundle: Buffer, file: Buffer | undefined): Buffer | undefined {
  if (file === undefined) return noCache('no code cache file');
  if (file.length <= DIGEST_BYTES) return noCache('code cache file too short');
  if (!file.subarray(0, DIGEST_BYTES).equals(digestOf(bundle))) return noCache('code cache made for another bundle');
  return file.subarray(DIGEST_BYTES);
}

/**
 * Compiles the bundle as Node would compile a CommonJS module (the same wrapper), with V8's
 * cached data when given. The bytes are decoded as latin1, 1 ms cheaper than UTF-8: the bundle
 * is built with charset ascii, so esbuild escapes every non-ASCII character in code, and the two
 * decodings can differ only inside comments.
 */
export function compileBundle(bundle: Buffer, cachedData: Buffer | undefined, filename = BUNDLE_PATH): Script {
  const source = `(function (exports, require, module, __filename, __dirname) { ${bundle.toString('latin1')}\n});`;
  const script = new Script(source, { filename, cachedData });
  if (cachedData !== undefined) debug(script.cachedDataRejected === true ? 'code cache rejected by V8' : 'code cache accepted');
  return script;
}

/** Runs a compiled bundle as the module at `filename`; gives back its module.exports. */
export function runBundle(script: Script, filename = BUNDLE_PATH): unknown {
  const bundleModule = { exports: {}, filename, id: filename, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(filename), bundleModule, filename, dirname(filename));
  return bundleModule.exports;
}

function digestOf(bundle: Buffer): Buffer {
  return createHash('sha256').update(bundle).digest();
}

function noCache(reason: string): undefined {
  debug(reason);
  return undefined;
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const bundle = readFileSync(BUNDLE_PATH);
  runBundle(compileBundle(bundle, codeCacheFor(bundle, readIfPresent(CODE_CACHE_PATH))));
}
