// SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka speaks them: credentials stored
// as salt, iteration count, StoredKey and ServerKey (never the password), and the server side of
// the two-round exchange. Kafka's client-first message may carry extensions after the nonce;
// they are ignored.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  MIN_ITERATIONS,
  clientKeyOf,
  saltedPassword,
  scramHash,
  scramHmac,
  serverKeyOf,
  unescapeScramName,
  xorBytes,
  type ScramMechanism,
} from '../../protocol/scram.js';

export { MIN_ITERATIONS, SCRAM_MECHANISMS, isScramMechanism, saltedPassword, type ScramMechanism } from '../../protocol/scram.js';

export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export async function makeCredential(mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS, salt: Buffer = randomBytes(32)): Promise<ScramCredential> {
  if (iterations < MIN_ITERATIONS) throw new RangeError(`SCRAM credentials need at least ${MIN_ITERATIONS} iterations, got ${iterations}`);
  const salted = await saltedPassword(mechanism, Buffer.from(password, 'utf8'), salt, iterations);
  return credentialFromSalted(mechanism, salt, iterations, salted);
}

/** The stored form of a salted password (what AlterUserScramCredentials sends). */
export function credentialFromSalted(mechanism: ScramMechanism, salt: Buffer, iterations: number, salted: Buffer): ScramCredential {
  return { salt, iterations, storedKey: scramHash(mechanism, clientKeyOf(mechanism, salted)), serverKey: serverKeyOf(mechanism, salted) };
}

/** Whether `password` is the one the credential was made from (SASL/PLAIN checks against SCRAM credentials). */
export async function passwordMatches(mechanism: ScramMechanism, credential: ScramCredential, password: string): Promise<boolean> {
  const salted = await saltedPassword(mechanism, Buffer.from(password, 'utf8'), credential.salt, credential.iterations);
  return timingSafeEqual(scramHash(mechanism, clientKeyOf(mechanism, salted)), credential.storedKey);
}

/** A SCRAM step's outcome: a message to send and whether the exchange is over; or a failure (never saying which part was wrong). */
export type ScramStep = { readonly ok: true; readonly reply: Buffer; readonly done: boolean } | { readonly ok: false; readonly reason: string };

/**
 * The server side of one exchange. `lookUp` finds the user's credential; an unknown user gets a
 * made-up salt and fails only at the proof, so the two steps do not tell users apart.
 */
export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | null = null;
  username = '';

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookUp: (username: string) => ScramCredential | undefined,
    private readonly decoySecret: Buffer,
  ) {}

  step(message: Buffer): ScramStep {
    const text = message.toString('utf8');
    if (this.state === 'first') return this.first(text);
    if (this.state === 'final') return this.final(text);
    return { ok: false, reason: 'exchange already finished' };
  }

  private first(text: string): ScramStep {
    const match = /^([ny]|p=[^,]*),(a=[^,]*)?,(n=([^,]*),r=([^,]+).*)$/.exec(text);
    if (match === null || match[1].startsWith('p=')) return { ok: false, reason: 'malformed client-first message' };
    this.clientFirstBare = match[3];
    this.username = unescapeScramName(match[4]);
    // As Kafka: one may not ask to act as another user, nor log in with a credential weaker than the minimum.
    if (match[2] !== undefined && unescapeScramName(match[2].slice(2)) !== this.username) return { ok: false, reason: 'authorization id differs from the user name' };
    this.credential = this.lookUp(this.username) ?? null;
    if (this.credential !== null && this.credential.iterations < MIN_ITERATIONS) return { ok: false, reason: `stored credential has ${this.credential.iterations} iterations, fewer than ${MIN_ITERATIONS}` };
    const salt = this.credential?.salt ?? createHmac('sha256', this.decoySecret).update(this.username).digest();
    const iterations = this.credential?.iterations ?? MIN_ITERATIONS;
    this.nonce = match[5] + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.state = 'final';
    return { ok: true, reply: Buffer.from(this.serverFirst), done: false };
  }

  private final(text: string): ScramStep {
    this.state = 'done';
    const match = /^(c=[^,]*,r=([^,]*)(,[^,]*)*),p=([^,]+)$/.exec(text);
    // endsWith, as Kafka 3.8.1+ checks: librdkafka before 2.6.1 puts its own nonce in front once more.
    if (match === null || !match[2].endsWith(this.nonce) || this.credential === null) return { ok: false, reason: 'invalid credentials' };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${match[1]}`;
    const proof = Buffer.from(match[4], 'base64');
    const signature = scramHmac(this.mechanism, this.credential.storedKey, authMessage);
    if (proof.length !== signature.length) return { ok: false, reason: 'invalid credentials' };
    const clientKey = xorBytes(proof, signature);
    if (!timingSafeEqual(scramHash(this.mechanism, clientKey), this.credential.storedKey)) return { ok: false, reason: 'invalid credentials' };
    const serverSignature = scramHmac(this.mechanism, this.credential.serverKey, authMessage);
    return { ok: true, reply: Buffer.from(`v=${serverSignature.toString('base64')}`), done: true };
  }
}
