// The machine anchors the benchmark measures beside its workloads: each is measured (positive,
// finite, as many samples as asked), and the report prints them under the machine line.
import { describe, expect, it } from 'vitest';
import { describeAnchors, measureAnchors } from '../../src/cli/bench/anchors.js';
import { PROFILES } from '../../src/cli/bench/cases.js';
import { newReport, renderReport } from '../../src/cli/bench/report.js';

describe('machine anchors', () => {
  it('measures an append + fdatasync, a sequential write and a round trip to another process', async () => {
    const anchors = await measureAnchors(PROFILES.tiny);
    for (const latency of [anchors.appendFdatasync, anchors.tcpRoundTrip]) {
      expect(latency.count).toBe(30);
      expect(latency.p50Ms).toBeGreaterThan(0);
      expect(latency.p99Ms).toBeGreaterThanOrEqual(latency.p50Ms);
      expect(Number.isFinite(latency.maxMs)).toBe(true);
    }
    expect(anchors.sequentialWriteMBps).toBeGreaterThan(0);
    expect(Number.isFinite(anchors.sequentialWriteMBps)).toBe(true);
  });

  it('are printed under the machine line when measured, and are null in the JSON otherwise', () => {
    const latency = (p50Ms: number, p99Ms: number) => ({ count: 10, p50Ms, p99Ms, p999Ms: p99Ms, maxMs: p99Ms });
    const anchors = { appendFdatasync: latency(0.131, 0.2), sequentialWriteMBps: 1432.4, tcpRoundTrip: latency(0.031, 0.09) };
    expect(describeAnchors(anchors)).toBe(
      'machine anchors (this run): 4 KiB append + fdatasync p50 131 µs / p99 200 µs; sequential write 1,432 MB/s; 100 B loopback round trip between processes p50 31.0 µs / p99 90.0 µs',
    );
    const lines = renderReport(newReport(PROFILES.tiny, [], [], [], anchors)).split('\n');
    expect(lines[0]).toMatch(/^machine: /);
    expect(lines[1]).toBe(describeAnchors(anchors));
    const without = newReport(PROFILES.tiny, [], []);
    expect(without.anchors).toBeNull();
    expect(renderReport(without)).not.toContain('machine anchors');
  });
});
