// The side-by-side table of --peers: our nearest rows (one partition, one producer, 100-byte
// records, acks=all and acks=1, and one record at a time) next to each other system's, each row
// saying what an acknowledgement promises there.
import { producerCase } from './cases.js';
import { formatCount, formatMs, type LatencySummary } from './stats.js';
import { judgedRun } from './targets.js';
import type { BackendRun, PeerResult } from './types.js';

const DURABILITY_ACKS_ALL = "written and fdatasync'd before the ack (group commit)";
const DURABILITY_ACKS_1 = 'written (OS page cache) before the ack';

interface PeerRow {
  readonly system: string;
  readonly durability: string;
  readonly recordsPerSecond: number | null;
  readonly batchLatency: LatencySummary | null;
  readonly oneAtATime: LatencySummary | null;
}

/** Our rows from the judged run (native when it ran), then the peers'. */
export function peerRows(runs: readonly BackendRun[], peers: readonly PeerResult[]): PeerRow[] {
  return [...ourRows(judgedRun(runs)), ...peers.map(peerRow)];
}

export function renderPeerTable(runs: readonly BackendRun[], peers: readonly PeerResult[]): string {
  const header = ['system', 'an acknowledged record is', 'pipelined 100 B, records/s', 'batch ack ms p50 / p99', 'one at a time, ack ms p50 / p99'];
  const body = peerRows(runs, peers).map((row) => [
    row.system,
    row.durability,
    row.recordsPerSecond === null ? '—' : formatCount(row.recordsPerSecond),
    latencyText(row.batchLatency),
    latencyText(row.oneAtATime),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const errors = peers.filter((p) => p.error !== null).map((p) => `${p.system}: ${p.error}`);
  return [line(header), rule, ...body.map(line), ...errors.map((e) => `failed: ${e}`)].join('\n');
}

function ourRows(run: BackendRun | undefined): PeerRow[] {
  if (run?.client == null) return [];
  const client = run.client;
  const produce = (acks: 1 | -1) => client.produce.find((r) => r.case.id === producerCase(100, acks, 1, 1).id);
  const row = (acks: 1 | -1, durability: string, oneAtATime: LatencySummary | null): PeerRow => {
    const result = produce(acks);
    const name = `sluice ${run.name}, acks=${acks === -1 ? 'all' : '1'}`;
    return { system: name, durability, recordsPerSecond: result?.recordsPerSecond ?? null, batchLatency: result?.ackLatency ?? null, oneAtATime };
  };
  return [row(-1, DURABILITY_ACKS_ALL, client.oneAtATime?.ackLatency ?? null), row(1, DURABILITY_ACKS_1, null)];
}

function peerRow(peer: PeerResult): PeerRow {
  return {
    system: `${peer.system} (${peer.version})`,
    durability: peer.durability,
    recordsPerSecond: peer.pipelined?.recordsPerSecond ?? null,
    batchLatency: peer.pipelined?.batchLatency ?? null,
    oneAtATime: peer.oneAtATime?.ackLatency ?? null,
  };
}

function latencyText(summary: LatencySummary | null): string {
  return summary === null || summary.count === 0 ? '—' : `${formatMs(summary.p50Ms)} / ${formatMs(summary.p99Ms)}`;
}
