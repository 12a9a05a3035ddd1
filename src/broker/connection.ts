// One client connection: 4-byte length framing, many requests in flight with responses written
// in request order, and backpressure. A frame above maxRequestBytes closes the connection before
// any of it is allocated. Reading pauses while too many requests or bytes are in flight, or while
// the client is not reading its responses, so one connection's memory stays bounded.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { SecuritySession } from './security/session.js';

/** Thrown by a dispatcher to drop the connection (Kafka closes on unknown APIs and versions). */
export class CloseConnection extends Error {
  override readonly name = 'CloseConnection';
}

export interface ConnectionContext {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The listener it came in on and who the client is (security/session.ts). */
  readonly session: SecuritySession;
}

/** A whole response frame (size prefix included): one buffer, or pieces written back to back. */
export type OutgoingFrame = Buffer | readonly Buffer[];

/**
 * Told of a frame of pieces once the socket has taken all of it (the kernel holds a copy), so
 * memory lent for its pieces can be reused; not told when the write fails.
 */
export type FrameWritten = (pieces: readonly Buffer[]) => void;

/**
 * Handles one request frame (size prefix stripped) and returns the whole response frame, or
 * null when the request gets no response (Produce with acks=0). Work that must happen in
 * request order (appends) has to start before the dispatcher's first await: the next request
 * on the connection is dispatched as soon as this call returns its promise.
 */
export type Dispatch = (frame: Buffer, context: ConnectionContext) => Promise<OutgoingFrame | null>;

export interface ConnectionLimits {
  /** socket.request.max.bytes */
  readonly maxRequestBytes: number;
  readonly maxInFlightRequests: number;
  readonly maxInFlightBytes: number;
}

const SIZE_PREFIX_BYTES = 4;
/** api_key + api_version + correlation_id: nothing shorter is a request. */
const MIN_REQUEST_BYTES = 8;

interface InFlight {
  response: OutgoingFrame | null | undefined;
  readonly bytes: number;
}

export class Connection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private readonly inFlight: InFlight[] = [];
  private inFlightBytes = 0;
  private closed = false;
  private waitingForDrain = false;

  constructor(
    private readonly socket: Socket,
    readonly context: ConnectionContext,
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly written?: FrameWritten,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (error) => this.logger.debug({ err: error, connection: context.id }, 'socket error'));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** No request is waiting for its response. */
  get isIdle(): boolean {
    return this.inFlight.length === 0;
  }

  close(reason: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.closed) return;
    this.closed = true;
    this.logger[level]({ connection: this.context.id, remote: `${this.context.remoteAddress}:${this.context.remotePort}` }, `closing connection: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.takeFrames();
  }

  /** Splits whole frames off the buffered bytes and dispatches them in order. */
  private takeFrames(): void {
    while (!this.closed && this.buffered >= SIZE_PREFIX_BYTES && !this.overLimits()) {
      const size = this.peekSize();
      // Raw SASL tokens (after a SaslHandshake v0) may be short; a request never is.
      const minimum = this.context.session.rawTokens ? 0 : MIN_REQUEST_BYTES;
      if (size < minimum || size > this.limits.maxRequestBytes) {
        this.close(`request frame of ${size} bytes is outside [${minimum}, ${this.limits.maxRequestBytes}]`);
        return;
      }
      if (this.buffered < SIZE_PREFIX_BYTES + size) break;
      this.consume(SIZE_PREFIX_BYTES);
      this.start(this.consume(size));
    }
    this.updateReading();
  }

  private start(frame: Buffer): void {
    const slot: InFlight = { response: undefined, bytes: frame.length };
    this.inFlight.push(slot);
    this.inFlightBytes += frame.length;
    let pending: Promise<OutgoingFrame | null>;
    try {
      pending = this.dispatch(frame, this.context);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (response) => this.finish(slot, response),
      (error: unknown) => this.fail(error),
    );
  }

  private finish(slot: InFlight, response: OutgoingFrame | null): void {
    slot.response = response;
    this.writeReadyResponses();
  }

  private fail(error: unknown): void {
    if (error instanceof CloseConnection) this.close(error.message);
    else {
      this.logger.error({ err: error, connection: this.context.id }, 'request handler failed');
      this.close('internal error while handling a request');
    }
  }

  /**
   * Writes the responses at the head of the queue that are ready, keeping request order. Corked,
   * so the pieces of every frame ready now leave in one writev.
   */
  private writeReadyResponses(): void {
    if (this.closed) return;
    this.socket.cork();
    while (this.inFlight.length > 0 && this.inFlight[0].response !== undefined) {
      const slot = this.inFlight.shift() as InFlight;
      this.inFlightBytes -= slot.bytes;
      if (slot.response != null && !this.writeFrame(slot.response)) this.waitingForDrain = true;
    }
    this.socket.uncork();
    if (this.context.session.closeAfterResponse && this.inFlight.length === 0) {
      // A failed authentication: the answer goes out, then the connection ends.
      this.closed = true;
      this.socket.end();
      return;
    }
    this.takeFrames();
  }

  /** False when the socket's buffer is full (wait for 'drain'). */
  private writeFrame(frame: OutgoingFrame): boolean {
    if (Buffer.isBuffer(frame)) return this.socket.write(frame);
    let roomLeft = true;
    const last = frame.length - 1;
    if (last < 0) return true;
    for (let i = 0; i < last; i++) roomLeft = this.socket.write(frame[i]);
    // Callbacks run in write order: when the last piece's runs, the whole frame is written.
    const written = this.written;
    return this.socket.write(frame[last], written && ((error) => error == null && written(frame))) && roomLeft;
  }

  private onDrain(): void {
    this.waitingForDrain = false;
    this.takeFrames();
  }

  private overLimits(): boolean {
    return this.waitingForDrain || this.inFlight.length >= this.limits.maxInFlightRequests || this.inFlightBytes >= this.limits.maxInFlightBytes;
  }

  /** Stops reading the socket while over the limits, so the kernel's window pushes back on the client. */
  private updateReading(): void {
    if (this.closed) return;
    const buffering = this.buffered > this.limits.maxRequestBytes + SIZE_PREFIX_BYTES;
    if (this.overLimits() || buffering) this.socket.pause();
    else this.socket.resume();
  }

  private peekSize(): number {
    const head = this.chunks[0].length >= SIZE_PREFIX_BYTES ? this.chunks[0] : Buffer.concat(this.chunks, SIZE_PREFIX_BYTES);
    return head.readInt32BE(0);
  }

  /** Removes and returns the first `bytes` buffered bytes (a view when they sit in one chunk). */
  private consume(bytes: number): Buffer {
    this.buffered -= bytes;
    const first = this.chunks[0];
    if (first.length >= bytes) {
      const taken = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      return taken;
    }
    const taken = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length, bytes - filled);
      chunk.copy(taken, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return taken;
  }
}
