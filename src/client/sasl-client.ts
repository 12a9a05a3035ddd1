// Authenticating a new socket with SASL, as Kafka clients do after ApiVersions: SaslHandshake v1
// names the mechanism, then SaslAuthenticate carries the tokens (one for PLAIN, two rounds for
// SCRAM). A refusal is SASL_AUTHENTICATION_FAILED, which is not retried.
import { ApiKey, ErrorCode, type ApiMessages } from '../protocol/index.js';
import { isScramMechanism } from '../protocol/scram.js';
import { KafkaClientError, throwIfError } from './errors.js';
import { ScramClient } from './scram-client.js';

export interface SaslOptions {
  /** As kafkajs names them. */
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/** Sends one request on the socket being authenticated, at a version it chooses. */
export type SaslSend = <K extends typeof ApiKey.SaslHandshake | typeof ApiKey.SaslAuthenticate>(apiKey: K, body: ApiMessages[K]['request']) => Promise<ApiMessages[K]['response']>;

export const SASL_MECHANISM_NAMES = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

export async function authenticateSasl(sasl: SaslOptions, send: SaslSend, broker: string): Promise<void> {
  const mechanism = SASL_MECHANISM_NAMES[sasl.mechanism];
  if (mechanism === undefined) throw new TypeError(`sasl.mechanism must be one of ${Object.keys(SASL_MECHANISM_NAMES).join(', ')}`);
  const handshake = await send(ApiKey.SaslHandshake, { mechanism });
  throwIfError(handshake.errorCode, { broker, detail: `the broker offers ${handshake.mechanisms.join(', ')}` });
  const exchange = async (token: Buffer): Promise<Buffer> => {
    const response = await send(ApiKey.SaslAuthenticate, { authBytes: token });
    if (response.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(response.errorCode, { broker, detail: response.errorMessage });
    return response.authBytes;
  };
  if (!isScramMechanism(mechanism)) {
    await exchange(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8'));
    return;
  }
  const scram = new ScramClient(mechanism, sasl.username, sasl.password);
  const serverFirst = await exchange(scram.clientFirst());
  const serverFinal = await exchange(await scram.clientFinal(serverFirst));
  scram.verifyServerFinal(serverFinal);
}
