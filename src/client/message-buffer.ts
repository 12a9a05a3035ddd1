// The consumer's fetched-but-not-yet-handed-out messages: a queue of the message lists of
// fetch responses, read through with an index. Taking a message is O(1) and adding a list
// never copies it (Array.prototype.shift on one big array moves memory, and spreading a
// response's messages into push() runs out of stack at a few hundred thousand).
import type { ConsumedMessage } from './fetch-records.js';

export class MessageBuffer {
  private lists: ConsumedMessage[][] = [];
  /** Index of the next message in lists[0]. */
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

  add(messages: ConsumedMessage[]): void {
    if (messages.length === 0) return;
    this.lists.push(messages);
    this.count += messages.length;
    this.everAdded += messages.length;
  }

  take(): ConsumedMessage | undefined {
    const head = this.lists[0];
    if (head === undefined) return undefined;
    const message = head[this.next++];
    this.count--;
    if (this.next === head.length) {
      this.lists.shift();
      this.next = 0;
    }
    return message;
  }

  /** The first buffered message of the partition, if any. */
  first(topic: string, partition: number): ConsumedMessage | undefined {
    for (let l = 0; l < this.lists.length; l++) {
      const list = this.lists[l];
      for (let i = l === 0 ? this.next : 0; i < list.length; i++) {
        if (list[i].partition === partition && list[i].topic === topic) return list[i];
      }
    }
    return undefined;
  }

  /** Keeps only the messages `keep` accepts, in order. */
  retain(keep: (message: ConsumedMessage) => boolean): void {
    const kept: ConsumedMessage[] = [];
    for (let message = this.take(); message !== undefined; message = this.take()) if (keep(message)) kept.push(message);
    if (kept.length === 0) return;
    this.lists.push(kept);
    this.count = kept.length;
  }
}
