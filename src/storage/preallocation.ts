// Segment files are kept longer than the data in them, as Redpanda does (its fallocation step):
// the writer extends the active segment's file ahead of its appends, preallocateBytes at a time,
// so an append no longer changes the file's size. On ext4 an fdatasync after a write that grows
// the file must write the inode as well; one within the file's size writes only the data: a
// lone 150-byte append + fdatasync took 112-135 µs growing the file, 79-89 µs inside it (C, this
// machine). The extension is sparse (ftruncate), so it costs no disk space and no write, and it
// works the same everywhere Node runs. The unused tail reads as zeros: a segment is cut back to
// its data when it stops being the active one and on close, and recovery cuts it after a crash.
import { ftruncate } from 'node:fs';
import { readRange } from './batch-scan.js';

/** The length to give a file whose data must reach `end`: the next step boundary, within the segment's size. */
export function preallocatedLength(end: number, preallocateBytes: number, segmentBytes: number): number {
  const stepEnd = Math.ceil(end / preallocateBytes) * preallocateBytes;
  return Math.max(end, Math.min(stepEnd, segmentBytes));
}

/** ftruncate on the thread pool: the file's pages may be under writeback, which the event loop must not wait for. */
export function setFileLength(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => ftruncate(fd, length, (error) => (error ? reject(error) : resolve())));
}

/** The length of one segment's file, kept ahead of its data by growFor and cut back by trimTo. */
export class FileLength {
  private trimming: Promise<void> | null = null;

  constructor(private length: number) {}

  /** The file was cut to `length` elsewhere (recovery). */
  reset(length: number): void {
    this.length = length;
  }

  /** Null when the file already reaches `end`; otherwise extends it to the next step. */
  growFor(fd: number, end: number, preallocateBytes: number, segmentBytes: number): Promise<void> | null {
    if (end <= this.length || preallocateBytes === 0) return null;
    const length = preallocatedLength(end, preallocateBytes, segmentBytes);
    return setFileLength(fd, length).then(() => {
      this.length = length;
    });
  }

  /** Cuts the file to `dataSize` and then runs `sync`, once; concurrent calls share the cut. */
  trimTo(fd: number, dataSize: number, sync: () => Promise<void>): Promise<void> {
    if (this.trimming === null && fd >= 0 && this.length > dataSize) {
      this.trimming = setFileLength(fd, dataSize)
        .then(() => {
          this.length = dataSize;
          return sync();
        })
        .finally(() => {
          this.trimming = null;
        });
    }
    return this.trimming ?? Promise.resolve();
  }
}

const ZERO_CHECK_BYTES = 1024 * 1024;
/** What the check compares against; made by the first recovery that needs it, not at start-up. */
let zeros: Buffer | null = null;

/** Whether bytes [start, end) of the file are all zero: space preallocated and never written. */
export async function isUnwritten(fd: number, start: number, end: number): Promise<boolean> {
  zeros ??= Buffer.alloc(ZERO_CHECK_BYTES);
  for (let position = start; position < end; position += ZERO_CHECK_BYTES) {
    const length = Math.min(ZERO_CHECK_BYTES, end - position);
    const bytes = await readRange(fd, position, length);
    if (bytes.length !== length || !bytes.equals(zeros.subarray(0, length))) return false;
  }
  return true;
}
