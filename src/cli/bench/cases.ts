// Which cases run and with which settings. Full mode: 3 s per case (end-to-end latency: 10 s
// after 5 s of warm-up); --quick: 1 s and a subset.
// The tiny profile exists for the test suite: it only proves the machinery works.
import type { ProducerCase } from './types.js';

export interface BenchProfile {
  readonly name: 'full' | 'quick' | 'tiny';
  /** Measured time per workload. */
  readonly durationMs: number;
  /** Run before measuring starts (JIT, connections, first metadata) and not counted. */
  readonly warmupMs: number;
  /**
   * The end-to-end latency workload's own warm-up and measured time: a p99 needs a steady state
   * and many samples. Over its first seconds a fresh producer-consumer pair shows p99s of 17 ms
   * (0-2 s), 3-5 ms (2-4 s) and 1-2 ms from then on (while V8 still optimizes the paths).
   */
  readonly endToEndWarmupMs: number;
  readonly endToEndDurationMs: number;
  readonly producerCases: readonly ProducerCase[];
  /** Bytes written before the consumer reads the log from the start. */
  readonly consumeLogBytes: number;
  /** The fill stops after this long even if the log is smaller. */
  readonly consumeFillMs: number;
  /** The read stops after this long even before the end of the log (the figure is then a rate over part of it). */
  readonly consumeReadMs: number;
  /** Broker starts measured per backend (the median is reported). */
  readonly startRepeats: number;
  /** How long the flooding producer runs while broker RSS is sampled. */
  readonly floodMs: number;
}

/**
 * Producer settings chosen for throughput by a sweep on the 2-core machine: each send() already
 * carries 256 KiB for one partition, so batching happens in the send and linger would only add
 * delay (lingerMs 1 with batches a send does not fill cost 1 KiB records up to half their
 * throughput: every batch waited out the timer). Batches close at 1 MiB, so a send is one
 * batch. Four sends in flight keep the next batch ready while one is on the wire (the client
 * has one batch in flight per partition); with many producers each has one send in flight,
 * as 50 clients with one request each would (four each only lengthened the queue: 50 x 4 x
 * 256 KiB outstanding put acknowledgements near a second).
 */
export const PRODUCER_SETTINGS = {
  lingerMs: 0,
  batchSize: 1_048_576,
  compression: 'none',
  /** Sends in flight across all producers: each producer has ceil(4 / producers) send loops. */
  sendsInFlight: 4,
  bytesPerSend: 262_144,
} as const;

/** Send loops per producer instance: a single producer keeps four sends in flight, many keep one each. */
export function sendLoopsPerProducer(producers: number): number {
  return Math.max(1, Math.ceil(PRODUCER_SETTINGS.sendsInFlight / producers));
}

/** The end-to-end latency workload: a fixed rate, small records, short fetch waits. */
export const END_TO_END_SETTINGS = {
  recordsPerSecond: 10_000,
  recordBytes: 100,
  acks: 1,
  lingerMs: 0,
  consumerMaxWaitMs: 10,
} as const;

export const CONSUMER_SETTINGS = {
  recordBytes: 1024,
  maxBytesPerPartition: 8 * 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
  maxWaitMs: 100,
} as const;

export const RECORD_SIZES = [100, 1024] as const;

export function producerCase(recordBytes: number, acks: 1 | -1, partitions: number, producers: number, idempotent = false): ProducerCase {
  const size = recordBytes >= 1024 ? `${recordBytes / 1024}KiB` : `${recordBytes}B`;
  const id = `produce-${size}-acks${acks === -1 ? 'all' : '1'}-p${partitions}-x${producers}${idempotent ? '-idempotent' : ''}`;
  return { id, recordBytes, acks, partitions, producers, idempotent };
}

/** Idempotent twins of two acks=all cases, measured against them in the same run. */
function idempotentCases(): ProducerCase[] {
  return [producerCase(100, -1, 8, 50, true), producerCase(1024, -1, 1, 1, true)];
}

function everyProducerCase(): ProducerCase[] {
  const cases: ProducerCase[] = [];
  for (const recordBytes of RECORD_SIZES) {
    for (const acks of [1, -1] as const) {
      for (const partitions of [1, 8]) {
        for (const producers of [1, 50]) cases.push(producerCase(recordBytes, acks, partitions, producers));
      }
    }
  }
  return [...cases, ...idempotentCases()];
}

/** The cases the targets are about, and nothing else. */
function quickProducerCases(): ProducerCase[] {
  return [producerCase(100, 1, 8, 1), producerCase(1024, 1, 8, 1), producerCase(100, -1, 8, 50), producerCase(1024, -1, 1, 1), ...idempotentCases()];
}

export const PROFILES: Readonly<Record<BenchProfile['name'], BenchProfile>> = {
  full: { name: 'full', durationMs: 3000, warmupMs: 500, endToEndWarmupMs: 5000, endToEndDurationMs: 10_000, producerCases: everyProducerCase(), consumeLogBytes: 1024 * 1024 * 1024, consumeFillMs: 10_000, consumeReadMs: 10_000, startRepeats: 5, floodMs: 4000 },
  quick: { name: 'quick', durationMs: 1000, warmupMs: 250, endToEndWarmupMs: 1000, endToEndDurationMs: 2000, producerCases: quickProducerCases(), consumeLogBytes: 128 * 1024 * 1024, consumeFillMs: 3000, consumeReadMs: 3000, startRepeats: 2, floodMs: 2000 },
  tiny: { name: 'tiny', durationMs: 400, warmupMs: 100, endToEndWarmupMs: 100, endToEndDurationMs: 400, producerCases: [producerCase(100, 1, 1, 1), producerCase(1024, -1, 2, 3), producerCase(1024, -1, 2, 3, true)], consumeLogBytes: 256 * 1024, consumeFillMs: 1000, consumeReadMs: 2000, startRepeats: 1, floodMs: 300 },
};

/** "100 B, acks=1, 8 partitions, 50 producers" */
export function describeProducerCase(c: ProducerCase): string {
  const size = c.recordBytes >= 1024 ? `${c.recordBytes / 1024} KiB` : `${c.recordBytes} B`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${size}, acks=${c.acks === -1 ? 'all' : '1'}, ${plural(c.partitions, 'partition')}, ${plural(c.producers, 'producer')}${c.idempotent ? ', idempotent' : ''}`;
}
