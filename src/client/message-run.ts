// The messages of one partition's fetch, kept as numbers until the application takes them: per
// message its offset, timestamp and where its key and value lie in the fetched bytes. The
// message object and its key and value views are made in messageAt(), when handed out. A fetch
// holds thousands of messages for as long as the application takes to go through them; as
// objects they survived every young-generation collection meanwhile and were copied by each
// (a quarter of a fast consumer's time went to that); as a Float64Array they are not scanned.
import { bytesAt, NO_DECODED_HEADERS, type DecodedHeader } from '../records/index.js';

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** In record order; a key may repeat. */
  readonly headers: readonly DecodedHeader[];
  /** Milliseconds since the epoch (CreateTime, or the broker's time under LogAppendTime). */
  readonly timestamp: number;
}

/** Slots per message: offset, timestamp, section, key start, key length, value start, value length, headers. */
const SLOTS = 8;
const INITIAL_MESSAGES = 64;

export class MessageRun {
  private slots = new Float64Array(INITIAL_MESSAGES * SLOTS);
  private count = 0;
  /** The records sections (one per batch) the positions point into. */
  private readonly sections: Buffer[] = [];
  /** Header lists of the messages that have any; a message's slot holds its index or -1. */
  private readonly headerLists: (readonly DecodedHeader[])[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get length(): number {
    return this.count;
  }

  offsetAt(index: number): number {
    return this.slots[index * SLOTS];
  }

  messageAt(index: number): ConsumedMessage {
    const s = this.slots;
    const at = index * SLOTS;
    const section = this.sections[s[at + 2]];
    const headerIndex = s[at + 7];
    return {
      topic: this.topic,
      partition: this.partition,
      offset: s[at],
      key: bytesAt(section, s[at + 3], s[at + 4]),
      value: bytesAt(section, s[at + 5], s[at + 6]),
      headers: headerIndex < 0 ? NO_DECODED_HEADERS : this.headerLists[headerIndex],
      timestamp: s[at + 1],
    };
  }

  /** Adds a records section the next messages point into. */
  addSection(section: Buffer): void {
    this.sections.push(section);
  }

  /** Adds a message of the last section added (a length of -1 is null). */
  add(offset: number, timestamp: number, keyStart: number, keyLength: number, valueStart: number, valueLength: number, headers: readonly DecodedHeader[]): void {
    if ((this.count + 1) * SLOTS > this.slots.length) this.grow();
    const s = this.slots;
    const at = this.count * SLOTS;
    s[at] = offset;
    s[at + 1] = timestamp;
    s[at + 2] = this.sections.length - 1;
    s[at + 3] = keyStart;
    s[at + 4] = keyLength;
    s[at + 5] = valueStart;
    s[at + 6] = valueLength;
    s[at + 7] = headers.length === 0 ? -1 : this.headerLists.push(headers) - 1;
    this.count++;
  }

  private grow(): void {
    const bigger = new Float64Array(this.slots.length * 2);
    bigger.set(this.slots);
    this.slots = bigger;
  }
}
