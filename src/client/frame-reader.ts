// Splits a TCP byte stream into Kafka frames (int32 size + that many bytes, NOTES.md §3.1).
// Chunks arrive at arbitrary boundaries; a frame is copied out only once it is complete.

const SIZE_PREFIX_BYTES = 4;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** @param maxFrameBytes a larger announced size means a corrupt stream, not a big response. */
  constructor(private readonly maxFrameBytes: number) {}

  /** Adds bytes and returns every frame now complete (without their size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (frame === null) return frames;
      frames.push(frame);
    }
  }

  private nextFrame(): Buffer | null {
    if (this.buffered < SIZE_PREFIX_BYTES) return null;
    const size = this.peekSize();
    if (size < 0 || size > this.maxFrameBytes) {
      throw new RangeError(`response frame of ${size} bytes is outside 0-${this.maxFrameBytes}`);
    }
    // Wait for the whole frame before joining chunks, so a large response is copied once.
    if (this.buffered < SIZE_PREFIX_BYTES + size) return null;
    const head = this.coalesce();
    const frame = head.subarray(SIZE_PREFIX_BYTES, SIZE_PREFIX_BYTES + size);
    const rest = head.subarray(SIZE_PREFIX_BYTES + size);
    this.chunks = rest.length === 0 ? [] : [rest];
    this.buffered = rest.length;
    return frame;
  }

  /** The int32 size prefix, which may straddle chunks. */
  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= SIZE_PREFIX_BYTES) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, this.buffered).readInt32BE(0);
  }

  /** Joins the buffered chunks into one (only when there are several). */
  private coalesce(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }
}
