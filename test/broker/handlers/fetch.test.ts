// The Fetch handler's use of lent read memory: a long poll that reads again gives the memory of
// the read it does not send back at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchHandler } from '../../../src/broker/handlers/fetch.js';
import { defaultFetchRequest } from '../../../src/protocol/index.js';
import { jsHotPath } from '../../helpers/backends.js';
import { makeBatch } from '../../helpers/batches.js';
import { openTestBroker, type TestBroker } from './context.js';

const NO_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
});
afterEach(async () => {
  await broker.close();
});

describe('fetch handler', () => {
  it('gives back the memory of a long poll read it does not send', async () => {
    const topic = await broker.registry.create('polled', 1);
    if (topic === null) throw new Error('the topic was not created');
    const log = topic.logs[0];
    await log.append(makeBatch(jsHotPath, { records: 100, valueBytes: 1000 })); // ~100 KiB: a pooled read
    const request = {
      ...defaultFetchRequest(),
      maxWaitMs: 5000,
      minBytes: 1 << 20, // more than is there: the handler waits for an append, then reads again
      maxBytes: 4 << 20,
      topics: [{ topic: 'polled', topicId: NO_ID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 4 << 20, replicaDirectoryId: NO_ID }] }],
    };
    const answer = Promise.resolve(fetchHandler(request, broker.context(12)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(broker.fetchMemory.pooledBytes).toBe(0);
    // Large enough that the second read needs a bigger block than the first one's.
    await log.append(makeBatch(jsHotPath, { records: 300, valueBytes: 1000 }));
    const response = await answer;
    const records = response?.responses[0].partitions[0].records as Buffer;
    expect(records.length).toBeGreaterThan(400 * 1000);
    expect(broker.fetchMemory.pooledBytes).toBeGreaterThanOrEqual(100 * 1000); // the first read's block
  });
});
