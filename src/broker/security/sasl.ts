// One SASL exchange on a connection: PLAIN (one token: authzid NUL user NUL password, checked
// against the user's stored SCRAM credential) or SCRAM-SHA-256/512 (two rounds, scram.ts).
// Every failure looks the same from outside: one message, whatever was wrong.
import { randomBytes } from 'node:crypto';
import { MIN_ITERATIONS, ScramServer, isScramMechanism, makeCredential, passwordMatches } from './scram.js';
import type { UserStore } from './users.js';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export type SaslStep =
  | { readonly kind: 'continue'; readonly reply: Buffer }
  | { readonly kind: 'done'; readonly reply: Buffer; readonly username: string }
  | { readonly kind: 'failed'; readonly username: string | null; readonly reason: string };

/** What a client is told when authentication fails, whatever the cause (Kafka's wording). */
export function authenticationFailedMessage(mechanism: string): string {
  return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
}

/** Made once per process: the decoy salts of unknown users must not be predictable. */
const DECOY_SECRET = randomBytes(32);

export class SaslExchange {
  private readonly scram: ScramServer | null;

  constructor(
    readonly mechanism: SaslMechanism,
    private readonly users: UserStore,
  ) {
    this.scram = isScramMechanism(mechanism) ? new ScramServer(mechanism, (name) => users.credential(name, mechanism), DECOY_SECRET) : null;
  }

  async step(token: Buffer): Promise<SaslStep> {
    if (this.scram === null) return this.plain(token);
    const step = this.scram.step(token);
    if (!step.ok) return { kind: 'failed', username: this.scram.username || null, reason: step.reason };
    return step.done ? { kind: 'done', reply: step.reply, username: this.scram.username } : { kind: 'continue', reply: step.reply };
  }

  private async plain(token: Buffer): Promise<SaslStep> {
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) return { kind: 'failed', username: null, reason: 'malformed PLAIN token' };
    const [authzid, username, password] = parts;
    if (authzid !== '' && authzid !== username) return { kind: 'failed', username, reason: 'authorization id differs from the user name' };
    const credentials = this.users.credentials(username);
    if (credentials.length === 0) {
      // The same hashing as a known user's check, so the time taken does not tell them apart.
      await makeCredential('SCRAM-SHA-256', password, MIN_ITERATIONS);
      return { kind: 'failed', username, reason: 'invalid credentials' };
    }
    const [mechanism, credential] = credentials[0];
    if (!(await passwordMatches(mechanism, credential, password))) return { kind: 'failed', username, reason: 'invalid credentials' };
    return { kind: 'done', reply: Buffer.alloc(0), username };
  }
}
