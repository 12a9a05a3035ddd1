// Where a broker's time went: the functions with the most self time in a .cpuprofile written
// by `node --cpu-prof`. The same function reached along different call paths appears as many
// profile nodes; they are added up by function name and source position.
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  /** Share of the time the process was not idle. */
  readonly busyShare: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly top: readonly SelfTime[];
}

export function summarizeCpuProfile(file: string, limit = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const byFunction = new Map<string, { name: string; where: string; micros: number }>();
  let totalMicros = 0;
  let idleMicros = 0;
  samples.forEach((nodeId, i) => {
    const frame = frames.get(nodeId);
    const micros = Math.max(0, deltas[i] ?? 0);
    if (frame === undefined) return;
    totalMicros += micros;
    if (frame.functionName === '(idle)') idleMicros += micros;
    const where = frame.url === '' ? '' : `${shortPath(frame.url)}:${frame.lineNumber + 1}`;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  });
  const busyMicros = Math.max(1, totalMicros - idleMicros);
  const top = [...byFunction.values()]
    .filter((entry) => entry.name !== '(idle)')
    .sort((a, b) => b.micros - a.micros)
    .slice(0, limit)
    .map((entry) => ({ name: entry.name, where: entry.where, selfMs: entry.micros / 1000, busyShare: entry.micros / busyMicros }));
  return { totalMs: totalMicros / 1000, idleMs: idleMicros / 1000, top };
}

export function renderProfileSummary(summary: ProfileSummary): string {
  const busy = summary.totalMs - summary.idleMs;
  const lines = [`  ${summary.totalMs.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms busy (${summary.idleMs.toFixed(0)} ms idle); top self time:`];
  for (const entry of summary.top) {
    lines.push(`  ${(entry.busyShare * 100).toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(6)} ms  ${entry.name}${entry.where === '' ? '' : `  ${entry.where}`}`);
  }
  return lines.join('\n');
}

/** file:///work/main/dist/storage/x.js -> dist/storage/x.js; node:internal/... stays. */
function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const at = path.search(/\/(dist|src|node_modules)\//);
  return at === -1 ? path : path.slice(at + 1);
}
