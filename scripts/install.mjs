// Install step: use a prebuild or build the addon; never fail the install.
// Without a compiler and without a prebuild, sluice runs on its TypeScript backend.
import { spawnSync } from 'node:child_process';

const result = spawnSync('node-gyp-build', [], { stdio: 'inherit', shell: true });
if (result.status !== 0) {
  console.warn('sluice: native addon could not be built or found; the TypeScript backend will be used.');
}
