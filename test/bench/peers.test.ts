// --peers: the RESP codec the Redis load generator writes and reads with, the side-by-side table,
// and each peer's workloads against a real server in a tiny profile (`.ci/run` installs
// redis-server and nats-server). No timing is asserted, only that records were acknowledged.
import { describe, expect, it } from 'vitest';
import { runNatsPeer } from '../../bench/peers/nats.js';
import { runRedisPeer } from '../../bench/peers/redis.js';
import { encodeCommand, parseReply } from '../../bench/peers/resp.js';
import { PROFILES, producerCase } from '../../src/cli/bench/cases.js';
import { renderPeerTable } from '../../src/cli/bench/peer-table.js';
import { newReport, renderReport } from '../../src/cli/bench/report.js';
import { findOnPath } from '../../src/cli/bench/process.js';
import type { BackendRun, LatencySummary, PeerResult, ProducerResult } from '../../src/cli/bench/types.js';

const latency = (p50Ms: number, p99Ms: number): LatencySummary => ({ count: 10, p50Ms, p99Ms, p999Ms: p99Ms, maxMs: p99Ms });

describe('RESP for the Redis peer', () => {
  it('encodes a command as an array of bulk strings, binary values included', () => {
    expect(encodeCommand('XADD', 's', '*', 'v', Buffer.from([0, 13, 10])).toString('latin1')).toBe('*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$1\r\n*\r\n$1\r\nv\r\n$3\r\n\x00\r\n\r\n');
  });

  it('reads each reply type, and waits for a reply split across chunks', () => {
    const bytes = Buffer.from('$15\r\n1700000000000-0\r\n+OK\r\n:42\r\n$-1\r\n-ERR wrong type\r\n');
    const replies = [];
    for (let at = 0, parsed = parseReply(bytes, 0); parsed !== null; parsed = parseReply(bytes, at)) {
      replies.push(parsed.reply);
      at = parsed.next;
    }
    expect(replies.slice(0, 4)).toEqual(['1700000000000-0', 'OK', 42, null]);
    expect(replies[4]).toBeInstanceOf(Error);
    expect((replies[4] as Error).message).toBe('ERR wrong type');
    expect(parseReply(Buffer.from('$15\r\n1700000'), 0)).toBeNull();
    expect(parseReply(Buffer.from('$15\r\n1700000000000-0\r'), 0)).toBeNull();
    expect(() => parseReply(Buffer.from('?x\r\n'), 0)).toThrow(/unexpected RESP reply type/);
  });
});

describe('the peers table', () => {
  const produce = (acks: 1 | -1, recordsPerSecond: number): ProducerResult => ({
    case: producerCase(100, acks, 1, 1),
    records: 1000,
    seconds: 1,
    recordsPerSecond,
    megabytesPerSecond: recordsPerSecond / 1e4,
    recordsPerSend: 2621,
    ackLatency: latency(4.5, 9),
    cpu: null,
  });
  const native: BackendRun = {
    name: 'native',
    description: 'native',
    client: { produce: [produce(-1, 2_000_000), produce(1, 1_900_000)], oneAtATime: { recordBytes: 100, acks: -1, records: 10, recordsPerSecond: 4000, ackLatency: latency(0.25, 0.5) }, oneAtATimeIdempotent: null, consume: null, endToEnd: null, errors: [] },
    process: null,
    error: null,
  };
  const redis: PeerResult = {
    system: 'Redis Streams, appendfsync always',
    version: '7.0.15',
    durability: "in the append-only file and fsync'd before the reply",
    pipelined: { recordBytes: 100, recordsPerBatch: 2621, batchesInFlight: 4, recordsPerSecond: 335_488, batchLatency: latency(31.1, 36) },
    oneAtATime: { recordBytes: 100, ackLatency: latency(0.182, 0.371) },
    error: null,
  };
  const failed: PeerResult = { system: 'NATS JetStream, file storage', version: 'unknown', durability: 'x', pipelined: null, oneAtATime: null, error: 'connection refused' };

  it('puts our nearest rows first, then each peer with its version and what an ack promises', () => {
    const lines = renderPeerTable([native], [redis, failed]).split('\n');
    expect(lines[0]).toMatch(/\| system .*\| an acknowledged record is .*\| pipelined 100 B, records\/s .*\| one at a time, ack ms p50 \/ p99 \|/);
    expect(lines[2]).toMatch(/sluice native, acks=all .*fdatasync'd before the ack .*\|\s+2,000,000 \|\s+4.50 \/ 9.00 \|\s+0.250 \/ 0.500 \|/);
    expect(lines[3]).toMatch(/sluice native, acks=1 .*page cache.*\|\s+1,900,000 \|.*\|\s+— \|/);
    expect(lines[4]).toMatch(/Redis Streams, appendfsync always \(7\.0\.15\) .*fsync'd before the reply .*\|\s+335,488 \|\s+31.1 \/ 36.0 \|\s+0.182 \/ 0.371 \|/);
    expect(lines[5]).toMatch(/NATS JetStream, file storage \(unknown\) .*\|\s+— \|\s+— \|\s+— \|/);
    expect(lines[6]).toBe('failed: NATS JetStream, file storage: connection refused');
  });

  it('is part of the report, and of its JSON, only when peers ran', () => {
    const withPeers = newReport(PROFILES.tiny, [native], [], [redis]);
    expect(renderReport(withPeers)).toMatch(/peers \(--peers\)[^\n]*\n\| system .*\n.*\n\| sluice native, acks=all/);
    expect(JSON.parse(JSON.stringify(withPeers)).peers[0].pipelined.recordsPerSecond).toBe(335_488);
    expect(renderReport(newReport(PROFILES.tiny, [native], []))).not.toContain('peers (--peers)');
  });
});

describe('peer workloads against real servers', () => {
  const redis = findOnPath('redis-server');
  const nats = findOnPath('nats-server');

  function expectAcknowledged(result: PeerResult): void {
    expect(result.error).toBeNull();
    expect(result.version).toMatch(/^\d+\.\d+/);
    expect(result.pipelined?.recordsPerBatch).toBe(2621);
    expect(result.pipelined?.recordsPerSecond).toBeGreaterThan(0);
    expect(result.pipelined?.batchLatency.count).toBeGreaterThan(0);
    expect(result.oneAtATime?.ackLatency.count).toBeGreaterThan(0);
    expect(result.oneAtATime?.ackLatency.p50Ms).toBeGreaterThan(0);
  }

  it.skipIf(redis === null)('Redis Streams with appendfsync always: XADDs pipelined and one at a time are acknowledged', async () => {
    const result = await runRedisPeer(redis as string, 'always', PROFILES.tiny);
    expectAcknowledged(result);
    expect(result.system).toBe('Redis Streams, appendfsync always');
  });

  it.skipIf(nats === null)('NATS JetStream with file storage: publishes pipelined and one at a time get their PubAcks', async () => {
    const result = await runNatsPeer(nats as string, PROFILES.tiny);
    expectAcknowledged(result);
    expect(result.durability).toMatch(/every 2 minutes/);
  });
});
