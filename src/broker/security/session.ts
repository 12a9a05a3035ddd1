// Who is at the other end of a connection, and whether they may send requests yet. PLAINTEXT and
// SSL connections start authenticated (User:ANONYMOUS, or the client certificate's subject on SSL
// with client authentication); SASL connections start unauthenticated and may send only
// ApiVersions, SaslHandshake and SaslAuthenticate until an exchange succeeds. After a
// SaslHandshake v0 the client's next frames are raw SASL tokens, not Kafka requests.
// connections.max.reauth.ms (KIP-368) bounds how long an authentication lasts.
import { ApiKey } from '../../protocol/index.js';
import type { ListenerSpec } from '../listeners.js';
import { usesSasl } from '../listeners.js';
import type { SaslExchange } from './sasl.js';

export const ANONYMOUS = 'User:ANONYMOUS';

const BEFORE_AUTHENTICATION = new Set<number>([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

export class SecuritySession {
  principal: string;
  authenticated: boolean;
  /** The exchange a SaslHandshake started; null before one and after it ended. */
  exchange: SaslExchange | null = null;
  /** SaslHandshake v0 was answered: the next frames are raw tokens. */
  rawTokens = false;
  /** When the authentication lapses (KIP-368); null: never. */
  expiresAt: number | null = null;
  /** Close once the response being written has gone (a failed authentication). */
  closeAfterResponse = false;
  /** A SASL step being computed; requests behind it wait for it, as Kafka reads nothing more until a step is answered. */
  private stepping: Promise<unknown> | null = null;

  constructor(
    readonly listener: ListenerSpec,
    /** The client certificate's subject as Kafka names it, e.g. "User:CN=alice,O=acme"; null without one. */
    certificatePrincipal: string | null,
  ) {
    this.principal = certificatePrincipal ?? ANONYMOUS;
    this.authenticated = !usesSasl(listener.protocol);
  }

  get usesSasl(): boolean {
    return usesSasl(this.listener.protocol);
  }

  /** Runs a SASL step; frames that arrive meanwhile are dispatched only after it (see settled()). */
  step<T>(computing: Promise<T>): Promise<T> {
    const step = computing.finally(() => {
      if (this.stepping === step) this.stepping = null;
    });
    this.stepping = step;
    return step;
  }

  /** Resolves once no SASL step is being computed: a request pipelined behind one is judged after it. */
  async settled(): Promise<void> {
    while (this.stepping !== null) await this.stepping.catch(() => undefined);
  }

  get isStepping(): boolean {
    return this.stepping !== null;
  }

  /** Whether a request of this API may be served now. */
  mayServe(apiKey: number, now: number): boolean {
    if (BEFORE_AUTHENTICATION.has(apiKey)) return true;
    return this.authenticated && (this.expiresAt === null || now < this.expiresAt);
  }

  /** An exchange succeeded: who the client is, and for how long (0: for the whole connection). */
  authenticatedAs(username: string, lifetimeMs: number, now: number): void {
    this.principal = `User:${username}`;
    this.authenticated = true;
    this.exchange = null;
    this.rawTokens = false;
    this.expiresAt = lifetimeMs > 0 ? now + lifetimeMs : null;
  }
}
