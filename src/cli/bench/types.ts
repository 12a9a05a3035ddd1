// The shapes of what the benchmark measures: the cases it runs and the figures they give.
// The JSON report is these objects as they are, so a change here changes the JSON format.
import type { MachineAnchors } from './anchors.js';
import type { CpuUse } from './cpu.js';
import type { LatencySummary } from './stats.js';

export type { CpuUse } from './cpu.js';
export type { LatencySummary } from './stats.js';

export interface ProducerCase {
  /** Stable identifier, also the key in the JSON report, e.g. "produce-100B-acks1-p8-x50". */
  readonly id: string;
  readonly recordBytes: number;
  /** 1 = leader wrote it; -1 = all replicas, which on sluice means fdatasync'd (group commit). */
  readonly acks: 1 | -1;
  readonly partitions: number;
  /** Producer instances, each with its own connection (not send loops on one producer). */
  readonly producers: number;
  /** Idempotent producers (producer ids and sequences, checked by the broker); the other cases turn it off. */
  readonly idempotent: boolean;
}

export interface ProducerResult {
  readonly case: ProducerCase;
  /** Records acknowledged inside the measurement window. */
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** Value bytes only (keys are null, headers none), decimal MB. */
  readonly megabytesPerSecond: number;
  readonly recordsPerSend: number;
  /** Latency of one send() call (of recordsPerSend records) from the call to its acknowledgement. */
  readonly ackLatency: LatencySummary;
  readonly cpu: CpuUse | null;
}

export interface OneAtATimeResult {
  readonly recordBytes: number;
  readonly acks: -1;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly ackLatency: LatencySummary;
}

export interface ConsumerResult {
  readonly recordBytes: number;
  /** Records in the log when reading started (all written before, so read from the page cache). */
  readonly recordsInLog: number;
  readonly recordsRead: number;
  /** False when the time limit ended the read before the end of the log. */
  readonly reachedEnd: boolean;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly cpu: CpuUse | null;
}

export interface EndToEndResult {
  readonly targetRecordsPerSecond: number;
  readonly sentRecordsPerSecond: number;
  readonly recordBytes: number;
  readonly sent: number;
  readonly received: number;
  /** From the producer's send() call to the consumer's iterator handing the record out. */
  readonly latency: LatencySummary;
  readonly cpu: CpuUse | null;
}

/** What a client alone can measure against any Kafka-compatible address. */
export interface ClientResults {
  readonly produce: readonly ProducerResult[];
  readonly oneAtATime: OneAtATimeResult | null;
  /** The same with an idempotent producer, to set beside it. */
  readonly oneAtATimeIdempotent: OneAtATimeResult | null;
  readonly consume: ConsumerResult | null;
  readonly endToEnd: EndToEndResult | null;
  /** Workloads that failed, "workload: message"; the others still ran. */
  readonly errors: readonly string[];
}

/** What needs the broker's process: start time and memory. */
export interface ProcessResults {
  /** Median of startSamplesMs: spawn until a TCP connect and an ApiVersions answer succeed. */
  readonly startMs: number;
  readonly startSamplesMs: readonly number[];
  /** The same probe against a bare `node` that only listens and echoes. */
  readonly bareNodeStartMs: number;
  readonly bareNodeStartSamplesMs: readonly number[];
  /** RSS of that bare node once it accepts: what any Node process costs. */
  readonly bareNodeRssMiB: number;
  readonly rssAfterStartMiB: number;
  readonly rssAfterIdleSecondMiB: number;
  readonly floodPeakRssMiB: number;
  readonly floodRssSamples: number;
  /** What the flooding producer achieved meanwhile (records/s). */
  readonly floodRecordsPerSecond: number;
}

export interface BackendRun {
  /** Column name: "native", "js", or "broker" for `sluice bench` against an address. */
  readonly name: string;
  /** How the broker described its backend, when known. */
  readonly description: string;
  readonly client: ClientResults | null;
  readonly process: ProcessResults | null;
  /** Why this backend did not run (completely), if it did not. */
  readonly error: string | null;
}

/** A workload of ours run against another system (--peers), with what its acknowledgement promises. */
export interface PeerResult {
  /** e.g. "Redis Streams, appendfsync always". */
  readonly system: string;
  readonly version: string;
  /** What has happened to a record when the system acknowledges it. */
  readonly durability: string;
  /** Batches of the producer cases' size, as many in flight as one of our producers keeps. */
  readonly pipelined: { readonly recordBytes: number; readonly recordsPerBatch: number; readonly batchesInFlight: number; readonly recordsPerSecond: number; readonly batchLatency: LatencySummary } | null;
  /** One record, its acknowledgement awaited before the next. */
  readonly oneAtATime: { readonly recordBytes: number; readonly ackLatency: LatencySummary } | null;
  /** Why it did not run (completely), if it did not. */
  readonly error: string | null;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: MachineInfo;
  /** The machine's own limits measured in this run (npm run bench), null when not measured. */
  readonly anchors: MachineAnchors | null;
  readonly quick: boolean;
  /** The settings the workloads ran with, so figures can be compared honestly. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly runs: readonly BackendRun[];
  /** Other systems measured in the same run (--peers); empty without it. */
  readonly peers: readonly PeerResult[];
  readonly notes: readonly string[];
}
