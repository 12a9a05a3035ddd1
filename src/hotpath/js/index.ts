// The TypeScript backend: the same kernels as native/, assembled into a HotPath.
import type { HotPath } from '../types.js';
import { crc32c } from './crc32c.js';
import { encodeBatch } from './record-batch-encode.js';
import { validateBatches } from './record-batch-validate.js';
import { allocateReceiveBuffer } from './receive-buffer.js';
import { appendFile } from './segment-io.js';
import { lookupOffsetIndex, lookupTimeIndex } from './sparse-index.js';

export const jsBackend: HotPath = Object.freeze({
  backend: 'js',
  crc32c,
  validateBatches,
  encodeBatch,
  appendFile,
  lookupOffsetIndex,
  lookupTimeIndex,
  allocateReceiveBuffer,
});
