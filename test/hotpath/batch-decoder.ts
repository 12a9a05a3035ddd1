// A deliberately plain decoder of uncompressed v2 batches for the hot-path tests: written
// from NOTES.md §4 independently of both backends, reading varlongs as BigInt so nothing
// in it shares code (or bugs) with the encoders under test.

export interface DecodedTestRecord {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
}

export interface DecodedTestBatch {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
  records: DecodedTestRecord[];
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
  ) {}

  varlong(): bigint {
    let zigzag = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift > 63n) throw new Error(`varint too long at ${this.pos}`);
      const byte = this.byte();
      zigzag |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    return (zigzag >> 1n) ^ -(zigzag & 1n);
  }

  varint(): number {
    const value = this.varlong();
    if (value < -(2n ** 31n) || value >= 2n ** 31n) throw new Error(`varint out of int32 range: ${value}`);
    return Number(value);
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('read past the end');
    return this.buf[this.pos++];
  }

  bytes(length: number): Buffer {
    if (this.pos + length > this.buf.length) throw new Error('read past the end');
    const slice = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }

  nullableBytes(): Buffer | null {
    const length = this.varint();
    return length === -1 ? null : this.bytes(length);
  }
}

function decodeRecord(reader: Reader): DecodedTestRecord {
  const length = reader.varint();
  const end = reader.pos + length;
  const record: DecodedTestRecord = {
    attributes: reader.byte(),
    timestampDelta: reader.varlong(),
    offsetDelta: reader.varint(),
    key: reader.nullableBytes(),
    value: reader.nullableBytes(),
    headers: [],
  };
  const headerCount = reader.varint();
  for (let h = 0; h < headerCount; h++) {
    const key = reader.bytes(reader.varint()).toString('utf8');
    record.headers.push({ key, value: reader.nullableBytes() });
  }
  if (reader.pos !== end) throw new Error(`record length ${length} does not match its fields`);
  return record;
}

/** Decodes exactly one batch filling `buf`; throws on any inconsistency. */
export function decodeTestBatch(buf: Buffer): DecodedTestBatch {
  const batch: DecodedTestBatch = {
    baseOffset: buf.readBigInt64BE(0),
    batchLength: buf.readInt32BE(8),
    partitionLeaderEpoch: buf.readInt32BE(12),
    magic: buf.readInt8(16),
    crc: buf.readUInt32BE(17),
    attributes: buf.readInt16BE(21),
    lastOffsetDelta: buf.readInt32BE(23),
    baseTimestamp: buf.readBigInt64BE(27),
    maxTimestamp: buf.readBigInt64BE(35),
    producerId: buf.readBigInt64BE(43),
    producerEpoch: buf.readInt16BE(51),
    baseSequence: buf.readInt32BE(53),
    recordsCount: buf.readInt32BE(57),
    records: [],
  };
  if (batch.batchLength !== buf.length - 12) throw new Error(`batchLength ${batch.batchLength} for ${buf.length} bytes`);
  const reader = new Reader(buf, 61);
  for (let i = 0; i < batch.recordsCount; i++) batch.records.push(decodeRecord(reader));
  if (reader.pos !== buf.length) throw new Error(`${buf.length - reader.pos} bytes after the last record`);
  return batch;
}
