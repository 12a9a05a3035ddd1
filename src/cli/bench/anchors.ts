// The machine's own limits, measured in the same run as the workloads, because on a shared VM
// they move by a third from hour to hour: a 4 KiB append + fdatasync (what a lone acks=all
// record cannot beat), sequential writes into the page cache (what appends cannot beat), and a
// 100-byte round trip between two processes over loopback (what every request pays).
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchProfile } from './cases.js';
import { BARE_NODE_SERVER, freePort, spawnProcess, untilListening } from './process.js';
import { formatCount, summarizeLatencies, type LatencySummary } from './stats.js';

export interface MachineAnchors {
  /** pwrite of 4 KiB at the end of a file, then fdatasync, synchronous. */
  readonly appendFdatasync: LatencySummary;
  /** 1 MiB writes into a new file (the page cache), decimal MB/s. */
  readonly sequentialWriteMBps: number;
  /** 100 bytes to an echoing Node process and back. */
  readonly tcpRoundTrip: LatencySummary;
}

const SETTINGS: Record<BenchProfile['name'], { samples: number; writeBytes: number }> = {
  full: { samples: 2000, writeBytes: 512 * 1024 * 1024 },
  quick: { samples: 500, writeBytes: 128 * 1024 * 1024 },
  tiny: { samples: 30, writeBytes: 4 * 1024 * 1024 },
};

export async function measureAnchors(profile: BenchProfile, dir = tmpdir()): Promise<MachineAnchors> {
  const { samples, writeBytes } = SETTINGS[profile.name];
  const scratch = mkdtempSync(join(dir, 'sluice-anchors-'));
  try {
    return {
      appendFdatasync: appendFdatasync(join(scratch, 'append'), samples),
      sequentialWriteMBps: sequentialWrite(join(scratch, 'sequential'), writeBytes),
      tcpRoundTrip: await tcpRoundTrip(samples),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function describeAnchors(anchors: MachineAnchors): string {
  const { appendFdatasync: sync, tcpRoundTrip: rtt } = anchors;
  const us = (ms: number) => formatCount(ms * 1000);
  return (
    `machine anchors (this run): 4 KiB append + fdatasync p50 ${us(sync.p50Ms)} µs / p99 ${us(sync.p99Ms)} µs; ` +
    `sequential write ${formatCount(anchors.sequentialWriteMBps)} MB/s; 100 B loopback round trip between processes p50 ${us(rtt.p50Ms)} µs / p99 ${us(rtt.p99Ms)} µs`
  );
}

function appendFdatasync(file: string, samples: number): LatencySummary {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 0x61);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      writeSync(fd, block, 0, block.length, i * block.length);
      fdatasyncSync(fd);
      latencies.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
  }
  return summarizeLatencies(latencies);
}

function sequentialWrite(file: string, bytes: number): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 0x62);
  const started = performance.now();
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return bytes / 1e6 / ((performance.now() - started) / 1000);
}

async function tcpRoundTrip(samples: number): Promise<LatencySummary> {
  const port = await freePort();
  const echo = spawnProcess(process.execPath, ['-e', BARE_NODE_SERVER, String(port)], port);
  let socket: Socket | null = null;
  try {
    await untilListening(echo);
    socket = await new Promise<Socket>((resolve, reject) => {
      const opened = connect({ host: '127.0.0.1', port }, () => resolve(opened)).once('error', reject);
    });
    socket.setNoDelay(true);
    const message = Buffer.alloc(100, 0x63);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await roundTrip(socket, message);
      latencies.push(performance.now() - started);
    }
    return summarizeLatencies(latencies);
  } finally {
    socket?.destroy();
    await echo.stop();
  }
}

/** Writes the message and resolves once as many bytes came back. */
function roundTrip(socket: Socket, message: Buffer): Promise<void> {
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received < message.length) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
    socket.write(message);
  });
}
