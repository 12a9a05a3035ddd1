// The connection layer alone, with a dispatcher the test controls: response order, and reading
// paused while the in-flight limits are reached.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { BrokerServer } from '../../src/broker/server.js';
import type { Dispatch, FrameWritten } from '../../src/broker/connection.js';
import { RawClient } from '../helpers/raw-client.js';

const silent = pino({ level: 'silent' });

function requestFrame(correlationId: number, padding = 0): Buffer {
  const frame = Buffer.alloc(4 + 10 + padding);
  frame.writeInt32BE(10 + padding, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(-1, 12);
  return frame;
}

function responseFrame(correlationId: number): Buffer {
  const frame = Buffer.alloc(8);
  frame.writeInt32BE(4, 0);
  frame.writeInt32BE(correlationId, 4);
  return frame;
}

describe('connection', () => {
  let server: BrokerServer | null = null;
  afterEach(async () => {
    await server?.close(100);
    server = null;
  });

  async function serve(
    dispatch: Dispatch,
    limits = { maxRequestBytes: 1 << 20, maxInFlightRequests: 4, maxInFlightBytes: 1 << 20 },
    written?: FrameWritten,
  ): Promise<number> {
    server = new BrokerServer(dispatch, limits, silent, null, written);
    const ports = await server.listen([{ name: 'PLAINTEXT', protocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
    return ports.get('PLAINTEXT') as number;
  }

  it('writes responses in request order even when handlers finish out of order', async () => {
    const port = await serve(async (frame) => {
      const correlationId = frame.readInt32BE(4);
      await new Promise((resolve) => setTimeout(resolve, (5 - correlationId) * 15));
      return responseFrame(correlationId);
    });
    const client = await RawClient.connect(port);
    client.send(Buffer.concat([1, 2, 3, 4].map((id) => requestFrame(id))));
    const order: number[] = [];
    for (let i = 0; i < 4; i++) order.push(((await client.readFrame(2000)) as Buffer).readInt32BE(0));
    expect(order).toEqual([1, 2, 3, 4]);
    client.close();
  });

  it('stops taking requests at maxInFlightRequests until responses go out', async () => {
    const release: Array<() => void> = [];
    let dispatched = 0;
    const port = await serve((frame) => {
      dispatched++;
      return new Promise((resolve) => release.push(() => resolve(responseFrame(frame.readInt32BE(4)))));
    });
    const client = await RawClient.connect(port);
    client.send(Buffer.concat(Array.from({ length: 20 }, (_, i) => requestFrame(i))));
    await expect.poll(() => dispatched).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dispatched).toBe(4);
    release.splice(0).forEach((go) => go());
    await client.readFrame(2000);
    await expect.poll(() => dispatched).toBe(8);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dispatched).toBe(8);
    client.close();
  });

  it('stops taking requests at maxInFlightBytes', async () => {
    let dispatched = 0;
    const port = await serve(
      () => {
        dispatched++;
        return new Promise(() => {});
      },
      { maxRequestBytes: 1 << 20, maxInFlightRequests: 100, maxInFlightBytes: 50_000 },
    );
    const client = await RawClient.connect(port);
    client.send(Buffer.concat(Array.from({ length: 10 }, (_, i) => requestFrame(i, 20_000))));
    await expect.poll(() => dispatched).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dispatched).toBe(3);
    client.close();
  });

  it('sends nothing for a request answered with null, and keeps going', async () => {
    const port = await serve(async (frame) => {
      const correlationId = frame.readInt32BE(4);
      return correlationId === 1 ? null : responseFrame(correlationId);
    });
    const client = await RawClient.connect(port);
    client.send(Buffer.concat([requestFrame(1), requestFrame(2)]));
    expect(((await client.readFrame(2000)) as Buffer).readInt32BE(0)).toBe(2);
    client.close();
  });

  it('closes the connection when a handler fails, and serves new ones', async () => {
    const port = await serve(async () => {
      throw new Error('boom');
    });
    const client = await RawClient.connect(port);
    client.send(requestFrame(1));
    expect(await client.waitForClose(2000)).toBe(true);
    const again = await RawClient.connect(port);
    again.close();
  });

  it('reports a frame of pieces as written only once the socket has taken all of it', async () => {
    // 16 MiB cannot sit in the kernel's buffers of a client that does not read.
    const body = Buffer.alloc(16 << 20, 7);
    const head = Buffer.alloc(8);
    head.writeInt32BE(4 + body.length, 0);
    const writtenFrames: (readonly Buffer[])[] = [];
    const port = await serve(async (frame) => {
      head.writeInt32BE(frame.readInt32BE(4), 4);
      return [head, body];
    }, undefined, (pieces) => writtenFrames.push(pieces));
    const socket = connect({ port, host: '127.0.0.1' });
    socket.pause();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(requestFrame(9));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writtenFrames.length).toBe(0);
    let received = 0;
    const all = new Promise<void>((resolve) => socket.on('data', (chunk: Buffer) => (received += chunk.length) === head.length + body.length && resolve()));
    socket.resume();
    await all;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writtenFrames.length).toBe(1);
    expect(writtenFrames[0][1] === body).toBe(true);
    socket.destroy();
  });
});
