// The bytes a consumer group's members exchange through the coordinator under protocol type
// "consumer" (Kafka's ConsumerProtocol; messages/ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json). The broker never looks inside them: they travel as the
// JoinGroup metadata of each member and as the assignments of SyncGroup, so every client in a
// group (Java, librdkafka, kafkajs, ours) must agree on the layout. Classic encoding, no
// flexible fields; a newer version only appends fields, so a reader takes what it knows.
// Shared by the client (which writes and reads them) and the group coordinator (which only
// looks up the subscribed topics, for OffsetDelete).
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface Subscription {
  readonly topics: readonly string[];
  readonly userData: Buffer | null;
  /** What the member owned before this rebalance (v1+); [] from a v0 member. */
  readonly ownedPartitions: readonly TopicPartition[];
}

/**
 * The subscription version we write: v1 adds the owned partitions (used by sticky assignors).
 * kafkajs reads only the v0 fields and ignores the rest, as Kafka's compatibility rule allows.
 */
export const SUBSCRIPTION_VERSION = 1;
/** The assignment layout is the same in every version; v0 is the one every client reads. */
export const ASSIGNMENT_VERSION = 0;

const INT16 = 2;
const INT32 = 4;

export function encodeSubscription(subscription: Subscription, version = SUBSCRIPTION_VERSION): Buffer {
  const owned = groupByTopic(subscription.ownedPartitions);
  const size =
    INT16 +
    stringArraySize(subscription.topics) +
    nullableBytesSize(subscription.userData) +
    (version >= 1 ? topicPartitionsSize(owned) : 0);
  const writer = new Writer(Buffer.alloc(size));
  writer.int16(version);
  writeStringArray(writer, subscription.topics);
  writer.nullableBytes(subscription.userData, false);
  if (version >= 1) writeTopicPartitions(writer, owned);
  writer.finish(size);
  return writer.buf;
}

/** Reads any version; throws a RangeError when the bytes are not a consumer subscription. */
export function decodeSubscription(bytes: Buffer): Subscription {
  const reader = new Reader(bytes);
  const version = reader.int16();
  const topics = readStringArray(reader);
  const userData = reader.remaining > 0 ? copyOf(reader.nullableBytes(false)) : null;
  const ownedPartitions = version >= 1 && reader.remaining > 0 ? readTopicPartitions(reader) : [];
  if (!reader.complete() || version < 0) throw new RangeError(`not a consumer-protocol subscription: ${reader.error?.message ?? `version ${version}`}`);
  return { topics, userData, ownedPartitions };
}

export function encodeAssignment(partitions: readonly TopicPartition[], userData: Buffer | null = null): Buffer {
  const byTopic = groupByTopic(partitions);
  const size = INT16 + topicPartitionsSize(byTopic) + nullableBytesSize(userData);
  const writer = new Writer(Buffer.alloc(size));
  writer.int16(ASSIGNMENT_VERSION);
  writeTopicPartitions(writer, byTopic);
  writer.nullableBytes(userData, false);
  writer.finish(size);
  return writer.buf;
}

/**
 * The partitions in an assignment. Empty bytes mean "nothing": the coordinator hands those to
 * members the leader left out (kafkajs leaves out members without partitions).
 */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return [];
  const reader = new Reader(bytes);
  const version = reader.int16();
  const partitions = readTopicPartitions(reader);
  if (!reader.complete() || version < 0) throw new RangeError(`not a consumer-protocol assignment: ${reader.error?.message ?? `version ${version}`}`);
  return partitions;
}

/**
 * Only the subscribed topics, or null when the bytes are not a consumer subscription. Lenient
 * past the topics (any version, any trailing fields): the coordinator needs nothing else.
 */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  const reader = new Reader(metadata);
  const version = reader.int16();
  if (version < 0 || reader.remaining < INT32 || metadata.readInt32BE(INT16) < 0) return null;
  const topics = readStringArray(reader);
  return reader.complete() ? topics : null;
}

/** Topic-partitions grouped by topic, topics sorted, partitions in ascending order. */
export function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  const sorted = [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map(([topic, list]) => [topic, list.sort((x, y) => x - y)]));
}

function stringSize(value: string): number {
  return INT16 + Buffer.byteLength(value, 'utf8');
}

function stringArraySize(values: readonly string[]): number {
  return INT32 + values.reduce((sum, value) => sum + stringSize(value), 0);
}

function nullableBytesSize(value: Buffer | null): number {
  return INT32 + (value?.length ?? 0);
}

function topicPartitionsSize(byTopic: ReadonlyMap<string, readonly number[]>): number {
  let size = INT32;
  for (const [topic, partitions] of byTopic) size += stringSize(topic) + INT32 + INT32 * partitions.length;
  return size;
}

function writeStringArray(writer: Writer, values: readonly string[]): void {
  writer.arrayCount(values.length, false);
  for (const value of values) writer.string(value, false);
}

function writeTopicPartitions(writer: Writer, byTopic: ReadonlyMap<string, readonly number[]>): void {
  writer.arrayCount(byTopic.size, false);
  for (const [topic, partitions] of byTopic) {
    writer.string(topic, false);
    writer.arrayCount(partitions.length, false);
    for (const partition of partitions) writer.int32(partition);
  }
}

function readStringArray(reader: Reader): string[] {
  const count = reader.arrayCount(false, INT16);
  const values: string[] = [];
  for (let i = 0; i < count && reader.complete(); i++) values.push(reader.string(false));
  return values;
}

function readTopicPartitions(reader: Reader): TopicPartition[] {
  const topics = reader.arrayCount(false, INT16 + INT32);
  const result: TopicPartition[] = [];
  for (let i = 0; i < topics && reader.complete(); i++) {
    const topic = reader.string(false);
    const count = reader.arrayCount(false, INT32);
    for (let j = 0; j < count && reader.complete(); j++) result.push({ topic, partition: reader.int32() });
  }
  return result;
}

/** Decoded bytes are views of the input; user data outlives it, so it gets its own copy. */
function copyOf(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes);
}
