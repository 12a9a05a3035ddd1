// Binary search in Kafka's sparse index files: the last entry whose key <= target.
import { OFFSET_INDEX_ENTRY_BYTES, TIME_INDEX_ENTRY_BYTES } from '../types.js';
import { readInt32, readInt64 } from './bytes.js';

/** Slot of the last of `entries` sorted keys that is <= target, or -1; keyAt reads slot i. */
function lastAtOrBelow(entries: number, target: number, keyAt: (slot: number) => number): number {
  let low = 0;
  let high = entries; // invariant: keys before low are <= target, keys from high on are above
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyAt(middle) <= target) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** See HotPath.lookupOffsetIndex; keys are the int32 relative offsets. */
export function lookupOffsetIndex(index: Uint8Array, entries: number, targetRelativeOffset: number): number {
  return lastAtOrBelow(entries, targetRelativeOffset, (slot) => readInt32(index, slot * OFFSET_INDEX_ENTRY_BYTES));
}

/** See HotPath.lookupTimeIndex; keys are the int64 timestamps. */
export function lookupTimeIndex(index: Uint8Array, entries: number, targetTimestamp: number): number {
  return lastAtOrBelow(entries, targetTimestamp, (slot) => readInt64(index, slot * TIME_INDEX_ENTRY_BYTES));
}
