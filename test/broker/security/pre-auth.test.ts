// A real broker with a SASL_PLAINTEXT listener: before authentication only ApiVersions and the SASL
// APIs are served; SASL in v1 framing and in v0 framing (raw tokens); session lifetime (KIP-368);
// failed attempts logged with peer and user, never a password.
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/broker.js';
import { authenticationFailedMessage } from '../../../src/broker/security/sasl.js';
import * as protocol from '../../../src/protocol/index.js';
import { API_CODECS, ApiKey, ErrorCode, decodeResponseFrame, defaultMetadataRequest, encodeRequestFrame } from '../../../src/protocol/index.js';
import { tempDir } from '../../helpers/batches.js';
import { RawClient } from '../../helpers/raw-client.js';
import { rfcScramClient } from '../../helpers/scram-rfc-client.js';

const ALICE = 'alice-pa55word';
// The APIs served before authentication, and what each answers when sent first with a default
// body: SaslHandshake then names no mechanism, SaslAuthenticate comes before any handshake.
const SERVED_BEFORE_AUTH = new Map<number, number>([
  [ApiKey.ApiVersions, ErrorCode.NONE],
  [ApiKey.SaslHandshake, ErrorCode.UNSUPPORTED_SASL_MECHANISM],
  [ApiKey.SaslAuthenticate, ErrorCode.ILLEGAL_SASL_STATE],
]);

const logs: string[] = [];
let temp: ReturnType<typeof tempDir>;
let broker: RunningBroker;
beforeAll(async () => {
  temp = tempDir('sluice-pre-auth-');
  const logger = pino({ level: 'trace' }, { write: (line: string) => logs.push(line) });
  broker = await startBroker({ dataDir: temp.dir, listeners: ['SASL_PLAINTEXT://127.0.0.1:0'], users: [{ name: 'alice', password: ALICE }], logger });
});
afterAll(async () => {
  await broker.close();
  temp.cleanup();
});

const clients: RawClient[] = [];
afterEach(() => {
  clients.splice(0).forEach((client) => client.close());
  vi.useRealTimers();
});

async function connect(port = broker.port): Promise<RawClient> {
  const client = await RawClient.connect(port);
  clients.push(client);
  return client;
}

const plain = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

/** A bare size-prefixed frame: how tokens travel after a SaslHandshake v0. */
function rawFrame(token: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(token.length);
  return Buffer.concat([size, token]);
}

const metadata = (client: RawClient) => client.request(ApiKey.Metadata, 12, { ...defaultMetadataRequest(), topics: [] });

/** SaslHandshake v1 and SaslAuthenticate v2 with PLAIN; the SaslAuthenticate response. */
async function loginV1(client: RawClient, password = ALICE, user = 'alice') {
  expect((await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.NONE);
  return client.request(ApiKey.SaslAuthenticate, 2, { authBytes: plain(user, password) });
}

describe('before authentication', () => {
  /** Each API at its lowest version with a default body, alone on a fresh connection: its error code if answered, or 'closed'. */
  async function firstRequest(apiKey: ApiKey): Promise<number | 'closed'> {
    const codec = API_CODECS[apiKey];
    const makeBody = (protocol as unknown as Record<string, unknown>)[`default${codec.name}Request`];
    if (typeof makeBody !== 'function') throw new Error(`no default${codec.name}Request`);
    const client = await connect();
    client.send(encodeRequestFrame(apiKey, codec.minVersion, 4242, 'pre-auth', makeBody() as never));
    const frame = await client.readFrame(5000);
    if (frame === null) return 'closed';
    const { correlationId, body } = decodeResponseFrame(frame, apiKey, codec.minVersion);
    expect(correlationId).toBe(4242);
    return (body as { errorCode: number }).errorCode;
  }

  it('serves ApiVersions, SaslHandshake and SaslAuthenticate, and closes the connection without a response on every other API', async () => {
    const apiKeys = Object.values(ApiKey);
    const outcomes = await Promise.all(apiKeys.map(async (apiKey) => [API_CODECS[apiKey].name, await firstRequest(apiKey)] as const));
    const expected = apiKeys.map((apiKey) => [API_CODECS[apiKey].name, SERVED_BEFORE_AUTH.get(apiKey) ?? 'closed']);
    expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(expected));
    expect(apiKeys.length).toBeGreaterThan(30);
    // Closed for not being authenticated, not for some fault in the request.
    const refused = logs.map((line) => /API key (\d+) .*it has not authenticated/.exec(line)?.[1]).filter((key) => key !== undefined);
    expect(new Set(refused.map(Number))).toEqual(new Set(apiKeys.filter((apiKey) => !SERVED_BEFORE_AUTH.has(apiKey))));
  });

  it('a handshake alone does not authenticate', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.NONE);
    await expect(metadata(client)).rejects.toThrow(/closed/);
  });
});

