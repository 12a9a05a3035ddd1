// One TCP socket to a broker for as long as it stays open: writes request frames, matches the
// responses to the waiting requests by correlation id, times requests out. Many requests may be
// in flight (pipelining); the broker answers them in order (NOTES.md §3.1). A dropped socket
// fails everything in flight with a retriable NETWORK_EXCEPTION; reconnecting is the owner's
// job (connection.ts).
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { hotpath } from '../hotpath/index.js';
import { networkError, requestTimeoutError, type KafkaClientError } from './errors.js';
import { FrameReader } from './frame-reader.js';

export interface SessionRequest<T> {
  /**
   * Builds the whole frame (size prefix included) for the given correlation id, as pieces to
   * write back to back (record batches are pieces of their own rather than copied).
   */
  readonly encode: (correlationId: number) => readonly Buffer[];
  /** Decodes the response frame (size prefix stripped). */
  readonly decode: (frame: Buffer) => T;
  /** False for requests the broker never answers (Produce with acks=0). */
  readonly expectResponse: boolean;
  readonly timeoutMs: number;
  /** For error messages, e.g. 'Metadata v12'. */
  readonly label: string;
}

interface Pending {
  readonly decode: (frame: Buffer) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_CORRELATION_ID = 0x7fffffff;

export class SocketSession {
  private readonly pending = new Map<number, Pending>();
  private readonly frames: FrameReader;
  private nextCorrelationId = 0;
  private closeError: KafkaClientError | null = null;
  private readonly closeListeners: Array<() => void> = [];

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    frames: FrameReader,
  ) {
    this.frames = frames;
    socket.setNoDelay(true);
    socket.on('error', (error) => this.fail(networkError(`socket error: ${error.message}`, { broker: address, cause: error })));
    socket.on('close', () => this.fail(networkError('connection closed by the broker', { broker: address })));
  }

  /**
   * Opens a socket, over TLS when `tls` is given; rejects with a retriable NETWORK_EXCEPTION on
   * refusal or timeout.
   */
  static open(host: string, port: number, timeoutMs: number, maxFrameBytes: number, tls: TlsConnectionOptions | null = null): Promise<SocketSession> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const frames = new FrameReader(maxFrameBytes, hotpath.allocateReceiveBuffer);
      let session: SocketSession | null = null;
      let socket: Socket;
      if (tls === null) {
        // Reads land where the frame reader says: large responses straight into their own buffer.
        const onread = {
          buffer: () => frames.readBuffer(),
          callback: (bytes: number): boolean => {
            session?.onRead(bytes);
            return true;
          },
        };
        socket = netConnect({ host, port, onread });
      } else {
        // TLS decrypts into its own chunks: they are copied into frames as they come.
        socket = tlsConnect({ servername: isIP(host) === 0 ? host : undefined, ...tls, host, port });
        socket.on('data', (chunk: Buffer) => session?.onChunk(chunk));
      }
      const timer = setTimeout(() => {
        socket.destroy();
        reject(networkError(`connection not established within ${timeoutMs} ms`, { broker: address }));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(networkError(`cannot connect: ${error.message}`, { broker: address, cause: error }));
      });
      socket.once(tls === null ? 'connect' : 'secureConnect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        session = new SocketSession(socket, address, frames);
        resolve(session);
      });
    });
  }

  get isClosed(): boolean {
    return this.closeError !== null;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.closeListeners.push(listener);
  }

  /** Sends a request; resolves with the decoded response, or undefined when none is expected. */
  send<T>(request: SessionRequest<T>): Promise<T | undefined> {
    if (this.closeError !== null) return Promise.reject(this.closeError);
    const correlationId = this.takeCorrelationId();
    const frame = request.encode(correlationId);
    if (!request.expectResponse) return this.writeOnly(frame);
    return new Promise<T | undefined>((resolve, reject) => {
      const timer = setTimeout(() => this.timeOut(correlationId, request), request.timeoutMs);
      this.pending.set(correlationId, { decode: request.decode, resolve: resolve as (value: unknown) => void, reject, timer });
      this.write(frame);
    });
  }

  /** Writes the pieces corked, so they leave in one writev; `done` follows the last one. */
  private write(frame: readonly Buffer[], done?: (error?: Error | null) => void): void {
    this.socket.cork();
    frame.forEach((piece, i) => this.socket.write(piece, i === frame.length - 1 ? done : undefined));
    this.socket.uncork();
  }

  /** Closes the socket; requests in flight fail with NETWORK_EXCEPTION. */
  destroy(): void {
    this.fail(networkError('connection closed by the client', { broker: this.address }));
  }

  private writeOnly(frame: readonly Buffer[]): Promise<undefined> {
    return new Promise((resolve, reject) => {
      this.write(frame, (error) => (error ? reject(this.closeError ?? networkError(error.message, { broker: this.address })) : resolve(undefined)));
    });
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === MAX_CORRELATION_ID ? 0 : id + 1;
    return id;
  }

  private onRead(bytes: number): void {
    this.takeFrames(() => this.frames.wrote(bytes));
  }

  private onChunk(chunk: Buffer): void {
    this.takeFrames(() => this.frames.push(chunk));
  }

  private takeFrames(read: () => Buffer[]): void {
    let frames: Buffer[];
    try {
      frames = read();
    } catch (error) {
      this.fail(networkError(`unreadable response stream: ${(error as Error).message}`, { broker: this.address, cause: error }));
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) {
      this.fail(networkError(`response frame of ${frame.length} bytes has no correlation id`, { broker: this.address }));
      return;
    }
    const correlationId = frame.readInt32BE(0);
    const pending = this.pending.get(correlationId);
    // A request that timed out was forgotten; its late answer is dropped here.
    if (pending === undefined) return;
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    try {
      pending.resolve(pending.decode(frame));
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private timeOut(correlationId: number, request: SessionRequest<unknown>): void {
    const pending = this.pending.get(correlationId);
    if (pending === undefined) return;
    this.pending.delete(correlationId);
    pending.reject(requestTimeoutError(`${request.label} got no response within ${request.timeoutMs} ms`, { broker: this.address }));
  }

  private fail(error: KafkaClientError): void {
    if (this.closeError !== null) return;
    this.closeError = error;
    this.socket.destroy();
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
