// A sparse index kept in memory and written to its file lazily: entries are appended to a
// growing buffer as the log is appended to, and persist() writes the new tail on flush, roll
// and close. After an unclean stop the indexes of unflushed segments are rebuilt from the log,
// so an index file that is behind its log costs a rebuild, never a wrong answer.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import type { HotPath } from '../hotpath/types.js';

const INITIAL_ENTRIES = 512;

export class IndexFile {
  private buffer: Buffer;
  private count = 0;
  /** Entries known to be in the file as it is on disk. */
  private persistedCount = 0;
  /** Set by clear(): the file holds something other than our entries and must be rewritten. */
  private rewrite = false;

  constructor(
    readonly path: string,
    readonly entryBytes: number,
    readonly maxEntries: number,
    private readonly hotpath: HotPath,
  ) {
    this.buffer = Buffer.alloc(Math.min(INITIAL_ENTRIES, maxEntries) * entryBytes);
  }

  /** Loads the whole file; returns false (and stays empty) when it is missing or not a whole number of entries. */
  load(): boolean {
    if (!existsSync(this.path)) return false;
    const bytes = readFileSync(this.path);
    if (bytes.length % this.entryBytes !== 0 || bytes.length / this.entryBytes > this.maxEntries) return false;
    this.count = bytes.length / this.entryBytes;
    this.buffer = bytes.length > 0 ? bytes : this.buffer;
    this.persistedCount = this.count;
    this.rewrite = false;
    return true;
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** The buffer holding the entries; only the first `entries * entryBytes` bytes are meaningful. */
  get bytes(): Buffer {
    return this.buffer;
  }

  /** Reserves the next entry and returns its byte position in `bytes`, growing the buffer as needed. */
  reserveEntry(): number {
    if (this.isFull) throw new RangeError(`index ${this.path} is full (${this.maxEntries} entries)`);
    const position = this.count * this.entryBytes;
    if (position + this.entryBytes > this.buffer.length) this.grow();
    this.count += 1;
    return position;
  }

  /** Drops every entry (before a rebuild); the file is rewritten whole on the next persist. */
  clear(): void {
    this.count = 0;
    this.persistedCount = 0;
    this.rewrite = true;
  }

  /** Whether the file differs from the entries in memory. */
  get isDirty(): boolean {
    return this.rewrite || this.persistedCount < this.count;
  }

  /** Keeps the first `entries` entries. */
  truncateTo(entries: number): void {
    this.count = Math.min(this.count, entries);
    this.persistedCount = Math.min(this.persistedCount, this.count);
  }

  /** Writes the entries the file lacks, trims what it has beyond them, and syncs when asked. */
  async persist(sync: boolean): Promise<void> {
    // Entries appended while the write runs are left for the next persist.
    const upTo = this.count;
    const from = this.persistedCount * this.entryBytes;
    const fd = openSync(this.path, existsSync(this.path) ? 'r+' : 'w');
    try {
      ftruncateSync(fd, from);
      const tail = Buffer.from(this.buffer.subarray(from, upTo * this.entryBytes));
      await this.hotpath.appendFile(fd, from, tail.length > 0 ? [tail] : [], sync);
      this.persistedCount = Math.max(this.persistedCount, Math.min(upTo, this.count));
      this.rewrite = false;
    } finally {
      closeSync(fd);
    }
  }

  private grow(): void {
    const capacity = Math.min(this.maxEntries, Math.max(INITIAL_ENTRIES, (this.buffer.length / this.entryBytes) * 2));
    const grown = Buffer.alloc(capacity * this.entryBytes);
    this.buffer.copy(grown, 0, 0, this.count * this.entryBytes);
    this.buffer = grown;
  }
}
