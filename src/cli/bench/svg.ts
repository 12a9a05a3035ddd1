// A hand-written SVG chart of a report: throughput (MB/s, linear) and latency (ms p99 with
// p50 marked, log scale, since acknowledgements range from 0.2 ms to 100+ ms) per workload,
// one bar per backend. No dependency: it is a few rectangles and labels.
import { describeProducerCase } from './cases.js';
import { formatCount, formatMs, type LatencySummary } from './stats.js';
import { producerCasesOf } from './table.js';
import type { BackendRun, BenchReport } from './types.js';

const WIDTH = 980;
const LABEL_WIDTH = 330;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 110;
const BAR_HEIGHT = 11;
const GROUP_GAP = 7;
const COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea'];

interface Bar {
  readonly value: number | null;
  /** A second mark inside the bar (p50 on latency bars). */
  readonly marker?: number;
}

interface Group {
  readonly label: string;
  readonly bars: readonly Bar[];
}

interface Panel {
  readonly title: string;
  readonly scale: 'linear' | 'log';
  readonly format: (value: number) => string;
  readonly formatTick: (value: number) => string;
  readonly groups: readonly Group[];
}

export function renderSvg(report: BenchReport): string {
  const runs = report.runs;
  const panels = [throughputPanel(runs), latencyPanel(runs)].filter((p) => p.groups.length > 0);
  const parts: string[] = [];
  let y = 20;
  parts.push(text(12, y, `sluice end-to-end benchmark — ${report.machine.cpu}, ${report.machine.cores} cores, node ${report.machine.node}${report.quick ? ' (quick)' : ''}`, 'font-weight="bold"'));
  y += 20;
  runs.forEach((run, i) => {
    parts.push(`<rect x="${12 + i * 160}" y="${y - 9}" width="12" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(text(28 + i * 160, y, run.name));
  });
  y += 16;
  for (const panel of panels) {
    const drawn = drawPanel(panel, y, runs.length);
    parts.push(drawn.svg);
    y += drawn.height + 18;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

function throughputPanel(runs: readonly BackendRun[]): Panel {
  const groups: Group[] = producerCasesOf(runs).map((c) => ({
    label: describeProducerCase(c),
    bars: runs.map((run) => ({ value: run.client?.produce.find((r) => r.case.id === c.id)?.megabytesPerSecond ?? null })),
  }));
  if (runs.some((run) => run.client?.consume)) {
    groups.push({ label: 'consume 1 KiB from the page cache', bars: runs.map((run) => ({ value: run.client?.consume?.megabytesPerSecond ?? null })) });
  }
  return { title: 'Throughput, MB/s (higher is better)', scale: 'linear', format: formatCount, formatTick: (v) => (v === 0 ? '0' : formatCount(v)), groups };
}

function latencyPanel(runs: readonly BackendRun[]): Panel {
  const bar = (summary: LatencySummary | undefined): Bar => (summary === undefined || summary.count === 0 ? { value: null } : { value: summary.p99Ms, marker: summary.p50Ms });
  const groups: Group[] = producerCasesOf(runs).map((c) => ({
    label: `ack, ${describeProducerCase(c)}`,
    bars: runs.map((run) => bar(run.client?.produce.find((r) => r.case.id === c.id)?.ackLatency)),
  }));
  groups.push({ label: 'ack, one 100 B record at a time, acks=all', bars: runs.map((run) => bar(run.client?.oneAtATime?.ackLatency)) });
  groups.push({ label: 'end-to-end at 10,000 records/s', bars: runs.map((run) => bar(run.client?.endToEnd?.latency)) });
  return { title: 'Latency, ms p99 (bar) and p50 (tick), log scale (lower is better)', scale: 'log', format: formatMs, formatTick: (v) => String(v), groups: groups.filter((g) => g.bars.some((b) => b.value !== null)) };
}

function drawPanel(panel: Panel, top: number, backends: number): { svg: string; height: number } {
  const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => v !== null && v > 0);
  const x = axis(panel.scale, values);
  const parts = [text(12, top + 12, panel.title, 'font-weight="bold"')];
  const plotTop = top + 22;
  const groupHeight = backends * BAR_HEIGHT + GROUP_GAP;
  const plotHeight = panel.groups.length * groupHeight;
  for (const tick of x.ticks) {
    const at = LABEL_WIDTH + x.position(tick);
    parts.push(`<line x1="${at}" y1="${plotTop - 4}" x2="${at}" y2="${plotTop + plotHeight}" stroke="#ddd"/>`);
    parts.push(text(at, plotTop + plotHeight + 12, panel.formatTick(tick), 'text-anchor="middle" fill="#666"'));
  }
  panel.groups.forEach((group, g) => {
    const groupTop = plotTop + g * groupHeight;
    parts.push(text(LABEL_WIDTH - 8, groupTop + (backends * BAR_HEIGHT) / 2 + 4, group.label, 'text-anchor="end"'));
    group.bars.forEach((bar, b) => {
      if (bar.value === null || !(bar.value > 0)) return;
      const y = groupTop + b * BAR_HEIGHT;
      const width = Math.max(1, x.position(bar.value));
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${COLORS[b % COLORS.length]}"/>`);
      if (bar.marker !== undefined && bar.marker > 0) {
        const at = LABEL_WIDTH + x.position(bar.marker);
        parts.push(`<line x1="${at.toFixed(1)}" y1="${y}" x2="${at.toFixed(1)}" y2="${y + BAR_HEIGHT - 2}" stroke="black" stroke-width="2"/>`);
      }
      parts.push(text(LABEL_WIDTH + width + 4, y + BAR_HEIGHT - 3, panel.format(bar.value), 'fill="#333" font-size="10"'));
    });
  });
  return { svg: parts.join('\n'), height: 22 + plotHeight + 16 };
}

interface Axis {
  readonly position: (value: number) => number;
  readonly ticks: readonly number[];
}

function axis(scale: 'linear' | 'log', values: readonly number[]): Axis {
  if (scale === 'log') {
    const low = Math.floor(Math.log10(Math.min(...values, 1)));
    const high = Math.ceil(Math.log10(Math.max(...values, 1)));
    const span = Math.max(1, high - low);
    const ticks = Array.from({ length: span + 1 }, (_, i) => 10 ** (low + i));
    return { position: (v) => ((Math.log10(v) - low) / span) * PLOT_WIDTH, ticks };
  }
  const max = niceCeiling(Math.max(...values, 1));
  return { position: (v) => (v / max) * PLOT_WIDTH, ticks: [0, 0.25, 0.5, 0.75, 1].map((f) => f * max) };
}

/** 1234 -> 2000, 870 -> 1000: a round axis end above the largest value. */
function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y}" ${attributes}>${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
