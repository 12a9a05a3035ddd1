// Where the cores went during a workload: the client's process (this one, every thread) and,
// when it runs on this machine, the broker's. On a small machine the two share the cores, so
// a throughput figure means little without knowing which side was saturated.
import { MB, type MeasurementWindow } from './stats.js';

/** CPU seconds a process has used so far (user + system). */
export type CpuClock = () => number;

export interface CpuUse {
  /** Average cores the client process kept busy (1.0 = one core all the time). */
  readonly clientCores: number;
  /** Average cores the broker kept busy; null when its process is not known (a remote address). */
  readonly brokerCores: number | null;
  /** Broker CPU milliseconds per decimal MB of record values moved. */
  readonly brokerCpuMsPerMB: number | null;
}

interface Reading {
  readonly client: number;
  readonly broker: number;
}

export const clientCpuSeconds: CpuClock = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export function readCpu(brokerClock: CpuClock | undefined): Reading {
  return { client: clientCpuSeconds(), broker: brokerClock?.() ?? Number.NaN };
}

export function cpuBetween(from: Reading, to: Reading, wallSeconds: number, valueBytes: number): CpuUse | null {
  if (!(wallSeconds > 0) || !Number.isFinite(to.client - from.client)) return null;
  const broker = to.broker - from.broker;
  const known = Number.isFinite(broker);
  return {
    clientCores: (to.client - from.client) / wallSeconds,
    brokerCores: known ? broker / wallSeconds : null,
    brokerCpuMsPerMB: known && valueBytes > 0 ? (broker * 1000) / (valueBytes / MB) : null,
  };
}

/**
 * Reads the clocks when the window opens and when it closes (timers, so it works while the
 * workload keeps the event loop busy; they may fire a few ms late, which 1-3 s windows absorb).
 */
export function cpuDuringWindow(window: MeasurementWindow, brokerClock: CpuClock | undefined): { result(valueBytes: number): CpuUse | null } {
  let opened: Reading | null = null;
  let closed: Reading | null = null;
  const now = performance.now();
  const opening = setTimeout(() => (opened = readCpu(brokerClock)), Math.max(0, window.measureFrom - now));
  const closing = setTimeout(() => (closed = readCpu(brokerClock)), Math.max(0, window.measureUntil - now));
  return {
    result: (valueBytes) => {
      clearTimeout(opening);
      clearTimeout(closing);
      return opened === null || closed === null ? null : cpuBetween(opened, closed, window.seconds, valueBytes);
    },
  };
}
