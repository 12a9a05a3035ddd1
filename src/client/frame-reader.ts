// Splits a TCP byte stream into Kafka frames (int32 size + that many bytes, NOTES.md §3.1).
// Chunks arrive at arbitrary boundaries. A frame inside one chunk is a view of it; a frame
// spread over chunks gets its own buffer as soon as its size is known, and each chunk is
// copied in as it arrives, so a large response is copied once and never held twice.

const SIZE_PREFIX_BYTES = 4;

export class FrameReader {
  /** Bytes of a frame (or of its size prefix) waiting for more. */
  private pending: Buffer | null = null;
  /** The frame being assembled, and how much of it is filled. */
  private frame: Buffer | null = null;
  private filled = 0;

  /** @param maxFrameBytes a larger announced size means a corrupt stream, not a big response. */
  constructor(private readonly maxFrameBytes: number) {}

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
      this.frame = Buffer.allocUnsafe(size);
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
