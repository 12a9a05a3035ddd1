// encodeBatch for the addon: the records are packed in JavaScript into reused scratch memory
// (their bytes into one Buffer, their lengths and numbers into one Float64Array), then the
// addon is entered once per batch and writes the batch into memory handed to it. Reading each
// record through Node-API instead costs ~14 calls per record, more than the whole encoding.
// The batch memory comes from a slab, the way Buffer.allocUnsafe pools small buffers: a
// Buffer of its own costs ~0.9 µs per batch (a new backing store), an eighth of the encoding.
import { isHeaderFields, isObject, isRecordFields, checkRecord, throwInvalidRecord } from './record-checks.js';
import { BATCH_HEADER_BYTES, type HotPath, type RawBatchHeader, type RawRecord } from './types.js';

/**
 * The addon's export: encodes the batch that `meta` describes, whose bytes are
 * data[0, dataLength), into out from outOffset, and returns its size in bytes, or minus an
 * EncodeStatus when it cannot (then out holds garbage there). Layout of meta (all doubles):
 *   [0, 7)          the header: baseOffset, partitionLeaderEpoch, attributes, baseTimestamp,
 *                   producerId, producerEpoch, baseSequence;
 *   [7, 7 + 4n)     per record: timestamp, key length, value length, header count;
 *   [7 + 4n, ...)   per header of every record, in order: key length, value length.
 * A length of -1 is null. data holds, per record, its key, its value, then per header its
 * UTF-8 key and its value. Records have a fixed stride so C++ needs no pointer chase.
 */
export type EncodeBatchInto = (data: Uint8Array, dataLength: number, meta: Float64Array, recordCount: number, out: Uint8Array, outOffset: number) => number;

/** Why encodeBatchInto refused, as minus its result (PackedStatus in native/record_batch.h). */
const enum EncodeStatus {
  TooLarge = 1,
  Malformed = 2,
  NoRoom = 3,
}

const PACKED_HEADER_SLOTS = 7;
const RECORD_SLOTS = 4;
const HEADER_SLOTS = 2;
const NULL_LENGTH = -1;

/** Data bytes that already make batchLength exceed an int32 (the records need more than their bytes). */
const MAX_DATA_BYTES = 0x7fffffff - 49;
/** Scratch larger than this serves one call and is not kept. */
const MAX_RETAINED_BYTES = 1024 * 1024;
/**
 * Uint8Array.prototype.set, called directly: V8 (Node 20) does not constant-fold `buf.set` on a
 * typed array, so each such call first runs a LoadIC, a quarter of the copy's cost here.
 */
const copyInto: (this: Uint8Array, source: Uint8Array, offset: number) => void = Uint8Array.prototype.set;

/**
 * What a record adds beyond its data bytes, at most: the varints of its length (5), timestamp
 * delta (10), offset delta, key length, value length and header count (5 each), and its
 * attributes byte. A header adds at most two length varints.
 */
const MAX_RECORD_OVERHEAD = 36;
const MAX_HEADER_OVERHEAD = 10;
/** Batches are cut from slabs this big; one that may need more than OWN_BUFFER_FROM gets its own. */
const SLAB_BYTES = 256 * 1024;
const OWN_BUFFER_FROM = 64 * 1024;

/** Header keys at most this long are written by a JavaScript loop when ASCII; longer ones by Buffer.write. */
const SHORT_KEY = 32;

