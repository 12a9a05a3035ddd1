// Kafka's time index: 12-byte entries, int64 timestamp + int32 offset relative to the segment's
// base offset, big-endian. Entries only go in when the timestamp exceeds the last entry's, so
// the file is monotonic and binary-searchable.
import { TIME_INDEX_ENTRY_BYTES, type HotPath } from '../hotpath/types.js';
import { readInt64, writeInt64 } from '../records/layout.js';
import { IndexFile } from './index-file.js';

export class TimeIndex {
  private readonly file: IndexFile;

  constructor(path: string, readonly baseOffset: number, maxBytes: number, private readonly hotpath: HotPath) {
    this.file = new IndexFile(path, TIME_INDEX_ENTRY_BYTES, Math.floor(maxBytes / TIME_INDEX_ENTRY_BYTES), hotpath);
  }

  get path(): string {
    return this.file.path;
  }

  get entries(): number {
    return this.file.entries;
  }

  get isFull(): boolean {
    return this.file.isFull;
  }

  /** Whether the file lacks entries held in memory (persist writes them). */
  get isDirty(): boolean {
    return this.file.isDirty;
  }

  /** Timestamp of the last entry, or -1 when empty. */
  get lastTimestamp(): number {
    return this.entries === 0 ? -1 : this.timestampAt(this.entries - 1);
  }

  /** Appends (timestamp, offset) when the timestamp is newer than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    if (timestamp <= this.lastTimestamp || this.isFull) return;
    if (this.entries > 0 && offset <= this.offsetAt(this.entries - 1)) return;
    const at = this.file.reserveEntry();
    writeInt64(this.file.bytes, at, timestamp);
    this.file.bytes.writeInt32BE(offset - this.baseOffset, at + 8);
  }

  timestampAt(slot: number): number {
    return readInt64(this.file.bytes, slot * TIME_INDEX_ENTRY_BYTES);
  }

  offsetAt(slot: number): number {
    return this.baseOffset + this.file.bytes.readInt32BE(slot * TIME_INDEX_ENTRY_BYTES + 8);
  }

  /**
   * Offset to start searching from for the first record at or after `timestamp`. It uses the last
   * entry with a timestamp strictly below the target: every record up to that entry's offset is
   * older than the target, so nothing at or after it is skipped. The base when there is none.
   */
  offsetFor(timestamp: number): number {
    if (this.entries === 0) return this.baseOffset;
    const slot = this.hotpath.lookupTimeIndex(this.file.bytes, this.entries, timestamp - 1);
    return slot < 0 ? this.baseOffset : this.offsetAt(slot);
  }

  /** Loads the file and checks it: timestamps and offsets strictly increasing, offsets inside the segment. */
  loadAndCheck(nextOffset: number): boolean {
    if (!this.file.load()) return false;
    let previousTimestamp = -Infinity;
    let previousOffset = -1;
    for (let slot = 0; slot < this.entries; slot++) {
      const timestamp = this.timestampAt(slot);
      const offset = this.offsetAt(slot);
      if (timestamp <= previousTimestamp || offset <= previousOffset) return false;
      if (offset < this.baseOffset || offset >= nextOffset) return false;
      previousTimestamp = timestamp;
      previousOffset = offset;
    }
    return true;
  }

  clear(): void {
    this.file.clear();
  }

  persist(sync: boolean): Promise<void> {
    return this.file.persist(sync);
  }
}
