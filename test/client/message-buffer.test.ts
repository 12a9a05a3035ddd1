// The consumer's queue of fetched runs: taking in order, and dropping a partition's messages.
import { describe, expect, it } from 'vitest';
import { MessageBuffer } from '../../src/client/message-buffer.js';
import { MessageRun } from '../../src/client/message-run.js';

function run(topic: string, partition: number, offsets: number[]): MessageRun {
  const section = Buffer.from(offsets.map((o) => String.fromCharCode(97 + (o % 26))).join(''));
  const r = new MessageRun(topic, partition);
  r.addSection(section);
  offsets.forEach((offset, i) => r.add(offset, 1000 + offset, -1, -1, i, 1, []));
  return r;
}

const drain = (buffer: MessageBuffer) => {
  const taken: string[] = [];
  for (let m = buffer.take(); m !== undefined; m = buffer.take()) taken.push(`${m.topic}-${m.partition}@${m.offset}:${m.value?.toString()}`);
  return taken;
};

describe('MessageBuffer', () => {
  it('hands out the runs in order, each message made when taken', () => {
    const buffer = new MessageBuffer();
    buffer.add(run('t', 0, [0, 1]));
    buffer.add(run('t', 1, []));
    buffer.add(run('t', 1, [7]));
    expect(buffer.length).toBe(3);
    expect(buffer.added).toBe(3);
    expect(drain(buffer)).toEqual(['t-0@0:a', 't-0@1:b', 't-1@7:h']);
    expect(buffer.length).toBe(0);
  });

  it('drops the messages of partitions it is told to, including the rest of a run half taken', () => {
    const buffer = new MessageBuffer();
    buffer.add(run('t', 0, [0, 1, 2]));
    buffer.add(run('t', 1, [5, 6]));
    buffer.add(run('t', 0, [3]));
    expect(buffer.take()?.offset).toBe(0);
    expect(buffer.firstOffset('t', 0)).toBe(1);
    expect(buffer.firstOffset('t', 1)).toBe(5);
    buffer.retain((p) => p.partition !== 0);
    expect(buffer.length).toBe(2);
    expect(buffer.firstOffset('t', 0)).toBeUndefined();
    expect(drain(buffer)).toEqual(['t-1@5:f', 't-1@6:g']);
  });
});
