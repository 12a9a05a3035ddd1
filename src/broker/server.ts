// The TCP listener: accepts connections, hands each to a Connection with the request dispatcher,
// and on close stops accepting, lets in-flight requests finish and then drops the sockets.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Connection, type ConnectionLimits, type Dispatch, type FrameWritten } from './connection.js';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  constructor(
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly written?: FrameWritten,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(options: ListenOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: options.host, port: options.port }, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, closes each connection once its in-flight requests are answered (up to `graceMs`), then the rest. */
  async close(graceMs = 5000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) {
      for (const connection of this.connections) {
        if (connection.isIdle) connection.close('broker shutting down', 'debug');
        if (connection.isClosed) this.connections.delete(connection);
      }
      if (this.connections.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const connection of this.connections) connection.close('broker shutting down');
    this.connections.clear();
    await closed;
  }

  private accept(socket: Socket): void {
    const context = { id: this.nextConnectionId++, remoteAddress: socket.remoteAddress ?? '?', remotePort: socket.remotePort ?? 0 };
    const connection = new Connection(socket, context, this.dispatch, this.limits, this.logger, this.written);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}
