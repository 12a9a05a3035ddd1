// The broker's topics: names, stable UUIDs, partition counts and config overrides, kept in
// <dataDir>/topics.json (written atomically), and one PartitionLog per partition in
// <dataDir>/<topic>-<partition>/ as Kafka lays them out.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
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

  private constructor(private readonly options: TopicRegistryOptions) {}

  static async open(options: TopicRegistryOptions): Promise<TopicRegistry> {
    mkdirSync(options.dataDir, { recursive: true });
    const registry = new TopicRegistry(options);
    for (const record of registry.readMetadata()) await registry.openTopic(record);
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
    const opening = this.openTopic({ name, id: newTopicId(), partitions, configs: { ...configs } });
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
    const existing = this.topics.get(name) ?? (await this.creating.get(name));
    if (existing !== undefined) return existing;
    return (await this.create(name, partitions)) as Topic;
  }

  async delete(name: string): Promise<void> {
    const topic = this.require(name);
    this.topics.delete(name);
    this.byId.delete(topic.id);
    this.writeMetadata();
    for (const [partition, log] of topic.logs.entries()) {
      log.abandon();
      // Renamed first so a topic created again at once under the same name gets fresh directories.
      const doomed = `${this.partitionDir(name, partition)}.${topic.id}-delete`;
      renameSync(this.partitionDir(name, partition), doomed);
      // On the thread pool: unlinking a large log whose pages are cached takes tens of milliseconds.
      await rm(doomed, { recursive: true, force: true });
    }
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
