// Aborted transactions of one log, for read_committed fetches: which offset ranges of which
// producer were aborted, so a consumer can skip them. Kept in memory in marker order and written
// per segment as Kafka's `.txnindex` (TransactionIndex): 34-byte entries of int16 version (0),
// int64 producerId, int64 firstOffset, int64 lastOffset (the ABORT marker's offset), int64
// lastStableOffset (the LSO once the transaction had ended).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly lastStableOffset: number;
}

export const TXN_INDEX_SUFFIX = '.txnindex';
const ENTRY_BYTES = 34;
const TXN_INDEX_NAME = /^(\d{20})\.txnindex$/;

export function txnIndexPath(dir: string, segmentBase: number): string {
  return join(dir, `${String(segmentBase).padStart(20, '0')}${TXN_INDEX_SUFFIX}`);
}

export function encodeTxnIndex(entries: readonly AbortedTxn[]): Buffer {
  const buf = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach((entry, i) => {
    const at = i * ENTRY_BYTES;
    buf.writeInt16BE(0, at);
    buf.writeBigInt64BE(BigInt(entry.producerId), at + 2);
    buf.writeBigInt64BE(BigInt(entry.firstOffset), at + 10);
    buf.writeBigInt64BE(BigInt(entry.lastOffset), at + 18);
    buf.writeBigInt64BE(BigInt(entry.lastStableOffset), at + 26);
  });
  return buf;
}

/** The entries of a `.txnindex` file; a trailing partial entry (a torn write) is left out. */
export function decodeTxnIndex(buf: Buffer): AbortedTxn[] {
  const entries: AbortedTxn[] = [];
  for (let at = 0; at + ENTRY_BYTES <= buf.length; at += ENTRY_BYTES) {
    if (buf.readInt16BE(at) !== 0) break;
    entries.push({
      producerId: Number(buf.readBigInt64BE(at + 2)),
      firstOffset: Number(buf.readBigInt64BE(at + 10)),
      lastOffset: Number(buf.readBigInt64BE(at + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(at + 26)),
    });
  }
  return entries;
}

/** Segment base offsets that have a `.txnindex` file in `dir`. */
export function listTxnIndexBases(dir: string): number[] {
  const bases: number[] = [];
  for (const name of readdirSync(dir)) {
    const match = TXN_INDEX_NAME.exec(name);
    if (match !== null) bases.push(Number(match[1]));
  }
  return bases.sort((a, b) => a - b);
}

export class AbortedTransactions {
  /** Ascending by lastOffset: markers are appended in offset order. */
  private entries: AbortedTxn[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Adds an aborted transaction; one already known (same marker offset, or an earlier one) is ignored. */
  add(txn: AbortedTxn): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && txn.lastOffset <= last.lastOffset) return;
    this.entries.push(txn);
  }

  /** Loads the `.txnindex` files of the given segments, keeping entries below `logEndOffset`. */
  load(dir: string, segmentBases: readonly number[], logEndOffset: number): void {
    const present = new Set(listTxnIndexBases(dir));
    for (const base of segmentBases) {
      if (!present.has(base)) continue;
      for (const entry of decodeTxnIndex(readFileSync(txnIndexPath(dir, base)))) if (entry.lastOffset < logEndOffset) this.add(entry);
    }
  }

  /** Aborted transactions with data in [fetchOffset, upperBound): what a read_committed fetch of that range must skip. */
  overlapping(fetchOffset: number, upperBound: number): AbortedTxn[] {
    return this.entries.filter((txn) => txn.lastOffset >= fetchOffset && txn.firstOffset < upperBound);
  }

  /** The entries whose marker lies in [from, to): a segment's `.txnindex`. */
  inRange(from: number, to: number): AbortedTxn[] {
    return this.entries.filter((txn) => txn.lastOffset >= from && txn.lastOffset < to);
  }

  /** Drops transactions whose marker lies below the log start: their data is gone. */
  removeBelow(logStartOffset: number): void {
    this.entries = this.entries.filter((txn) => txn.lastOffset >= logStartOffset);
  }

  all(): readonly AbortedTxn[] {
    return this.entries;
  }
}
