// The client side of a SCRAM-SHA-256/512 exchange (RFC 5802): client-first, then client-final
// with the proof, then the server's signature checked, so a server that does not know the
// password cannot pass itself off as the broker.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '../protocol/index.js';
import { MIN_ITERATIONS, clientKeyOf, escapeScramName, saltedPassword, scramHash, scramHmac, serverKeyOf, xorBytes, type ScramMechanism } from '../protocol/scram.js';
import { KafkaClientError } from './errors.js';

/** No channel binding, no authorization id. */
const GS2_HEADER = 'n,,';

export class ScramClient {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    username: string,
    private readonly password: string,
    private readonly nonce: string = randomBytes(24).toString('base64'),
  ) {
    this.clientFirstBare = `n=${escapeScramName(username)},r=${nonce}`;
  }

  clientFirst(): Buffer {
    return Buffer.from(GS2_HEADER + this.clientFirstBare);
  }

  /** The client-final message (with the proof) for the server-first message. */
  async clientFinal(serverFirst: Buffer): Promise<Buffer> {
    const text = serverFirst.toString('utf8');
    const fields = attributes(text);
    const serverNonce = fields.get('r');
    const salt = fields.get('s');
    const iterations = Number(fields.get('i'));
    if (serverNonce === undefined || salt === undefined || !Number.isInteger(iterations)) throw scramError(`malformed server-first message`);
    if (!serverNonce.startsWith(this.nonce)) throw scramError('the server nonce does not extend the client nonce');
    if (iterations < MIN_ITERATIONS) throw scramError(`the server asks for ${iterations} iterations, fewer than ${MIN_ITERATIONS}`);
    const salted = await saltedPassword(this.mechanism, Buffer.from(this.password, 'utf8'), Buffer.from(salt, 'base64'), iterations);
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const clientKey = clientKeyOf(this.mechanism, salted);
    const proof = xorBytes(clientKey, scramHmac(this.mechanism, scramHash(this.mechanism, clientKey), authMessage));
    this.expectedServerSignature = scramHmac(this.mechanism, serverKeyOf(this.mechanism, salted), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Throws unless the server-final message carries the signature only the real server can make. */
  verifyServerFinal(serverFinal: Buffer): void {
    const fields = attributes(serverFinal.toString('utf8'));
    const error = fields.get('e');
    if (error !== undefined) throw scramError(`the server refused: ${error}`);
    const signature = Buffer.from(fields.get('v') ?? '', 'base64');
    const expected = this.expectedServerSignature;
    if (expected === null || signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw scramError('the server signature does not verify');
  }
}

function attributes(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at === 1) fields.set(part[0], part.slice(2));
  }
  return fields;
}

function scramError(message: string): KafkaClientError {
  return new KafkaClientError(ErrorCode.SASL_AUTHENTICATION_FAILED, `SCRAM: ${message}`);
}
