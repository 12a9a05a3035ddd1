// Splits a TCP byte stream into Kafka frames (int32 size + that many bytes, NOTES.md §3.1).
// Chunks arrive at arbitrary boundaries. A frame inside one chunk is a view of it; a frame
// spread over chunks gets its own buffer as soon as its size is known. Fed by the socket
// itself (readBuffer/wrote, net's `onread`), the kernel then reads the rest of such a frame
// straight into that buffer: a large Fetch response is neither copied nor cut into chunks.
// Fed chunks (push), each chunk is copied in as it arrives.

const SIZE_PREFIX_BYTES = 4;
/** Read size while no large frame is being assembled (what Node reads by default). */
const CHUNK_BYTES = 64 * 1024;

export class FrameReader {
  /** Bytes of a frame (or of its size prefix) waiting for more. */
  private pending: Buffer | null = null;
  /** The frame being assembled, and how much of it is filled. */
  private frame: Buffer | null = null;
  private filled = 0;

  /** Where reads land while no large frame is being assembled; reused, so what stays is copied out. */
  private readonly chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);

  /**
   * @param maxFrameBytes a larger announced size means a corrupt stream, not a big response.
   * @param allocate memory for a frame that does not fit in a chunk (the socket session passes
   *   the hot path's receive buffers, which reuse memory the garbage collector freed).
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly allocate: (length: number) => Buffer = Buffer.allocUnsafe,
  ) {}

  /** Where the next socket read should land: the rest of the frame being assembled, or the chunk. */
  readBuffer(): Buffer {
    return this.frame !== null ? this.frame.subarray(this.filled) : this.chunk;
  }

  /**
   * The last read put `bytes` bytes into the readBuffer(); returns every frame now complete.
   * Frames that lie within the chunk are copied out of it (it is read into again); a frame that
   * does not fit got its own buffer, into which the following reads go directly.
   */
  wrote(bytes: number): Buffer[] {
    if (this.frame === null) {
      const frames = this.push(this.chunk.subarray(0, bytes));
      if (this.pending !== null && this.pending.buffer === this.chunk.buffer) this.pending = Buffer.from(this.pending);
      return frames.map((frame) => (frame.buffer === this.chunk.buffer ? Buffer.from(frame) : frame));
    }
    this.filled += bytes;
    if (this.filled < this.frame.length) return [];
    const done = this.frame;
    this.frame = null;
    return [done];
  }

  /** Adds bytes and returns every frame now complete (without their size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let data = chunk;
    if (this.frame !== null) data = this.fill(data, frames);
    if (this.pending !== null && data.length > 0) {
      data = Buffer.concat([this.pending, data]);
      this.pending = null;
    }
    let at = 0;
    while (this.frame === null && data.length - at >= SIZE_PREFIX_BYTES) {
      const size = data.readInt32BE(at);
      if (size < 0 || size > this.maxFrameBytes) {
        throw new RangeError(`response frame of ${size} bytes is outside 0-${this.maxFrameBytes}`);
      }
      const start = at + SIZE_PREFIX_BYTES;
      if (data.length - start >= size) {
        frames.push(data.subarray(start, start + size));
        at = start + size;
        continue;
      }
      this.frame = this.allocate(size);
      this.filled = 0;
      this.fill(data.subarray(start), frames);
      return frames;
    }
    if (at < data.length) this.pending = data.subarray(at);
    return frames;
  }

  /** Copies into the frame being assembled; returns what is left of data once it is complete. */
  private fill(data: Buffer, frames: Buffer[]): Buffer {
    const frame = this.frame as Buffer;
    const part = Math.min(data.length, frame.length - this.filled);
    data.copy(frame, this.filled, 0, part);
    this.filled += part;
    if (this.filled < frame.length) return data.subarray(data.length);
    frames.push(frame);
    this.frame = null;
    return data.subarray(part);
  }
}
