// Kafka's sparse offset index: 8-byte entries, int32 offset relative to the segment's base
// offset + int32 byte position in the .log file, both big-endian.
import { OFFSET_INDEX_ENTRY_BYTES, type HotPath } from '../hotpath/types.js';
import { IndexFile } from './index-file.js';

export class OffsetIndex {
  private readonly file: IndexFile;

  constructor(path: string, readonly baseOffset: number, maxBytes: number, private readonly hotpath: HotPath) {
    this.file = new IndexFile(path, OFFSET_INDEX_ENTRY_BYTES, Math.floor(maxBytes / OFFSET_INDEX_ENTRY_BYTES), hotpath);
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

  append(offset: number, position: number): void {
    const at = this.file.reserveEntry();
    this.file.bytes.writeInt32BE(offset - this.baseOffset, at);
    this.file.bytes.writeInt32BE(position, at + 4);
  }

  offsetAt(slot: number): number {
    return this.baseOffset + this.file.bytes.readInt32BE(slot * OFFSET_INDEX_ENTRY_BYTES);
  }

  positionAt(slot: number): number {
    return this.file.bytes.readInt32BE(slot * OFFSET_INDEX_ENTRY_BYTES + 4);
  }

  /** Byte position to start scanning from for `offset`: that of the last entry <= offset, else 0. */
  positionFor(offset: number): number {
    const relative = Math.min(offset - this.baseOffset, 0x7fffffff);
    if (relative < 0 || this.entries === 0) return 0;
    const slot = this.hotpath.lookupOffsetIndex(this.file.bytes, this.entries, relative);
    return slot < 0 ? 0 : this.positionAt(slot);
  }

  /**
   * Loads the file and checks it against the log: offsets strictly increasing and at least the
   * base, positions strictly increasing and inside the log. False means it must be rebuilt.
   */
  loadAndCheck(logSize: number): boolean {
    if (!this.file.load()) return false;
    let previousOffset = -1;
    let previousPosition = -1;
    for (let slot = 0; slot < this.entries; slot++) {
      const offset = this.offsetAt(slot);
      const position = this.positionAt(slot);
      if (offset < this.baseOffset || offset <= previousOffset) return false;
      if (position <= previousPosition || position >= logSize) return false;
      previousOffset = offset;
      previousPosition = position;
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
