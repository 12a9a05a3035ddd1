// Snappy as Kafka puts it in a batch. The Java client writes snappy-java's "xerial" stream:
// a 16-byte header (magic 0x82 'SNAPPY' 0x00, int32 version 1, int32 compatible version 1)
// then blocks, each an int32 big-endian length followed by that many bytes of raw snappy that
// decompress on their own. librdkafka and other clients may send plain raw snappy instead, and
// every Kafka reader accepts both, telling them apart by the magic. We write the framing, like
// Java, because it is the one form every reader has always accepted.
//
// The raw snappy block codec is passed in, so this file only knows about the framing.

/** Compresses and decompresses one raw snappy block (no framing). */
export interface RawSnappy {
  compress(input: Buffer): Buffer;
  uncompress(input: Buffer): Buffer;
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
const XERIAL_HEADER_BYTES = XERIAL_MAGIC.length + 8;
const BLOCK_LENGTH_BYTES = 4;
/** snappy-java's default block size: the most uncompressed bytes one block holds. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

/** True when the bytes start with the xerial header magic (otherwise they are raw snappy). */
export function isXerialFramed(input: Uint8Array): boolean {
  if (input.length < XERIAL_HEADER_BYTES) return false;
  return Buffer.from(input.buffer, input.byteOffset, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

/** Compresses input into the xerial framing, one raw snappy block per 32 KiB of input. */
export function compressXerial(input: Buffer, snappy: RawSnappy): Buffer {
  const parts: Buffer[] = [xerialHeader()];
  for (let start = 0; start < input.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappy.compress(input.subarray(start, start + XERIAL_BLOCK_SIZE));
    const length = Buffer.allocUnsafe(BLOCK_LENGTH_BYTES);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Decompresses xerial-framed or raw snappy, whichever the bytes are. */
export function uncompressSnappy(input: Buffer, snappy: RawSnappy): Buffer {
  return isXerialFramed(input) ? uncompressXerial(input, snappy) : snappy.uncompress(input);
}

function uncompressXerial(input: Buffer, snappy: RawSnappy): Buffer {
  const compatible = input.readInt32BE(XERIAL_MAGIC.length + 4);
  // snappy-java refuses streams that need a newer reader; so do we, rather than guess.
  if (compatible > XERIAL_COMPATIBLE_VERSION) {
    throw new RangeError(`xerial snappy stream needs reader version ${compatible}, this one is ${XERIAL_COMPATIBLE_VERSION}`);
  }
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < input.length) {
    if (input.length - pos < BLOCK_LENGTH_BYTES) throw new RangeError(`xerial snappy block length cut short at byte ${pos}`);
    const length = input.readInt32BE(pos);
    pos += BLOCK_LENGTH_BYTES;
    if (length < 0 || length > input.length - pos) {
      throw new RangeError(`xerial snappy block of ${length} bytes at byte ${pos} does not fit the ${input.length - pos} left`);
    }
    blocks.push(snappy.uncompress(input.subarray(pos, pos + length)));
    pos += length;
  }
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks);
}

function xerialHeader(): Buffer {
  const header = Buffer.allocUnsafe(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, XERIAL_MAGIC.length);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, XERIAL_MAGIC.length + 4);
  return header;
}