describe('SASL in v1 framing (SaslAuthenticate requests)', () => {
  it('PLAIN with the right password authenticates; Metadata is then served', async () => {
    const client = await connect();
    const handshake = await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(handshake).toEqual({ errorCode: ErrorCode.NONE, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    expect(await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: plain('alice', ALICE) })).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, sessionLifetimeMs: 0 });
    expect((await metadata(client)).brokers.map((b) => b.port)).toEqual([broker.port]);
  });

  it('SCRAM-SHA-512 in two SaslAuthenticate rounds authenticates, with a server signature that verifies', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' })).errorCode).toBe(ErrorCode.NONE);
    const scram = rfcScramClient('SCRAM-SHA-512', 'alice', ALICE);
    const first = await client.request(ApiKey.SaslAuthenticate, 1, { authBytes: scram.first });
    expect(first.errorCode).toBe(ErrorCode.NONE);
    const final = await client.request(ApiKey.SaslAuthenticate, 1, { authBytes: scram.final(first.authBytes) });
    expect(final.errorCode).toBe(ErrorCode.NONE);
    expect(final.authBytes.toString()).toBe(scram.expectedServerFinal);
    expect((await metadata(client)).brokers).toHaveLength(1);
  });

  it('a wrong password gets SASL_AUTHENTICATION_FAILED with the generic message, then the connection closes', async () => {
    const client = await connect();
    expect(await loginV1(client, 'not-the-password')).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: authenticationFailedMessage('PLAIN') });
    expect(await client.waitForClose(2000)).toBe(true);
  });

  it('an unknown user gets the very same answer as a wrong password', async () => {
    const unknown = await loginV1(await connect(), ALICE, 'mallory');
    const wrong = await loginV1(await connect(), 'not-the-password');
    expect(unknown.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(unknown).toEqual(wrong);
  });
});

describe('SASL in v0 framing (raw tokens after SaslHandshake v0)', () => {
  it('a PLAIN token with the right password is answered with an empty frame; Metadata is then served', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.NONE);
    client.send(rawFrame(plain('alice', ALICE)));
    expect(await client.readFrame(5000)).toEqual(Buffer.alloc(0));
    expect((await metadata(client)).brokers).toHaveLength(1);
  });

  it('SCRAM-SHA-256 runs as two raw tokens and authenticates', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 0, { mechanism: 'SCRAM-SHA-256' })).errorCode).toBe(ErrorCode.NONE);
    const scram = rfcScramClient('SCRAM-SHA-256', 'alice', ALICE);
    client.send(rawFrame(scram.first));
    const serverFirst = await client.readFrame(5000);
    if (serverFirst === null) throw new Error('closed after client-first');
    client.send(rawFrame(scram.final(serverFirst)));
    expect((await client.readFrame(5000))?.toString()).toBe(scram.expectedServerFinal);
    expect((await metadata(client)).brokers).toHaveLength(1);
  });

  it('a wrong raw password closes the connection without an answer', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.NONE);
    client.send(rawFrame(plain('alice', 'not-the-password')));
    expect(await client.readFrame(5000)).toBeNull();
  });
});

