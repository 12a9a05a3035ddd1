// A coordinator over a real GroupStore in a temp dir, for state-machine tests driven by vitest's
// fake timers (only setTimeout/clearTimeout are faked: the store's disk I/O runs for real), and
// builders for JoinGroup requests and consumer-protocol bytes.
import { pino } from 'pino';
import { vi } from 'vitest';
import { GroupCoordinator } from '../../src/group/coordinator.js';
import { GroupStore } from '../../src/group/group-store.js';
import type { JoinRequest } from '../../src/group/join.js';
import type { JoinResult, SyncResult } from '../../src/group/member.js';
import type { CoordinatorSettings } from '../../src/group/settings.js';
import { jsHotPath } from '../../src/hotpath/index.js';
import { tempDir } from '../helpers/batches.js';

export const TEST_SETTINGS: CoordinatorSettings = {
  initialRebalanceDelayMs: 100,
  minSessionTimeoutMs: 10,
  maxSessionTimeoutMs: 100_000,
  maxGroupSize: 100,
  newMemberJoinTimeoutMs: 300_000,
};

const quietStorage = { info: () => {}, warn: () => {} };

export interface TestCoordinator {
  coordinator: GroupCoordinator;
  store: GroupStore;
  readonly dir: string;
  /** Closes the coordinator and loads it again from disk, as a broker restart does. */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function openCoordinator(settings: Partial<CoordinatorSettings> = {}): Promise<TestCoordinator> {
  const temp = tempDir('sluice-groups-');
  const open = async () => {
    const store = await GroupStore.open(temp.dir, { hotpath: jsHotPath, logger: quietStorage });
    return { store, coordinator: GroupCoordinator.load(store, { ...TEST_SETTINGS, ...settings }, pino({ level: 'silent' })) };
  };
  const harness: TestCoordinator = {
    ...(await open()),
    dir: temp.dir,
    reopen: async () => {
      await harness.coordinator.close();
      Object.assign(harness, await open());
    },
    close: async () => {
      await harness.coordinator.close();
      temp.cleanup();
    },
  };
  return harness;
}

/** A JoinGroup as a v0-3 consumer sends it (no MEMBER_ID_REQUIRED round), subscribed to topic t. */
export function join(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 1000,
    rebalanceTimeoutMs: 2000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** ConsumerProtocolSubscription bytes: v0 (topics, user data) or v1 (plus owned partitions). */
export function subscription(topics: readonly string[], version = 0): Buffer {
  const parts = [int16(version), int32(topics.length), ...topics.map(string), int32(-1)];
  // v1 adds the partitions the member owns: one topic with partitions 0 and 1.
  if (version >= 1) parts.push(int32(1), string(topics[0] ?? 'owned'), int32(2), int32(0), int32(1));
  return Buffer.concat(parts);
}

/** ConsumerProtocolAssignment v0 bytes: topic -> partitions, no user data. */
export function assignment(partitions: Readonly<Record<string, readonly number[]>>): Buffer {
  const topics = Object.entries(partitions);
  return Buffer.concat([
    int16(0),
    int32(topics.length),
    ...topics.flatMap(([topic, list]) => [string(topic), int32(list.length), ...list.map(int32)]),
    int32(-1),
  ]);
}

/** Decodes ConsumerProtocolAssignment (any version: later fields are ignored). */
export function decodeAssignment(bytes: Buffer): Record<string, number[]> {
  if (bytes.length === 0) return {};
  let at = 2;
  const topics: Record<string, number[]> = {};
  const count = bytes.readInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const length = bytes.readInt16BE(at);
    const topic = bytes.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    const partitions = bytes.readInt32BE(at);
    at += 4;
    topics[topic] = Array.from({ length: partitions }, (_, p) => bytes.readInt32BE(at + 4 * p));
    at += 4 * partitions;
  }
  return topics;
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function string(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
}

/** A promise whose outcome can be checked without awaiting it. */
export interface Tracked<T> {
  readonly settled: boolean;
  readonly value: T | undefined;
  readonly promise: Promise<T>;
}

export function tracked<T>(promise: Promise<T> | T): Tracked<T> {
  const state: { settled: boolean; value: T | undefined; promise: Promise<T> } = { settled: false, value: undefined, promise: Promise.resolve(promise) };
  state.promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** Lets every pending promise callback (and the store's disk I/O) run; timers stay frozen. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The answers of JoinGroups sent together to a new group. Each member after the first extends the
 * initial delay once, so the time is advanced a delay at a time until all are answered.
 */
export async function afterInitialDelay(joins: ReadonlyArray<Promise<JoinResult>>): Promise<JoinResult[]> {
  const all = tracked(Promise.all(joins));
  for (let delays = 0; !all.settled && delays <= joins.length; delays++) await vi.advanceTimersByTimeAsync(TEST_SETTINGS.initialRebalanceDelayMs);
  if (!all.settled) throw new Error('the joins were not answered after the initial delays');
  return all.promise;
}

export interface StableMember {
  readonly name: string;
  readonly memberId: string;
  readonly join: JoinResult;
  readonly sync: SyncResult;
}

/**
 * Members named by client id join group g together, the leader assigns each member its own name
 * as assignment bytes, and everyone syncs: the group ends Stable at generation 1.
 */
export async function stableGroup(coordinator: GroupCoordinator, names: readonly string[], overrides: Partial<JoinRequest> = {}): Promise<StableMember[]> {
  const joined = await afterInitialDelay(names.map((name) => coordinator.joinGroup(join({ clientId: name, ...overrides }))));
  const leader = joined.find((result) => result.memberId === result.leaderId);
  if (leader === undefined) throw new Error('no leader elected');
  const assignments = joined.map((result, i) => ({ memberId: result.memberId, assignment: Buffer.from(names[i]) }));
  const syncs = joined.map((result) =>
    coordinator.syncGroup('g', {
      memberId: result.memberId,
      generationId: result.generationId,
      groupInstanceId: overrides.groupInstanceId ?? null,
      protocolType: null,
      protocolName: null,
      assignments: result === leader ? assignments : [],
    }),
  );
  const synced = await Promise.all(syncs);
  return names.map((name, i) => ({ name, memberId: joined[i].memberId, join: joined[i], sync: synced[i] }));
}
