// The consumer: reads assigned partitions from chosen offsets, as an async iterator.
//
//   consumer.assign([{ topic: 'events', partition: 0, offset: 'earliest' }]);
//   for await (const message of consumer) { ... }
//
// Each fetch round (fetch-round.ts) resolves pending 'earliest'/'latest' positions, sends one Fetch
// per leader for the partitions that are not paused, and buffers the messages; the iterator
// hands them out one by one while the next round is already under way. seek() and pause()
// drop what is buffered for the partition, and answers to fetches sent before them are ignored.
//
// With a groupId, subscribe() joins the group instead: a GroupMember (group-member.ts) runs the
// membership in the background and replaces the assignment at each rebalance (committed offsets,
// or autoOffsetReset where none), holding delivery while its listeners run and it commits.
// commit() commits positions, i.e. the offset of the next message the iterator hands out.
import type { Cluster } from './cluster.js';
import type { Assignment, AutoOffsetReset, ConsumerOptions } from './consumer-options.js';
import type { ConsumedMessage } from './fetch-records.js';
import { FetchRounds } from './fetch-round.js';
import type { FetchSettings } from './fetcher.js';
import type { OffsetToCommit, TopicPartitionOffset } from './group-commit.js';
import { CoordinatorLink } from './group-coordinator.js';
import { GroupMember } from './group-member.js';
import type { GroupMetadata } from './transaction.js';
import { resolveGroupOptions, type MemberHost } from './group-options.js';
import { MessageBuffer } from './message-buffer.js';
import { PartitionStates, type OffsetSpec, type PartitionState, type TopicPartition } from './partition-states.js';

export type { ConsumedMessage } from './fetch-records.js';
export type { OffsetSpec, TopicPartition } from './partition-states.js';
export type { Assignment, AutoOffsetReset, ConsumerOptions } from './consumer-options.js';

export class Consumer implements AsyncIterable<ConsumedMessage> {
  private readonly states: PartitionStates;
  private readonly settings: FetchSettings;
  private readonly autoOffsetReset: AutoOffsetReset;
  private readonly buffer = new MessageBuffer();
  /** The fetch round in flight: one runs ahead while the iterator hands out what the last one got. */
  private round: Promise<void> | null = null;
  /** Messages the last finished round added: the next round starts once the buffer is down to that. */
  private lastRoundMessages = 0;
  private closed = false;
  private readonly rounds: FetchRounds;
  private wake: () => void = () => undefined;
  private readonly closing: Promise<void>;
  private signalClosed: () => void = () => undefined;
  private readonly group: GroupMember | null;
  private held = false;
  private failure: unknown = null;

  /** `coordinatorCluster` carries the group's requests, so a parked JoinGroup never delays a Fetch. */
  constructor(
    private readonly cluster: Cluster,
    options: ConsumerOptions = {},
    private readonly coordinatorCluster: Cluster = cluster,
  ) {
    this.settings = {
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 52_428_800,
      isolation: options.isolationLevel ?? 'read_uncommitted',
    };
    this.autoOffsetReset = options.autoOffsetReset ?? 'latest';
    this.states = new PartitionStates(options.maxBytesPerPartition ?? 1_048_576);
    this.closing = new Promise((resolve) => (this.signalClosed = resolve));
    const { states, buffer, settings, autoOffsetReset } = this;
    this.rounds = new FetchRounds({ cluster, states, buffer, settings, autoOffsetReset, isClosed: () => this.closed, nextChange: () => this.nextChange() });
    const { groupId } = options;
    this.group = groupId === undefined ? null : new GroupMember(new CoordinatorLink(coordinatorCluster, groupId), resolveGroupOptions({ ...options, groupId }), this.memberHost());
  }

  /** Joins the group (groupId) for these topics; the coordinator's assignment replaces assign(). Call again to change the topics. */
  subscribe(topics: readonly string[]): void {
    const group = this.requireGroup('subscribe()');
    if (this.closed) throw new Error('the consumer is closed');
    if (topics.length === 0 || topics.some((t) => typeof t !== 'string' || t.length === 0)) throw new RangeError('subscribe() needs one or more topic names');
    if (!group.subscribed && this.states.all().length > 0) throw new Error('a consumer with assign()ed partitions cannot subscribe()');
    group.subscribe(topics);
  }

  /**
   * Commits to the group: the given offsets (the next offset to read, i.e. last processed + 1),
   * or the position of every assigned partition. Outside a generation (assign() with a groupId)
   * it commits as a non-member, which the coordinator accepts while the group is empty.
   */
  async commit(offsets?: readonly OffsetToCommit[]): Promise<void> {
    const group = this.requireGroup('commit()');
    await (offsets === undefined ? group.commitConsumed() : group.commit(offsets));
  }

  /** Replaces the assignment. Partitions kept without an offset keep their position. */
  assign(assignments: readonly Assignment[]): void {
    if (this.group?.subscribed) throw new Error('a subscribed consumer gets its partitions from the group; assign() cannot be used');
    this.replaceAssignment(assignments);
  }

  private replaceAssignment(assignments: readonly Assignment[]): void {
    const kept = this.states.replace(assignments, (offset) => this.startingPoint(offset));
    this.buffer.retain((run) => kept.has(this.states.key(run)));
    this.wake();
  }

