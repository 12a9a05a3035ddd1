import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DefaultPartitioner, murmur2, partitionForKey } from '../../src/client/partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer | string) => number;

describe('murmur2 partitioner', () => {
  it('matches the Java client on known keys', () => {
    // Values from Kafka's UtilsTest.testMurmur2.
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, expected] of cases) expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it('agrees with kafkajs on random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 500 }), (bytes, partitions) => {
        const key = Buffer.from(bytes);
        expect(partitionForKey(key, partitions)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % partitions);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads keyless records round-robin', () => {
    const partitioner = new DefaultPartitioner();
    expect([0, 1, 2, 3].map(() => partitioner.partition(null, 3))).toEqual([0, 1, 2, 0]);
  });
});