/** An encodeBatch that packs into its own scratch and calls `encodeInto` once. */
export function packedEncodeBatch(encodeInto: EncodeBatchInto): HotPath['encodeBatch'] {
  let data: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  let meta: Float64Array = new Float64Array(4096);
  let slab: Buffer = Buffer.allocUnsafeSlow(SLAB_BYTES);
  let slabUsed = 0;
  let busy = false;

  /**
   * Encodes into the slab, or into a Buffer of its own when the batch may need more than
   * OWN_BUFFER_FROM (its worst case, `bound`, is then what it holds on to).
   */
  function encodeOut(bytes: Buffer, dataLength: number, slots: Float64Array, count: number, bound: number): Buffer {
    let out = slab;
    let offset = slabUsed;
    if (bound > OWN_BUFFER_FROM) {
      out = Buffer.allocUnsafeSlow(bound);
      offset = 0;
    } else if (bound > SLAB_BYTES - slabUsed) {
      out = slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      offset = slabUsed = 0;
    }
    const size = encodeInto(bytes, dataLength, slots, count, out, offset);
    if (size < 0) throw encodeError(-size);
    if (out === slab) slabUsed += size;
    return out.subarray(offset, offset + size);
  }

  /**
   * A buffer holding bytes[0, written) with room for the rest of the batch, records[index..]
   * from recordStart on: the slow path, taken once per call unless getters change what the
   * records hold, since it sizes them all (checking each first, as the packing has not yet).
   * An oversized batch is refused here, before anything large is allocated or copied.
   */
  function growData(bytes: Buffer, records: readonly RawRecord[], index: number, recordStart: number, written: number): Buffer {
    let exact = recordStart;
    let bound = recordStart; // what the 3-bytes-per-unit room checks for header keys ask for
    for (let i = index; i < records.length; i++) {
      checkRecord(records[i], i);
      const { key, value, headers } = records[i];
      const fixed = (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
      exact += fixed;
      bound += fixed;
      for (const header of headers) {
        const valueBytes = header.value === null ? 0 : header.value.length;
        exact += Buffer.byteLength(header.key, 'utf8') + valueBytes;
        bound += 3 * header.key.length + valueBytes;
      }
    }
    if (exact > MAX_DATA_BYTES) throw new RangeError('record batch larger than 2 GiB');
    const bigger = Buffer.allocUnsafeSlow(Math.max(bound, 2 * bytes.length));
    bigger.set(bytes.subarray(0, written));
    if (bigger.length <= MAX_RETAINED_BYTES) data = bigger;
    return bigger;
  }

  function growMeta(slots: Float64Array, used: number, needed: number): Float64Array {
    const bigger = new Float64Array(Math.max(needed, 2 * slots.length));
    bigger.set(slots.subarray(0, used));
    if (bigger.byteLength <= MAX_RETAINED_BYTES) meta = bigger;
    return bigger;
  }

  function pack(records: readonly RawRecord[], header: RawBatchHeader): Buffer {
    const count = records.length;
    let bytes: Buffer = data;
    let room = bytes.length; // bytes.length, kept in a local: the copies would make V8 reload it
    let slots: Float64Array = meta;
    let h = PACKED_HEADER_SLOTS + RECORD_SLOTS * count; // next header slot
    if (h > slots.length) slots = growMeta(slots, 0, h);
    slots[0] = header.baseOffset;
    slots[1] = header.partitionLeaderEpoch;
    slots[2] = header.attributes;
    slots[3] = header.baseTimestamp;
    slots[4] = header.producerId;
    slots[5] = header.producerEpoch;
    slots[6] = header.baseSequence;
    let pos = 0;
    for (let i = 0, m = PACKED_HEADER_SLOTS; i < count; i++, m += RECORD_SLOTS) {
      const record = records[i];
      if (!isObject(record)) throwInvalidRecord(records, i);
      const { key, value, headers, timestamp } = record;
      if (!isRecordFields(key, value, headers, timestamp)) throwInvalidRecord(records, i);
      const recordStart = pos;
      slots[m] = timestamp;
      if (key === null) slots[m + 1] = NULL_LENGTH;
      else {
        const n = key.length;
        if (pos + n > room) room = (bytes = growData(bytes, records, i, recordStart, pos)).length;
        copyInto.call(bytes, key, pos);
        pos += n;
        slots[m + 1] = n;
      }
      if (value === null) slots[m + 2] = NULL_LENGTH;
      else {
        const n = value.length;
        if (pos + n > room) room = (bytes = growData(bytes, records, i, recordStart, pos)).length;
        copyInto.call(bytes, value, pos);
        pos += n;
        slots[m + 2] = n;
      }
      const headerCount = headers.length;
      slots[m + 3] = headerCount;
      if (headerCount === 0) continue;
      if (h + HEADER_SLOTS * headerCount > slots.length) slots = growMeta(slots, h, h + HEADER_SLOTS * headerCount);
      for (let j = 0; j < headerCount; j++, h += HEADER_SLOTS) {
        const header = headers[j];
        if (!isObject(header)) throwInvalidRecord(records, i);
        const { key: headerKey, value: headerValue } = header;
        if (!isHeaderFields(headerKey, headerValue)) throwInvalidRecord(records, i);
        // A UTF-16 unit never takes more than 3 UTF-8 bytes.
        if (pos + 3 * headerKey.length > room) room = (bytes = growData(bytes, records, i, recordStart, pos)).length;
        const keyBytes = writeUtf8(bytes, pos, headerKey);
        pos += keyBytes;
        slots[h] = keyBytes;
        if (headerValue === null) slots[h + 1] = NULL_LENGTH;
        else {
          const n = headerValue.length;
          if (pos + n > room) room = (bytes = growData(bytes, records, i, recordStart, pos)).length;
          copyInto.call(bytes, headerValue, pos);
          pos += n;
          slots[h + 1] = n;
        }
      }
    }
    const headerCount = (h - PACKED_HEADER_SLOTS - RECORD_SLOTS * count) / HEADER_SLOTS;
    const bound = BATCH_HEADER_BYTES + MAX_RECORD_OVERHEAD * count + MAX_HEADER_OVERHEAD * headerCount + pos;
    return encodeOut(bytes, pos, slots, count, bound);
  }

  return function encodeBatch(records: readonly RawRecord[], header: RawBatchHeader): Buffer {
    // Property getters could call back in here; a nested call packs into scratch of its own.
    if (busy) return packedEncodeBatch(encodeInto)(records, header);
    busy = true;
    try {
      return pack(records, header);
    } finally {
      busy = false;
    }
  };
}

function encodeError(status: number): Error {
  if (status === EncodeStatus.TooLarge) return new RangeError('record batch larger than 2 GiB');
  // The packer wrote the slots and sized the memory: either of these is a bug here, not bad input.
  const why = status === EncodeStatus.Malformed ? 'malformed slots' : status === EncodeStatus.NoRoom ? 'too little room' : `status ${status}`;
  return new Error(`encodeBatchInto refused the packed batch: ${why}`);
}

/** Writes the UTF-8 of text at pos (room for 3 bytes per unit assured); returns its byte count. */
function writeUtf8(buf: Buffer, pos: number, text: string): number {
  const length = text.length;
  if (length <= SHORT_KEY) {
    let i = 0;
    for (; i < length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) break;
      buf[pos + i] = unit;
    }
    if (i === length) return length;
  }
  // Lone surrogates become U+FFFD, as Buffer.byteLength and the TypeScript twin count them.
  return buf.write(text, pos, 'utf8');
}
