// The hot path the rest of sluice uses: the backend chosen at load time (see loader.ts),
// behind argument checks, plus what the broker needs to report which one runs.
import { withArgumentChecks } from './checked.js';
import { jsBackend } from './js/index.js';
import { chooseBackend, loadNative, NATIVE_DISABLED_REASON } from './loader.js';
import type { BackendName, HotPath } from './types.js';

export * from './types.js';
export { INVALID_ARGUMENT, withArgumentChecks, type InvalidArgumentError } from './checked.js';

const choice = chooseBackend(process.env.SLUICE_NATIVE, loadNative);

/** The active backend, with argument checks. */
export const hotpath: HotPath = withArgumentChecks(choice.hotpath);
export const backend: BackendName = choice.backend;
/** Why the native backend is not active; null when it is. */
export const nativeLoadError: string | null = choice.nativeLoadError;
/** The TypeScript backend, with argument checks, whatever is active. */
export const jsHotPath: HotPath = withArgumentChecks(jsBackend);

let checkedNative: HotPath | undefined;

/** The native backend with argument checks, whatever is active; throws why it cannot load. */
export function loadNativeBackend(): HotPath {
  if (checkedNative === undefined) {
    checkedNative = choice.backend === 'native' ? hotpath : withArgumentChecks(loadNative().hotpath);
  }
  return checkedNative;
}

/** One line for the broker's start-up log, e.g. "native (CRC32C avx512-vpclmulqdq)". */
export function describeBackend(): string {
  if (choice.backend === 'native') return `native (CRC32C ${choice.crcKernel ?? 'unknown'})`;
  if (nativeLoadError === NATIVE_DISABLED_REASON) return `js (native ${NATIVE_DISABLED_REASON})`;
  return `js (native unavailable: ${nativeLoadError})`;
}
