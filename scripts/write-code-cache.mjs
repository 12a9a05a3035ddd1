// Build step after bundle-cli.mjs: start a broker from the bundle, in this process, through the
// bin's own compile and run functions; once it answers ApiVersions, every function its start
// ran is compiled, and V8's code cache of the bundle is written to dist/cli/sluice-main.code-cache.
// A failure only warns: the bin runs without a cache, just slower to start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, untilAnswering } from '../dist/cli/bench/process.js';

const TIMEOUT_MS = 20_000;
const bin = createRequire(import.meta.url)('../dist/cli/sluice.cjs');

async function writeCodeCache() {
  const bundle = readFileSync(bin.BUNDLE_PATH);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-code-cache-'));
  try {
    process.argv = [process.argv[0], bin.BUNDLE_PATH, 'broker', '--port', String(port), '--data', dataDir, '--log-level', 'silent'];
    const script = bin.compileBundle(bundle, undefined);
    bin.runBundle(script);
    await untilAnswering(port, TIMEOUT_MS);
    writeFileSync(bin.CODE_CACHE_PATH, bin.codeCacheFile(bundle, bin.BUNDLE_PATH, script.createCachedData()));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

rmSync(bin.CODE_CACHE_PATH, { force: true });
console.log('write-code-cache: starting a broker from the bundle, to cache what its start compiles');
writeCodeCache().then(
  () => process.exit(0),
  (error) => {
    console.warn(`sluice: no code cache written (the CLI will start without one): ${error instanceof Error ? error.message : error}`);
    process.exit(0);
  },
);
