// A SCRAM client written from RFC 5802 §3 for testing the broker's server side, on purpose not our
// own client (src/client/scram-client.ts): a shared mistake would otherwise pass unnoticed.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { ScramMechanism } from '../../src/protocol/scram.js';

const DIGEST = { 'SCRAM-SHA-256': { algorithm: 'sha256', bytes: 32 }, 'SCRAM-SHA-512': { algorithm: 'sha512', bytes: 64 } } as const;

export const rfcHmac = (m: ScramMechanism, key: Buffer, text: string): Buffer => createHmac(DIGEST[m].algorithm, key).update(text).digest();
export const rfcHash = (m: ScramMechanism, data: Buffer): Buffer => createHash(DIGEST[m].algorithm).update(data).digest();
export const xorBytes = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((byte, i) => byte ^ b[i]));

/** The client's final message for this server-first (its nonce, or `nonce` to test a wrong one), and the server-final it must get back. */
export function rfcClientFinal(m: ScramMechanism, password: string, clientFirstBare: string, serverFirst: string, nonce?: string): { message: string; serverFinal: string } {
  const fields = Object.fromEntries(serverFirst.split(',').map((field) => [field[0], field.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s, 'base64'), Number(fields.i), DIGEST[m].bytes, DIGEST[m].algorithm);
  const withoutProof = `c=biws,r=${nonce ?? fields.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientKey = rfcHmac(m, salted, 'Client Key');
  const proof = xorBytes(clientKey, rfcHmac(m, rfcHash(m, clientKey), authMessage));
  return { message: `${withoutProof},p=${proof.toString('base64')}`, serverFinal: `v=${rfcHmac(m, rfcHmac(m, salted, 'Server Key'), authMessage).toString('base64')}` };
}

/** One exchange: `first`, then final(serverFirst) (with a flipped proof bit when `tamper`), then expectedServerFinal. */
export function rfcScramClient(m: ScramMechanism, user: string, password: string) {
  const bare = `n=${user},r=c1i2e3n4t5n6o7n8c9e0`;
  let serverFinal = '';
  return {
    first: Buffer.from(`n,,${bare}`),
    final(serverFirst: Buffer, tamper = false): Buffer {
      const answer = rfcClientFinal(m, password, bare, serverFirst.toString());
      serverFinal = answer.serverFinal;
      if (!tamper) return Buffer.from(answer.message);
      const proofAt = answer.message.indexOf(',p=') + 3;
      const proof = Buffer.from(answer.message.slice(proofAt), 'base64');
      proof[proof.length - 1] ^= 0x80;
      return Buffer.from(`${answer.message.slice(0, proofAt)}${proof.toString('base64')}`);
    },
    get expectedServerFinal(): string {
      return serverFinal;
    },
  };
}
