// Our producer workloads in a shape any system can run (--peers): pipelined batches of the same
// size and number in flight as one of our producers sends, and one record at a time (a batch of
// one). A peer supplies how to send a batch, which resolves when every record is acknowledged.
import { PRODUCER_SETTINGS, type BenchProfile } from '../../src/cli/bench/cases.js';
import { MeasurementWindow, summarizeLatencies } from '../../src/cli/bench/stats.js';
import type { PeerResult } from '../../src/cli/bench/types.js';

export interface PeerSender {
  /** Sends `count` records and resolves when the system acknowledged every one. */
  sendBatch(count: number): Promise<void>;
}

export type PipelinedResult = NonNullable<PeerResult['pipelined']>;
export type OneAtATimePeerResult = NonNullable<PeerResult['oneAtATime']>;

/** As many batches in flight as our single producer keeps sends in flight, each as large as a send. */
export async function runPipelined(sender: PeerSender, profile: BenchProfile, recordBytes: number): Promise<PipelinedResult> {
  const recordsPerBatch = Math.floor(PRODUCER_SETTINGS.bytesPerSend / recordBytes);
  const batchesInFlight = PRODUCER_SETTINGS.sendsInFlight;
  const window = new MeasurementWindow(profile.warmupMs, profile.durationMs);
  const latencies: number[] = [];
  let records = 0;
  const loop = async (): Promise<void> => {
    while (window.open) {
      const started = performance.now();
      await sender.sendBatch(recordsPerBatch);
      const acknowledged = performance.now();
      if (!window.counts(acknowledged)) continue;
      records += recordsPerBatch;
      latencies.push(acknowledged - started);
    }
  };
  await Promise.all(Array.from({ length: batchesInFlight }, loop));
  return { recordBytes, recordsPerBatch, batchesInFlight, recordsPerSecond: records / window.seconds, batchLatency: summarizeLatencies(latencies) };
}

export async function runOneAtATimeOn(sender: PeerSender, profile: BenchProfile, recordBytes: number): Promise<OneAtATimePeerResult> {
  const window = new MeasurementWindow(profile.warmupMs, profile.durationMs);
  const latencies: number[] = [];
  while (window.open) {
    const started = performance.now();
    await sender.sendBatch(1);
    const acknowledged = performance.now();
    if (window.counts(acknowledged)) latencies.push(acknowledged - started);
  }
  return { recordBytes, ackLatency: summarizeLatencies(latencies) };
}

/** Both workloads, 100-byte records; a failure is reported in the result rather than thrown. */
export async function runPeerWorkloads(base: Omit<PeerResult, 'pipelined' | 'oneAtATime' | 'error'>, sender: PeerSender, profile: BenchProfile): Promise<PeerResult> {
  const recordBytes = 100;
  try {
    const pipelined = await runPipelined(sender, profile, recordBytes);
    const oneAtATime = await runOneAtATimeOn(sender, profile, recordBytes);
    return { ...base, pipelined, oneAtATime, error: null };
  } catch (error) {
    return { ...base, pipelined: null, oneAtATime: null, error: error instanceof Error ? error.message : String(error) };
  }
}
