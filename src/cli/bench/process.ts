// Broker processes for the benchmark: spawn one, time it from spawn to accepting, read its
// memory from /proc, and stop it. "Accepting" means a TCP connect succeeded and a Kafka
// ApiVersions request got a whole response frame back; a bare `node` that listens and echoes
// is timed with the very same probe, so the difference is what the broker adds.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** The last few KiB it printed on stderr. */
  errorOutput(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A bare Node process that listens on `port` and echoes what it receives. */
export const BARE_NODE_SERVER = "require('node:net').createServer((s) => s.pipe(s)).listen(Number(process.argv[1]), '127.0.0.1')";

/** ApiVersions v0 with header v1: size, api key 18, version 0, correlation id 1, client id "probe". */
const API_VERSIONS_REQUEST = (() => {
  const clientId = Buffer.from('probe');
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(1, 8);
  frame.writeInt16BE(clientId.length, 12);
  clientId.copy(frame, 14);
  return frame;
})();

/** A port that was free a moment ago (the broker must be told it before it starts, to probe it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port from the operating system');
  return address.port;
}

export function spawnProcess(command: string, args: readonly string[], port: number, env: NodeJS.ProcessEnv = process.env): SpawnedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return {
    child,
    pid: child.pid,
    port,
    output: () => stdout,
    errorOutput: () => stderr,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = sleep(graceMs).then(() => child.kill('SIGKILL'));
      await Promise.race([exited, killed]);
      await exited;
    },
  };
}

/** Spawns the command and resolves with the milliseconds until it answers ApiVersions; stops it when it never does. */
export async function timeToAccepting(start: () => SpawnedProcess, timeoutMs = 30_000): Promise<{ ms: number; process: SpawnedProcess }> {
  const started = performance.now();
  const spawned = start();
  try {
    await pollUntil(spawned, answersApiVersions, 'accepting', timeoutMs, 1);
  } catch (error) {
    await spawned.stop();
    throw error;
  }
  return { ms: performance.now() - started, process: spawned };
}

/** Resolves once something accepts TCP connections on the port (any protocol); throws after timeoutMs. */
export function untilListening(spawned: SpawnedProcess, timeoutMs = 10_000): Promise<void> {
  return pollUntil(spawned, acceptsConnection, 'listening', timeoutMs, 5);
}

/** Resolves once a broker in this process answers ApiVersions on the port; throws after timeoutMs. */
export function untilAnswering(port: number, timeoutMs: number): Promise<void> {
  return pollUntil({ port }, answersApiVersions, 'answering ApiVersions', timeoutMs, 5);
}

/**
 * Asks `ready` every `everyMs` until it says yes; throws once timeoutMs passed or, for a spawned
 * process, once it has exited (with what it printed).
 */
async function pollUntil(target: SpawnedProcess | { readonly port: number }, ready: (port: number) => Promise<boolean>, what: string, timeoutMs: number, everyMs: number): Promise<void> {
  const spawned = 'child' in target ? target : null;
  const printed = (): string => (spawned === null ? '' : `: ${spawned.output()}${spawned.errorOutput()}`);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (spawned !== null && spawned.child.exitCode !== null) throw new Error(`exited with ${spawned.child.exitCode} before ${what}${printed()}`);
    if (await ready(target.port)) return;
    if (performance.now() > deadline) throw new Error(`not ${what} on port ${target.port} after ${timeoutMs} ms${printed()}`);
    await sleep(everyMs);
  }
}

/** One connect + ApiVersions round trip; false when the port does not accept yet. */
function answersApiVersions(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => socket.write(API_VERSIONS_REQUEST));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) finish(true);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

function acceptsConnection(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resident memory of a process from /proc/<pid>/status, in MiB; NaN where there is no /proc. */
export function readRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Linux reports process CPU time in clock ticks of 1/USER_HZ s; USER_HZ is 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process from /proc/<pid>/stat; NaN where there is no /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]); // field 14, utime
    const systemTicks = Number(fields[12]); // field 15, stime
    return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Samples RSS every `everyMs` until stopped; stop() gives the peak and the sample count. */
export function sampleRss(pid: number, everyMs: number): { stop(): { peakMiB: number; samples: number } } {
  let peakMiB = Number.NaN;
  let samples = 0;
  const take = (): void => {
    const rss = readRssMiB(pid);
    if (Number.isNaN(rss)) return;
    samples++;
    peakMiB = Number.isNaN(peakMiB) ? rss : Math.max(peakMiB, rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return { peakMiB, samples };
    },
  };
}

/** Waits until the process printed text matching `pattern` on stdout; null after `timeoutMs`. */
export async function waitForOutput(spawned: SpawnedProcess, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(spawned.output());
    if (match !== null || performance.now() > deadline || spawned.child.exitCode !== null) return match;
    await sleep(5);
  }
}

/** The full path of an executable on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
