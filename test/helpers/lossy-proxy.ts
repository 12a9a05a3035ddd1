// A TCP proxy in front of a broker that loses answers on purpose: it forwards requests, and when
// `loseAnswerTo` says so for a request it forwards that request, waits for the broker's answer,
// and then closes both sockets instead of passing the answer on. The client sees a connection
// that died after it sent, exactly when a retry could store a batch twice.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface LossyProxy {
  readonly port: number;
  /** Requests (API key, in order of arrival) that went through. */
  readonly seen: number[];
  /** The same requests' frames, size prefix left out (golden-byte captures use them). */
  readonly frames: Buffer[];
  close(): Promise<void>;
}

/** `target` is asked on each connection: a broker can be started after the proxy, advertising the proxy's port. */
export async function startLossyProxy(target: () => { host: string; port: number }, loseAnswerTo: (apiKey: number, seenBefore: number) => boolean): Promise<LossyProxy> {
  const seen: number[] = [];
  const frames: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const { host, port } = target();
    const upstream = connect(port, host);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let losing = false;
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 6 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = 4 + pending.readInt32BE(0);
        const apiKey = pending.readInt16BE(4);
        losing ||= loseAnswerTo(apiKey, seen.filter((key) => key === apiKey).length);
        seen.push(apiKey);
        frames.push(Buffer.from(pending.subarray(4, size)));
        upstream.write(pending.subarray(0, size));
        pending = pending.subarray(size);
      }
    });
    upstream.on('data', (chunk: Buffer) => (losing ? closeBoth() : client.write(chunk)));
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth);
      socket.on('close', () => {
        sockets.delete(socket);
        closeBoth();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    seen,
    frames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
