// The listeners: one TCP (PLAINTEXT, SASL_PLAINTEXT) or TLS (SSL, SASL_SSL) server per listener,
// each connection handed to a Connection with the request dispatcher and a security session
// naming its listener. TLS certificates are read at start and read again by reloadTls() (the
// CLI calls it on SIGHUP, and when the files change). On close: stop accepting, let in-flight
// requests finish, then drop the sockets.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { TlsSettings } from './config.js';
import { Connection, type ConnectionLimits, type Dispatch, type FrameWritten } from './connection.js';
import { usesTls, type ListenerSpec } from './listeners.js';
import { SecuritySession } from './security/session.js';

export class BrokerServer {
  private readonly servers: Array<{ listener: ListenerSpec; server: Server }> = [];
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;

  constructor(
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly tls: TlsSettings | null,
    private readonly written?: FrameWritten,
  ) {}

  /** Starts every listener; resolves with each one's bound port (useful with port 0), by name. */
  async listen(listeners: readonly ListenerSpec[]): Promise<Map<string, number>> {
    const ports = new Map<string, number>();
    try {
      for (const listener of listeners) ports.set(listener.name, await this.listenOne(listener));
    } catch (error) {
      await this.close(0);
      throw error;
    }
    return ports;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Reads the certificate, key and CA files again; connections made from now on use them. */
  reloadTls(): void {
    if (this.tls === null) return;
    const context = secureContext(this.tls);
    for (const { listener, server } of this.servers) {
      if (usesTls(listener.protocol)) (server as ReturnType<typeof createTlsServer>).setSecureContext(context);
    }
    this.logger.info({ certFile: this.tls.certFile }, 'TLS certificates reloaded');
  }

  /** Stops accepting, closes each connection once its in-flight requests are answered (up to `graceMs`), then the rest. */
  async close(graceMs = 5000): Promise<void> {
    const closed = Promise.all(this.servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
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

  private listenOne(listener: ListenerSpec): Promise<number> {
    const server = usesTls(listener.protocol) ? this.tlsServer(listener) : createServer((socket) => this.accept(socket, listener, null));
    this.servers.push({ listener, server });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listener.host, port: listener.port }, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : listener.port);
      });
    });
  }

  private tlsServer(listener: ListenerSpec): Server {
    const tls = this.tls as TlsSettings;
    const server = createTlsServer(
      { ...secureContext(tls), requestCert: tls.clientAuth !== 'none', rejectUnauthorized: tls.clientAuth === 'required' },
      (socket) => this.accept(socket, listener, certificatePrincipal(socket)),
    );
    server.on('tlsClientError', (error, socket) => this.logger.warn({ err: error.message, remote: socket.remoteAddress, listener: listener.name }, 'TLS handshake failed'));
    return server;
  }

  private accept(socket: Socket, listener: ListenerSpec, certificate: string | null): void {
    const session = new SecuritySession(listener, certificate === null ? null : `User:${certificate}`);
    const context = { id: this.nextConnectionId++, remoteAddress: socket.remoteAddress ?? '?', remotePort: socket.remotePort ?? 0, session };
    const connection = new Connection(socket, context, this.dispatch, this.limits, this.logger, this.written);
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }
}

function secureContext(tls: TlsSettings): SecureContextOptions {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ...(tls.caFile === null ? {} : { ca: readFileSync(tls.caFile) }),
  };
}

/**
 * The verified client certificate's subject as Kafka writes it (RFC 2253: most specific first,
 * e.g. "CN=alice,OU=eng,O=acme"); null without a verified certificate.
 */
function certificatePrincipal(socket: TLSSocket): string | null {
  if (!socket.authorized) return null;
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) return null;
  return certificate.subject.split('\n').reverse().join(',');
}
