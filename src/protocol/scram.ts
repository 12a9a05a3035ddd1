// SCRAM's arithmetic (RFC 5802, RFC 7677), shared by the broker's server side and the client's:
// Hi (PBKDF2), HMAC, H, and the keys derived from a salted password. The exchanges themselves
// live with each side (broker/security/scram.ts, client/scram-client.ts).
import { createHash, createHmac, pbkdf2 } from 'node:crypto';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Kafka refuses fewer (ScramMechanism.minIterations). */
export const MIN_ITERATIONS = 4096;

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

/** Hi(password, salt, i): PBKDF2 with the mechanism's HMAC, on the thread pool. */
export function saltedPassword(mechanism: ScramMechanism, password: Buffer, salt: Buffer, iterations: number): Promise<Buffer> {
  const { name, bytes } = HASH[mechanism];
  return new Promise((resolve, reject) => pbkdf2(password, salt, iterations, bytes, name, (error, key) => (error ? reject(error) : resolve(key))));
}

export function scramHmac(mechanism: ScramMechanism, key: Buffer, data: string): Buffer {
  return createHmac(HASH[mechanism].name, key).update(data, 'utf8').digest();
}

export function scramHash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(HASH[mechanism].name).update(data).digest();
}

/** ClientKey = HMAC(SaltedPassword, "Client Key"). */
export function clientKeyOf(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return scramHmac(mechanism, salted, 'Client Key');
}

/** ServerKey = HMAC(SaltedPassword, "Server Key"). */
export function serverKeyOf(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return scramHmac(mechanism, salted, 'Server Key');
}

export function xorBytes(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]));
}

/** A user name as SCRAM writes it: ',' and '=' escaped (RFC 5802 §5.1). */
export function escapeScramName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export function unescapeScramName(name: string): string {
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}
