// The broker's topics: names, stable UUIDs, partition counts and config overrides, kept in
// <dataDir>/topics.json (written atomically), and one PartitionLog per partition in
// <dataDir>/<topic>-<partition>/ as Kafka lays them out.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HotPath } from '../hotpath/types.js';
import { PartitionLog, writeFileAtomic, type LogConfig, type StorageLogger } from '../storage/index.js';
import { checkTopicConfigs, logConfigFor } from './topic-config.js';
import { topicNameProblem } from './topic-name.js';

export const MAX_PARTITIONS = 10_000;
const METADATA_FILE = 'topics.json';

export interface TopicRecord {
  readonly name: string;
  /** The topic's UUID in Kafka's string form (16 bytes, base64url without padding). */
  readonly id: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface Topic extends TopicRecord {
  readonly logs: PartitionLog[];
}

export type TopicErrorKind = 'INVALID_TOPIC' | 'TOPIC_EXISTS' | 'UNKNOWN_TOPIC' | 'INVALID_PARTITIONS' | 'INVALID_CONFIG';

export class TopicError extends Error {
  override readonly name = 'TopicError';
  constructor(readonly kind: TopicErrorKind, message: string, readonly topic: string) {
    super(message);
  }
}

export interface TopicRegistryOptions {
  readonly dataDir: string;
  readonly logDefaults?: Partial<LogConfig>;
  readonly hotpath?: HotPath;
  readonly logger?: StorageLogger;
}

export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();
  /** Topics whose logs are being opened: a second create of the same name must see them. */
  private readonly creating = new Map<string, Promise<Topic>>();
  /**
   * Deleted topics whose directories are still in place, by name: the name stays taken until
   * they are moved aside, so a topic created again never opens, nor loses, the old files.
   */
  private readonly deleting = new Map<string, Promise<void>>();
  /** Directories moved aside and being removed; close() waits for them. */
  private readonly removals = new Set<Promise<void>>();

  private constructor(private readonly options: TopicRegistryOptions) {}

  static async open(options: TopicRegistryOptions): Promise<TopicRegistry> {
    mkdirSync(options.dataDir, { recursive: true });
    const registry = new TopicRegistry(options);
    const records = registry.readMetadata();
    registry.removeStrayDirectories(records);
    for (const record of records) await registry.openTopic(record);
    return registry;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  getById(id: string): Topic | undefined {
    return this.byId.get(id);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  /** Creates a topic (validateOnly: checks without creating). */
  async create(name: string, partitions: number, configs: Record<string, string> = {}, validateOnly = false): Promise<Topic | null> {
    const problem = topicNameProblem(name);
    if (problem !== null) throw new TopicError('INVALID_TOPIC', problem, String(name));
    if (this.topics.has(name) || this.creating.has(name)) throw new TopicError('TOPIC_EXISTS', `topic ${name} already exists`, name);
    assertPartitionCount(name, partitions);
    this.checkConfigs(name, configs);
    if (validateOnly) return null;
    const record = { name, id: newTopicId(), partitions, configs: { ...configs } };
    const opening = (this.deleting.get(name) ?? Promise.resolve()).then(() => this.openTopic(record));
    this.creating.set(name, opening);
    try {
      const topic = await opening;
      this.writeMetadata();
      return topic;
    } finally {
      this.creating.delete(name);
    }
  }

  /** The topic, waiting for it when another request is creating it; creates it (auto-creation) when absent. */
  async getOrCreate(name: string, partitions: number): Promise<Topic> {
    // Looked up without an await in between, so two callers never both try to create it.
    const existing = this.topics.get(name) ?? this.creating.get(name);
    if (existing !== undefined) return existing;
    return (await this.create(name, partitions)) as Topic;
  }

  /**
   * Deletes a topic: it is gone from lookups and topics.json at once; its name is free again once
   * every partition log has finished what it was doing and its directory has been renamed to
   * `<topic>-<partition>.<id>-delete`, a name no topic's directory can have. Removal follows.
   */
  async delete(name: string): Promise<void> {
    const topic = this.require(name);
    this.topics.delete(name);
    this.byId.delete(topic.id);
    this.writeMetadata();
    const movedAside = this.moveAside(topic);
    const nameFree = movedAside.then(() => undefined, () => undefined);
    this.deleting.set(name, nameFree);
    void nameFree.then(() => this.deleting.get(name) === nameFree && this.deleting.delete(name));
    const doomed = await movedAside;
    await this.trackRemoval(Promise.all(doomed.map((dir) => removeDirectory(dir))).then(() => undefined));
  }

  private async moveAside(topic: Topic): Promise<string[]> {
    await Promise.all(topic.logs.map((log) => log.discard()));
    return topic.logs.map((_, partition) => {
      const dir = this.partitionDir(topic.name, partition);
      const doomed = `${dir}.${topic.id}${DELETE_SUFFIX}`;
      renameSync(dir, doomed);
      return doomed;
    });
  }

  private trackRemoval(removal: Promise<void>): Promise<void> {
    this.removals.add(removal);
    return removal.finally(() => this.removals.delete(removal));
  }

  /** CreatePartitions: grows the topic to `total` partitions. */
  async addPartitions(name: string, total: number, validateOnly = false): Promise<void> {
    const topic = this.require(name);
    if (total <= topic.partitions) {
      throw new TopicError('INVALID_PARTITIONS', `topic ${name} has ${topic.partitions} partitions; the count can only grow`, name);
    }
    assertPartitionCount(name, total);
    if (validateOnly) return;
    for (let partition = topic.partitions; partition < total; partition++) topic.logs.push(await this.openLog(topic, partition));
    topic.partitions = total;
    this.writeMetadata();
  }

  /** Replaces a topic's config overrides; the open partition logs take the new settings at once. */
  setConfigs(name: string, configs: Record<string, string>, validateOnly = false): void {
    const topic = this.require(name);
    this.checkConfigs(name, configs);
    if (validateOnly) return;
    topic.configs = { ...configs };
    this.writeMetadata();
    const settings = logConfigFor(this.options.logDefaults ?? {}, topic.configs);
    for (const log of topic.logs) log.reconfigure(settings);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.creating.values(), ...this.deleting.values(), ...this.removals]);
    for (const topic of this.topics.values()) await Promise.all(topic.logs.map((log) => log.close()));
  }

