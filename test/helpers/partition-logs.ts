// For a storage suite: opens partition logs in fresh temp directories (or a given one, to reopen
// after a close or a crash) on one backend, quietly; after each test every log is abandoned and
// every directory removed.
import { afterEach } from 'vitest';
import type { HotPath } from '../../src/hotpath/index.js';
import { PartitionLog, type LogConfig } from '../../src/storage/index.js';
import { tempDir } from './batches.js';

export const quietStorageLogger = { info: () => {}, warn: () => {} };

/** Opens a log; `hotpath` replaces the suite's backend (a spy wrapped around it). */
export type OpenLog = (config?: Partial<LogConfig>, dir?: string, hotpath?: HotPath) => Promise<{ log: PartitionLog; dir: string }>;

export function partitionLogs(hp: HotPath): OpenLog {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
  return async (config = {}, dir, hotpath = hp) => {
    let where = dir;
    if (where === undefined) {
      const temp = tempDir();
      cleanups.push(temp.cleanup);
      where = temp.dir;
    }
    const log = await PartitionLog.open(where, { config, hotpath, logger: quietStorageLogger });
    cleanups.unshift(() => log.abandon());
    return { log, dir: where };
  };
}