describe('requests pipelined behind an authentication', () => {
  it('a Metadata sent right behind SaslHandshake and SaslAuthenticate (v1) is served once the password is checked', async () => {
    const client = await connect();
    client.send(
      Buffer.concat([
        encodeRequestFrame(ApiKey.SaslHandshake, 1, 1, 'pipelined', { mechanism: 'PLAIN' }),
        encodeRequestFrame(ApiKey.SaslAuthenticate, 2, 2, 'pipelined', { authBytes: plain('alice', ALICE) }),
        encodeRequestFrame(ApiKey.Metadata, 12, 3, 'pipelined', { ...defaultMetadataRequest(), topics: [] }),
      ]),
    );
    const frames = [await client.readFrame(5000), await client.readFrame(5000), await client.readFrame(5000)];
    expect(frames.map((frame) => frame?.readInt32BE(0))).toEqual([1, 2, 3]);
    expect(decodeResponseFrame(frames[1] as Buffer, ApiKey.SaslAuthenticate, 2).body.errorCode).toBe(ErrorCode.NONE);
    expect(decodeResponseFrame(frames[2] as Buffer, ApiKey.Metadata, 12).body.brokers).toHaveLength(1);
  });

  it('a Metadata sent right behind a raw v0 token is read as a request, not as another token', async () => {
    const client = await connect();
    expect((await client.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.NONE);
    client.send(Buffer.concat([rawFrame(plain('alice', ALICE)), encodeRequestFrame(ApiKey.Metadata, 12, 7, 'pipelined', { ...defaultMetadataRequest(), topics: [] })]));
    expect(await client.readFrame(5000)).toEqual(Buffer.alloc(0));
    const answer = await client.readFrame(5000);
    expect(answer === null ? null : decodeResponseFrame(answer, ApiKey.Metadata, 12).body.brokers).toHaveLength(1);
  });

  it('a request behind a failed authentication gets nothing: the failure is answered, then the connection closes', async () => {
    const client = await connect();
    client.send(
      Buffer.concat([
        encodeRequestFrame(ApiKey.SaslHandshake, 1, 1, 'pipelined', { mechanism: 'PLAIN' }),
        encodeRequestFrame(ApiKey.SaslAuthenticate, 2, 2, 'pipelined', { authBytes: plain('alice', 'wrong') }),
        encodeRequestFrame(ApiKey.Metadata, 12, 3, 'pipelined', { ...defaultMetadataRequest(), topics: [] }),
      ]),
    );
    await client.readFrame(5000);
    const failure = await client.readFrame(5000);
    expect(failure === null ? null : decodeResponseFrame(failure, ApiKey.SaslAuthenticate, 2).body.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(await client.readFrame(5000)).toBeNull();
  });
});

describe('failed attempts in the log', () => {
  it('name the peer address and the user, and no password ever appears', async () => {
    const before = logs.length;
    const v1 = await connect();
    const v1Port = v1.socket.localPort;
    await loginV1(v1, 'wrong-password-one');
    const v0 = await connect();
    const v0Port = v0.socket.localPort;
    await v0.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
    v0.send(rawFrame(plain('alice', 'wrong-password-two')));
    expect(await v0.readFrame(5000)).toBeNull();
    await loginV1(await connect());

    const failures = logs
      .slice(before)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'SASL authentication failed');
    expect(failures).toEqual([
      expect.objectContaining({ remote: `127.0.0.1:${v1Port}`, user: 'alice', mechanism: 'PLAIN' }),
      expect.objectContaining({ remote: `127.0.0.1:${v0Port}`, user: 'alice', mechanism: 'PLAIN' }),
    ]);
    // Every line this broker logged so far, successful logins included.
    for (const password of [ALICE, 'wrong-password-one', 'wrong-password-two']) expect(logs.join('\n')).not.toContain(password);
  });
});

describe('connectionsMaxReauthMs (KIP-368)', () => {
  const LIFETIME_MS = 600;
  let reauthTemp: ReturnType<typeof tempDir>;
  let reauth: RunningBroker;
  beforeAll(async () => {
    reauthTemp = tempDir('sluice-reauth-');
    reauth = await startBroker({ dataDir: reauthTemp.dir, logLevel: 'silent', listeners: ['SASL_PLAINTEXT://127.0.0.1:0'], users: [{ name: 'alice', password: ALICE }], connectionsMaxReauthMs: LIFETIME_MS });
  });
  afterAll(async () => {
    await reauth.close();
    reauthTemp.cleanup();
  });

  // Only Date is faked: the broker reads the time with Date.now(), so the session can be aged
  // without sleeping; sockets and timers stay real.
  function startClock(): number {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start);
    return start;
  }

  it('SaslAuthenticate tells the session lifetime; the first request after it lapses closes the connection', async () => {
    const start = startClock();
    const client = await connect(reauth.port);
    expect((await loginV1(client)).sessionLifetimeMs).toBe(LIFETIME_MS);
    vi.setSystemTime(start + LIFETIME_MS - 1);
    expect((await metadata(client)).brokers).toHaveLength(1);
    vi.setSystemTime(start + LIFETIME_MS);
    await expect(metadata(client)).rejects.toThrow(/closed/);
  });

  it('re-authenticating on the same connection before it lapses starts a new lifetime', async () => {
    const start = startClock();
    const client = await connect(reauth.port);
    await loginV1(client);
    vi.setSystemTime(start + 400);
    expect((await loginV1(client)).sessionLifetimeMs).toBe(LIFETIME_MS);
    vi.setSystemTime(start + 400 + LIFETIME_MS - 1);
    expect((await metadata(client)).brokers).toHaveLength(1);
    vi.setSystemTime(start + 400 + LIFETIME_MS);
    await expect(metadata(client)).rejects.toThrow(/closed/);
  });
});
