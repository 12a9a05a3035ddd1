// The consumer's fetched-but-not-yet-handed-out messages: a queue of runs (one per partition
// per fetch response, see message-run.ts), read through with an index. Taking a message is O(1)
// and makes its object; adding a run copies nothing.
import type { ConsumedMessage } from './fetch-records.js';
import type { MessageRun } from './message-run.js';

export class MessageBuffer {
  private runs: MessageRun[] = [];
  /** Index of the next message in runs[0]. */
  private next = 0;
  private count = 0;
  private everAdded = 0;

  get length(): number {
    return this.count;
  }

  /** Messages added since the buffer was made (taken or not): rounds compare it before and after. */
  get added(): number {
    return this.everAdded;
  }

  add(run: MessageRun): void {
    if (run.length === 0) return;
    this.runs.push(run);
    this.count += run.length;
    this.everAdded += run.length;
  }

  take(): ConsumedMessage | undefined {
    const head = this.runs[0];
    if (head === undefined) return undefined;
    const message = head.messageAt(this.next++);
    this.count--;
    if (this.next === head.length) {
      this.runs.shift();
      this.next = 0;
    }
    return message;
  }

  /** Offset of the first buffered message of the partition, if any. */
  firstOffset(topic: string, partition: number): number | undefined {
    const run = this.runs.find((r) => r.partition === partition && r.topic === topic);
    if (run === undefined) return undefined;
    return run.offsetAt(run === this.runs[0] ? this.next : 0);
  }

  /** Keeps only the messages of the partitions `keep` accepts, in order. */
  retain(keep: (partition: { readonly topic: string; readonly partition: number }) => boolean): void {
    const kept = this.runs.filter((run, i) => {
      if (keep(run)) return true;
      this.count -= i === 0 ? run.length - this.next : run.length;
      return false;
    });
    if (kept[0] !== this.runs[0]) this.next = 0;
    this.runs = kept;
  }
}
