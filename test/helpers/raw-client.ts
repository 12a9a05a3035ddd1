// A bare TCP client for broker tests: sends frames we build by hand (or with our codec) and
// reads back response frames, so tests can send what no well-behaved client would.
import { Socket, connect } from 'node:net';
import { decodeResponseFrame, encodeRequestFrame, type ApiKey, type ApiMessages } from '../../src/protocol/index.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  private correlation = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request built with our codec and decodes its response. */
  async request<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    const correlationId = this.correlation++;
    this.send(encodeRequestFrame(apiKey, apiVersion, correlationId, 'raw-client', body));
    const frame = await this.readFrame(5000);
    if (frame === null) throw new Error('connection closed before the response');
    const decoded = decodeResponseFrame(frame, apiKey, apiVersion);
    if (decoded.correlationId !== correlationId) throw new Error(`correlation ${decoded.correlationId}, expected ${correlationId}`);
    return decoded.body;
  }

  /** The next response frame (without its size prefix), or null if the broker closed the connection. */
  async readFrame(timeoutMs: number): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          return frame;
        }
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves true once the broker has closed the connection (false if still open after the timeout). */
  async waitForClose(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
