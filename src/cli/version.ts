// The package version, read from package.json (two levels above src/cli and dist/cli; the bundle inlines it).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const VERSION: string = (require('../../package.json') as { version: string }).version;
