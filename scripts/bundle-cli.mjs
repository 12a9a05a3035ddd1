// Build step: bundle the CLI (dist/cli/main.js and the pure-JS packages it uses) into one
// CommonJS file, dist/cli/sluice-main.cjs, which the bin (dist/cli/sluice.cjs) runs.
// One CommonJS file starts faster than ESM: no module graph to resolve, no lexing of each
// CommonJS package for its named exports, and V8 can take a code cache for it (write-code-cache.mjs).
// Packages with native parts, and node-gyp-build which finds our addon on disk, stay external.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const EXTERNAL = ['node-gyp-build', 'snappy', 'lz4-napi', '@toondepauw/node-zstd'];

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli/sluice-main.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  // The sources are ES modules that find files next to themselves through import.meta.url.
  define: { 'import.meta.url': '__sluiceImportMetaUrl' },
  banner: { js: '"use strict";\nconst __sluiceImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  charset: 'ascii', // the bin decodes the bundle as latin1
  logLevel: 'warning',
});
chmodSync('dist/cli/sluice.cjs', 0o755); // the bin, compiled by tsc
