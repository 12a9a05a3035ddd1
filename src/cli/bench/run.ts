// Runs every client-side workload of a profile against a bootstrap address, one after the
// other (never two at once: on a small machine they would measure each other), reporting a
// progress line per workload. A failing workload is recorded and the others still run.
import { createClient, type Client } from '../../client/index.js';
import { describeProducerCase, PROFILES, producerCase, type BenchProfile } from './cases.js';
import { runConsumerCase } from './consume.js';
import { runEndToEnd } from './end-to-end.js';
import { runOneAtATime, runProducerCase } from './produce.js';
import type { CpuClock, CpuUse } from './cpu.js';
import { formatCount, formatLatency } from './stats.js';
import type { ClientResults, ConsumerResult, EndToEndResult, OneAtATimeResult, ProducerResult } from './types.js';

export type Progress = (line: string) => void;

/** Workload ids besides the producer cases' own ("produce-100B-acks1-p1-x1"). */
export const CLIENT_WORKLOAD_IDS = ['one-at-a-time', 'one-at-a-time-idempotent', 'consume', 'end-to-end'] as const;

export interface RunOptions {
  /** Run only the workloads whose id contains this (all when empty). */
  readonly only?: string;
  /** The broker's CPU time, when its process is on this machine; adds broker CPU to the figures. */
  readonly brokerCpu?: CpuClock;
}

export async function runClientWorkloads(client: Client, profile: BenchProfile, progress: Progress, options: RunOptions = {}): Promise<ClientResults> {
  const { only = '', brokerCpu } = options;
  const errors: string[] = [];
  const attempt = async <T>(id: string, name: string, run: () => Promise<T>, describe: (result: T) => string): Promise<T | null> => {
    if (!id.includes(only)) return null;
    try {
      const result = await run();
      progress(`${name}: ${describe(result)}`);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.push(`${name}: ${message}`);
      progress(`${name}: FAILED ${message}`);
      return null;
    }
  };
  const produce: ProducerResult[] = [];
  for (const c of profile.producerCases) {
    const result = await attempt(c.id, `produce ${describeProducerCase(c)}`, () => runProducerCase(client, c, profile, brokerCpu), describeProduce);
    if (result !== null) produce.push(result);
  }
  const oneAtATime = await attempt('one-at-a-time', 'produce one record at a time, acks=all', () => runOneAtATime(client, profile), describeOneAtATime);
  const oneAtATimeIdempotent = await attempt('one-at-a-time-idempotent', 'produce one record at a time, acks=all, idempotent', () => runOneAtATime(client, profile, true), describeOneAtATime);
  const consume = await attempt('consume', 'consume 1 KiB records from the page cache', () => runConsumerCase(client, profile, brokerCpu), describeConsume);
  const endToEnd = await attempt('end-to-end', 'end-to-end latency at 10,000 records/s', () => runEndToEnd(client, profile, brokerCpu), describeEndToEnd);
  return { produce, oneAtATime, oneAtATimeIdempotent, consume, endToEnd, errors };
}

/** The producer that floods the broker while its memory is sampled: 1 KiB, acks=1, 8 partitions. */
export async function runFlood(client: Client, durationMs: number): Promise<ProducerResult> {
  const profile: BenchProfile = { ...PROFILES.tiny, warmupMs: 0, durationMs };
  return runProducerCase(client, producerCase(1024, 1, 8, 1), profile);
}

export function benchClient(brokers: readonly string[]): Client {
  return createClient({ brokers, clientId: 'sluice-bench', retry: { retries: 3 } });
}

export function describeProduce(r: ProducerResult): string {
  return `${formatCount(r.recordsPerSecond)} records/s, ${formatCount(r.megabytesPerSecond)} MB/s, ack ms p50/p99/p99.9 ${formatLatency(r.ackLatency)} (${r.recordsPerSend} records per send)${describeCpu(r.cpu)}`;
}

function describeCpu(cpu: CpuUse | null): string {
  if (cpu === null) return '';
  const broker = cpu.brokerCores === null ? '' : `, broker ${cpu.brokerCores.toFixed(2)} (${formatCount(cpu.brokerCpuMsPerMB ?? Number.NaN)} CPU ms/MB)`;
  return `; cores busy: client ${cpu.clientCores.toFixed(2)}${broker}`;
}

function describeOneAtATime(r: OneAtATimeResult): string {
  return `ack ms p50/p99/p99.9 ${formatLatency(r.ackLatency)} over ${formatCount(r.records)} sends`;
}

function describeConsume(r: ConsumerResult): string {
  const end = r.reachedEnd ? 'the whole log' : `stopped by the time limit after ${formatCount(r.recordsRead)} of ${formatCount(r.recordsInLog)}`;
  return `${formatCount(r.megabytesPerSecond)} MB/s, ${formatCount(r.recordsPerSecond)} records/s (${end})${describeCpu(r.cpu)}`;
}

function describeEndToEnd(r: EndToEndResult): string {
  return `ms p50/p99/p99.9 ${formatLatency(r.latency)}; sent ${formatCount(r.sentRecordsPerSecond)} records/s, received ${r.received} of ${r.sent}${describeCpu(r.cpu)}`;
}
