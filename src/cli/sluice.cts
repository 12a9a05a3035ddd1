#!/usr/bin/env node
// The `sluice` bin. It runs the bundled CLI (sluice-main.cjs, one CommonJS file built by
// scripts/bundle-cli.mjs) through V8's code cache (sluice-main.code-cache, written at build time
// by scripts/write-code-cache.mjs after a broker started from the bundle): a broker then starts
// without compiling the functions its start runs, about 20 ms of a ~110 ms start on the
// development machine. Node 20 has no compile cache of its own (module.enableCompileCache is 22+).
//
// V8 accepts a cache for any source of the same length, and its stack traces then name the file
// the cache was compiled from, not the one running. So the cache file begins with a SHA-256 of
// the bundle's bytes and its path, and is used only for the very bytes at the very place it was
// made for. A build cache that does not match (the package was built elsewhere and installed
// here) is replaced by one the bin writes for this place, a few seconds into the first run,
// in the user's cache directory (~/.cache/sluice, not a shared one: a cache is code). Without
// a cache, or with one V8 rejects (another Node version or V8 flags), the bundle is compiled as
// usual. NODE_DEBUG=sluice says which happened.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { debuglog } from 'node:util';
import { Script } from 'node:vm';

export const BUNDLE_PATH = join(__dirname, 'sluice-main.cjs');
export const CODE_CACHE_PATH = join(__dirname, 'sluice-main.code-cache');

const DIGEST_BYTES = 32;
/** How long a run goes before the bin writes the cache it lacked: the broker has started by then. */
const WRITE_CACHE_AFTER_MS = 3000;
const debug = debuglog('sluice');

/** The code cache file's contents: the digest of the bundle at `filename`, then V8's data. */
export function codeCacheFile(bundle: Buffer, filename: string, v8Data: Buffer): Buffer {
  return Buffer.concat([digestOf(bundle, filename), v8Data]);
}

/** V8's data from a code cache file made for exactly these bytes at `filename`; undefined (and why, under NODE_DEBUG) otherwise. */
export function codeCacheFor(bundle: Buffer, filename: string, file: Buffer | undefined): Buffer | undefined {
  if (file === undefined) return noCache('no code cache file');
  if (file.length <= DIGEST_BYTES) return noCache('code cache file too short');
  if (!file.subarray(0, DIGEST_BYTES).equals(digestOf(bundle, filename))) return noCache('code cache made for another bundle or place');
  return file.subarray(DIGEST_BYTES);
}

/** Where the bin keeps a cache it made for a bundle at `filename` ($XDG_CACHE_HOME or ~/.cache). */
export function userCodeCachePath(bundle: Buffer, filename: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'sluice', `${digestOf(bundle, filename).toString('hex').slice(0, 32)}.code-cache`);
}

/** Writes the script's cache for the bundle at `filename` to `path` (atomically, readable by the user alone); false when it cannot. */
export function writeCodeCache(script: Script, bundle: Buffer, filename: string, path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, codeCacheFile(bundle, filename, script.createCachedData()), { mode: 0o600 });
    renameSync(temp, path);
    debug(`code cache written to ${path}`);
    return true;
  } catch (error) {
    debug(`no code cache written: ${String(error)}`);
    return false;
  }
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

function digestOf(bundle: Buffer, filename: string): Buffer {
  return createHash('sha256').update(bundle).update('\0').update(filename).digest();
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
  const userCache = userCodeCachePath(bundle, BUNDLE_PATH);
  const cached = codeCacheFor(bundle, BUNDLE_PATH, readIfPresent(CODE_CACHE_PATH)) ?? codeCacheFor(bundle, BUNDLE_PATH, readIfPresent(userCache));
  const script = compileBundle(bundle, cached);
  if (cached === undefined || script.cachedDataRejected === true) {
    setTimeout(() => writeCodeCache(script, bundle, BUNDLE_PATH, userCache), WRITE_CACHE_AFTER_MS).unref();
  }
  runBundle(script);
}