  private require(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) throw new TopicError('UNKNOWN_TOPIC', `unknown topic ${name}`, name);
    return topic;
  }

  private checkConfigs(name: string, configs: Record<string, string>): void {
    try {
      checkTopicConfigs(configs);
    } catch (error) {
      throw new TopicError('INVALID_CONFIG', error instanceof Error ? error.message : String(error), name);
    }
  }

  private async openTopic(record: TopicRecord): Promise<Topic> {
    const topic: Topic = { ...record, configs: { ...record.configs }, logs: [] };
    for (let partition = 0; partition < record.partitions; partition++) topic.logs.push(await this.openLog(topic, partition));
    this.topics.set(topic.name, topic);
    this.byId.set(topic.id, topic);
    return topic;
  }

  private openLog(topic: TopicRecord, partition: number): Promise<PartitionLog> {
    return PartitionLog.open(this.partitionDir(topic.name, partition), {
      config: logConfigFor(this.options.logDefaults ?? {}, topic.configs),
      hotpath: this.options.hotpath,
      logger: this.options.logger,
    });
  }

  private partitionDir(name: string, partition: number): string {
    return join(this.options.dataDir, `${name}-${partition}`);
  }

  /**
   * Removes what a crash can leave behind: directories moved aside for deletion, and partition
   * directories of no topic in topics.json (a delete whose files were not yet moved, a create
   * or CreatePartitions whose metadata was not yet written). Either could otherwise come back
   * as the data of a topic created later under the same name.
   */
  private removeStrayDirectories(records: readonly TopicRecord[]): void {
    // Without topics.json every directory would look stray: that is damage to report, not tidy.
    if (!existsSync(join(this.options.dataDir, METADATA_FILE))) return;
    const partitionsOf = new Map(records.map((record) => [record.name, record.partitions]));
    for (const entry of readdirSync(this.options.dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const stray = entry.name.endsWith(DELETE_SUFFIX) || isStrayPartitionDir(entry.name, partitionsOf);
      if (!stray) continue;
      this.options.logger?.warn('removing a directory of no topic', { dir: entry.name });
      const doomed = join(this.options.dataDir, entry.name.endsWith(DELETE_SUFFIX) ? entry.name : `${entry.name}.stray${DELETE_SUFFIX}`);
      if (!entry.name.endsWith(DELETE_SUFFIX)) renameSync(join(this.options.dataDir, entry.name), doomed);
      void this.trackRemoval(removeDirectory(doomed));
    }
  }

  private readMetadata(): TopicRecord[] {
    const path = join(this.options.dataDir, METADATA_FILE);
    if (!existsSync(path)) return [];
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { topics?: TopicRecord[] };
    // Names come from our own file, but they still become paths: check them again.
    return (parsed.topics ?? []).filter((record) => topicNameProblem(record.name) === null);
  }

  private writeMetadata(): void {
    const topics = this.list().map(({ name, id, partitions, configs }) => ({ name, id, partitions, configs }));
    writeFileAtomic(join(this.options.dataDir, METADATA_FILE), `${JSON.stringify({ version: 1, topics }, null, 2)}\n`);
  }
}

const DELETE_SUFFIX = '-delete';
const PARTITION_DIR = /^(.+)-(\d+)$/;

/** A `<topic>-<partition>` directory whose topic is unknown or has fewer partitions. */
function isStrayPartitionDir(name: string, partitionsOf: ReadonlyMap<string, number>): boolean {
  const match = PARTITION_DIR.exec(name);
  if (match === null || topicNameProblem(match[1]) !== null) return false;
  return Number(match[2]) >= (partitionsOf.get(match[1]) ?? 0);
}

/** On the thread pool: unlinking a large log whose pages are cached takes tens of milliseconds. */
function removeDirectory(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

function assertPartitionCount(name: string, partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new TopicError('INVALID_PARTITIONS', `partition count must be 1..${MAX_PARTITIONS}, got ${partitions}`, name);
  }
}

/**
 * A random topic id as Kafka makes them (Uuid.randomUuid): never all zeros (that means "no id")
 * and never starting with '-', so the string form cannot be mistaken for a command-line option.
 */
export function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    if (!id.startsWith('-') && bytes.some((byte) => byte !== 0)) return id;
  }
}