  assignment(): TopicPartition[] {
    return this.states.all().map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Moves a partition's position; the next message from it has this offset (or the earliest/latest one). */
  seek(topic: string, partition: number, offset: OffsetSpec): void {
    const state = this.states.require(topic, partition);
    this.dropBuffered(state);
    this.states.moveTo(state, offset);
    this.wake();
  }

  /** Offset of the next message the iterator will hand out for the partition; null while being resolved. */
  position(topic: string, partition: number): number | null {
    const state = this.states.require(topic, partition);
    return this.buffer.firstOffset(topic, partition) ?? state.fetchOffset;
  }

  /** Stops fetching the partitions; buffered messages from them are put back (fetched again on resume). */
  pause(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const state = this.states.require(topic, partition);
      const first = this.dropBuffered(state);
      if (first !== undefined) this.states.moveTo(state, first);
      state.paused = true;
      state.version++;
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.states.require(topic, partition).paused = false;
    this.wake();
  }

  paused(): TopicPartition[] {
    return this.states.all().filter((s) => s.paused).map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Ends iteration, leaves the group (after revoking and committing) and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosed();
    this.wake();
    await this.group?.close();
    this.cluster.close();
    this.coordinatorCluster.close();
  }

  /**
   * The messages one by one, until close(). Written out rather than an async generator: a
   * buffered message goes out in one resolved promise, where a generator's yield costs twice
   * that (about 50 ns a message, a tenth of a fast consumer's time). After a throw or a
   * return() (a `break` out of for await) the iterator is done, as a generator would be.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<ConsumedMessage> {
    let finished = false;
    const end = (): IteratorResult<ConsumedMessage, undefined> => {
      finished = true;
      return { value: undefined, done: true };
    };
    const fail = (error: unknown): never => {
      finished = true;
      throw error;
    };
    const iterator: AsyncIterableIterator<ConsumedMessage> = {
      next: () => {
        if (finished) return Promise.resolve(end());
        const ready = this.takeReady();
        if (ready !== undefined) return Promise.resolve({ value: ready, done: false });
        return this.nextMessage().then((message) => (message === undefined ? end() : { value: message, done: false }), fail);
      },
      return: () => Promise.resolve(end()),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** The next buffered message, when one may be handed out now. */
  private takeReady(): ConsumedMessage | undefined {
    if (this.closed || this.failure !== null || this.held) return undefined;
    const message = this.buffer.take();
    if (message !== undefined) this.prefetchIfLow();
    return message;
  }

  /** Waits for the next message to hand out; undefined once closed; throws what fetching failed with. */
  private async nextMessage(): Promise<ConsumedMessage | undefined> {
    while (!this.closed) {
      if (this.failure !== null) throw this.failure;
      if (this.held) {
        await Promise.race([this.nextChange(), this.closing]);
        continue;
      }
      const message = this.takeReady();
      if (message !== undefined) return message;
      await this.awaitRound();
    }
    return undefined;
  }

  /**
   * Fetches the next round while this one is handed out: the broker reads and sends while the
   * application works. Only once the buffer is down to one round's worth, so at most about two
   * rounds of messages are held however slow the application is.
   */
  private prefetchIfLow(): void {
    if (this.round === null && this.buffer.length <= this.lastRoundMessages) this.round = this.startRound();
  }

  private startRound(): Promise<void> {
    const addedBefore = this.buffer.added;
    const round = this.rounds.run().finally(() => {
      this.lastRoundMessages = this.buffer.added - addedBefore;
      if (this.round === round) this.round = null;
    });
    round.catch(() => undefined); // seen by awaitRound; unseen when close() comes first
    return round;
  }

  /** Waits for the round in flight (starting one if none is), cut short by close(); throws what it threw. */
  private async awaitRound(): Promise<void> {
    const round = (this.round ??= this.startRound());
    await Promise.race([round, this.closing]);
  }

  private startingPoint(offset: OffsetSpec | undefined): OffsetSpec {
    if (offset !== undefined) return offset;
    if (this.autoOffsetReset === 'none') throw new RangeError("an offset is needed for every partition when autoOffsetReset is 'none'");
    return this.autoOffsetReset;
  }

  /** Removes the partition's buffered messages; returns the first one's offset. */
  private dropBuffered(state: PartitionState): number | undefined {
    const first = this.buffer.firstOffset(state.topic, state.partition);
    if (first !== undefined) this.buffer.retain((run) => run.topic !== state.topic || run.partition !== state.partition);
    return first;
  }

  /** Who this consumer commits as, for a transactional producer's sendOffsets (Java's consumer.groupMetadata()). */
  groupMetadata(): GroupMetadata {
    return this.requireGroup('groupMetadata()').metadata();
  }

  private requireGroup(operation: string): GroupMember {
    if (this.group === null) throw new Error(`${operation} needs a consumer made with a groupId`);
    return this.group;
  }

  /** The consumer as its group member sees it. */
  private memberHost(): MemberHost {
    return {
      hold: () => {
        this.held = true;
      },
      release: () => {
        this.held = false;
        this.wake();
      },
      assign: (assignments) => this.replaceAssignment(assignments),
      positions: () => this.positions(),
      fail: (error) => {
        this.failure = error;
        this.wake();
      },
    };
  }

  private positions(): TopicPartitionOffset[] {
    return this.states.all().flatMap(({ topic, partition }) => {
      const offset = this.position(topic, partition);
      return offset === null ? [] : [{ topic, partition, offset }];
    });
  }

  /** Resolves at the next assign/seek/resume/close. */
  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = () => undefined;
        resolve();
      };
    });
  }
}
