// The backends every hot-path test runs against: native first, then js. A native addon that
// fails to load fails the tests, unless SLUICE_TEST_ALLOW_NO_NATIVE=1 (machines without a
// compiler), in which case only js runs.
import { jsHotPath, loadNativeBackend, type HotPath } from '../../src/hotpath/index.js';

function loadNativeForTests(): HotPath | null {
  try {
    return loadNativeBackend();
  } catch (error) {
    if (process.env.SLUICE_TEST_ALLOW_NO_NATIVE === '1') return null;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the native hot path did not load (build it, or set SLUICE_TEST_ALLOW_NO_NATIVE=1 to test js only): ${reason}`);
  }
}

/** The native backend with argument checks, or null when allowed to be missing. */
export const nativeHotPath: HotPath | null = loadNativeForTests();

/** The TypeScript backend with argument checks. */
export { jsHotPath };

/** [native, js], or [js] when native is allowed to be missing. */
export const backends: readonly HotPath[] = nativeHotPath === null ? [jsHotPath] : [nativeHotPath, jsHotPath];

/** For describe.each: [backend name, backend] pairs. */
export const forEachBackend: ReadonlyArray<readonly [string, HotPath]> = backends.map((hp) => [hp.backend, hp] as const);
