// The SCRAM-SHA-256/512 server (RFC 5802, RFC 7677) against a client written from the RFC here:
// RFC 7677's example, full exchanges, bad proofs and nonces, malformed messages, unknown users.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { rfcClientFinal as clientFinal, rfcHash as h, rfcHmac as hmac, xorBytes as xor } from '../../helpers/scram-rfc-client.js';
import { MIN_ITERATIONS, ScramServer, credentialFromSalted, makeCredential, type ScramCredential, type ScramMechanism } from '../../../src/broker/security/scram.js';

// RFC 7677 §3.
const RFC = {
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  clientFirstBare: 'n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const DECOY_SECRET = randomBytes(32);

function serverFor(m: ScramMechanism, users: Record<string, ScramCredential>): ScramServer {
  return new ScramServer(m, (name) => users[name], DECOY_SECRET);
}

function reply(step: ReturnType<ScramServer['step']>): string {
  if (!step.ok) throw new Error(`step failed: ${step.reason}`);
  return step.reply.toString();
}

/** Runs the first round; returns the server-first message. */
function first(server: ScramServer, clientFirst: string): string {
  return reply(server.step(Buffer.from(clientFirst)));
}

describe('RFC 7677 example (SCRAM-SHA-256, user "user", password "pencil")', () => {
  it('the credential made from the password holds the keys behind the RFC proof and signature', async () => {
    const credential = await makeCredential('SCRAM-SHA-256', 'pencil', 4096, RFC.salt);
    const authMessage = `${RFC.clientFirstBare},${RFC.serverFirst},${RFC.clientFinal.replace(/,p=.*$/, '')}`;
    const proof = Buffer.from(RFC.clientFinal.replace(/^.*,p=/, ''), 'base64');
    expect(h('SCRAM-SHA-256', xor(proof, hmac('SCRAM-SHA-256', credential.storedKey, authMessage)))).toEqual(credential.storedKey);
    expect(`v=${hmac('SCRAM-SHA-256', credential.serverKey, authMessage).toString('base64')}`).toBe(RFC.serverFinal);
    // The client the other tests use gives the RFC's messages too.
    expect(clientFinal('SCRAM-SHA-256', 'pencil', RFC.clientFirstBare, RFC.serverFirst)).toEqual({ message: RFC.clientFinal, serverFinal: RFC.serverFinal });
  });

  it('a full exchange with the RFC credential is accepted and its signature verifies', async () => {
    // The server's half of the nonce is random, so the proof differs from the RFC's; it is computed here.
    const server = serverFor('SCRAM-SHA-256', { user: await makeCredential('SCRAM-SHA-256', 'pencil', 4096, RFC.salt) });
    const serverFirst = first(server, `n,,${RFC.clientFirstBare}`);
    expect(serverFirst).toMatch(/^r=rOprNGfwEbeRWgbNEkqO[^,]+,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096$/);
    const client = clientFinal('SCRAM-SHA-256', 'pencil', RFC.clientFirstBare, serverFirst);
    const final = server.step(Buffer.from(client.message));
    expect(final).toMatchObject({ ok: true, done: true });
    expect(reply(final)).toBe(client.serverFinal);
  });
});

describe.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const)('%s', (m) => {
  const bare = 'n=user,r=fyko+d2lbbFgONRv9qkxdawL';
  const credential = makeCredential(m, 'pencil', MIN_ITERATIONS, RFC.salt);

  it('accepts a correct proof and answers a server signature that verifies', async () => {
    const server = serverFor(m, { user: await credential });
    const serverFirst = first(server, `n,,${bare}`);
    expect(serverFirst).toMatch(/^r=fyko\+d2lbbFgONRv9qkxdawL[^,]+,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096$/);
    const client = clientFinal(m, 'pencil', bare, serverFirst);
    const final = server.step(Buffer.from(client.message));
    expect(final).toMatchObject({ ok: true, done: true });
    expect(reply(final)).toBe(client.serverFinal);
  });

  it('rejects a proof with one bit flipped', async () => {
    const server = serverFor(m, { user: await credential });
    const { message } = clientFinal(m, 'pencil', bare, first(server, `n,,${bare}`));
    const proof = Buffer.from(message.replace(/^.*,p=/, ''), 'base64');
    proof[0] ^= 1;
    expect(server.step(Buffer.from(message.replace(/,p=.*$/, `,p=${proof.toString('base64')}`))).ok).toBe(false);
  });

  it('rejects the proof of a wrong password', async () => {
    const server = serverFor(m, { user: await credential });
    const { message } = clientFinal(m, 'pencil!', bare, first(server, `n,,${bare}`));
    expect(server.step(Buffer.from(message))).toEqual({ ok: false, reason: expect.any(String) });
  });

  it('rejects a client-final whose nonce is not the one the server sent, even with a matching proof', async () => {
    const clientNonceOnly = () => 'fyko+d2lbbFgONRv9qkxdawL';
    const extended = (serverNonce: string) => `${serverNonce}x`;
    const truncated = (serverNonce: string) => serverNonce.slice(0, -1);
    for (const alter of [clientNonceOnly, extended, truncated]) {
      const server = serverFor(m, { user: await credential });
      const serverFirst = first(server, `n,,${bare}`);
      // The proof covers the altered nonce, so only the nonce check can refuse it.
      const { message } = clientFinal(m, 'pencil', bare, serverFirst, alter(serverFirst.slice(2, serverFirst.indexOf(','))));
      expect(server.step(Buffer.from(message)).ok).toBe(false);
    }
  });

  it('accepts a nonce with the client part repeated in front (librdkafka before 2.6.1), as Kafka 3.8.1+ does', async () => {
    const server = serverFor(m, { user: await credential });
    const serverFirst = first(server, `n,,${bare}`);
    const client = clientFinal(m, 'pencil', bare, serverFirst, `fyko+d2lbbFgONRv9qkxdawL${serverFirst.slice(2, serverFirst.indexOf(','))}`);
    expect(reply(server.step(Buffer.from(client.message)))).toBe(client.serverFinal);
  });

  it('accepts extensions after the nonce in client-first (Kafka sends them) and signs over them', async () => {
    const server = serverFor(m, { user: await credential });
    const withExtension = `${bare},ext=1`;
    const client = clientFinal(m, 'pencil', withExtension, first(server, `n,,${withExtension}`));
    expect(reply(server.step(Buffer.from(client.message)))).toBe(client.serverFinal);
  });

  it('answers nothing more once the exchange is over', async () => {
    const server = serverFor(m, { user: await credential });
    const client = clientFinal(m, 'pencil', bare, first(server, `n,,${bare}`));
    expect(server.step(Buffer.from(client.message)).ok).toBe(true);
    expect(server.step(Buffer.from(client.message)).ok).toBe(false);
  });
});

describe('malformed messages', () => {
  it.each([
    ['no n= attribute', 'n,,r=fyko+d2lbbFgONRv9qkxdawL'],
    ['an unknown gs2 flag', 'x,,n=user,r=fyko+d2lbbFgONRv9qkxdawL'],
    ['a gs2 header without its authzid slot', 'n,n=user,r=fyko+d2lbbFgONRv9qkxdawL'],
    ['channel binding asked for (p=)', 'p=tls-unique,,n=user,r=fyko+d2lbbFgONRv9qkxdawL'],
    ['an empty nonce', 'n,,n=user,r='],
    ['no nonce', 'n,,n=user'],
    ['nothing', ''],
  ])('client-first with %s fails', async (_, clientFirst) => {
    const server = serverFor('SCRAM-SHA-256', { user: await makeCredential('SCRAM-SHA-256', 'pencil') });
    expect(server.step(Buffer.from(clientFirst)).ok).toBe(false);
  });

  it('a client-final without a proof fails', async () => {
    const server = serverFor('SCRAM-SHA-256', { user: await makeCredential('SCRAM-SHA-256', 'pencil') });
    const serverFirst = first(server, 'n,,n=user,r=abc');
    const nonce = serverFirst.slice(2, serverFirst.indexOf(','));
    expect(server.step(Buffer.from(`c=biws,r=${nonce}`)).ok).toBe(false);
  });
});

describe('user names', () => {
  it('unescapes =2C and =3D before looking the user up', () => {
    const lookUp = vi.fn(() => undefined);
    first(new ScramServer('SCRAM-SHA-256', lookUp, DECOY_SECRET), 'n,,n=a=2Cb=3Dc,r=abc');
    expect(lookUp).toHaveBeenCalledWith('a,b=c');
  });
});

describe('an unknown user', () => {
  const bare = (name: string) => `n=${name},r=fyko+d2lbbFgONRv9qkxdawL`;

  it('gets a server-first shaped like a real user\'s, and fails only at the proof, the same way as a wrong password', async () => {
    const users = { user: await makeCredential('SCRAM-SHA-256', 'pencil') };
    const shape = /^r=fyko\+d2lbbFgONRv9qkxdawL[A-Za-z0-9+/=]+,s=[A-Za-z0-9+/]{43}=,i=4096$/;

    const unknown = serverFor('SCRAM-SHA-256', users);
    const unknownFirst = first(unknown, `n,,${bare('nobody')}`);
    const known = serverFor('SCRAM-SHA-256', users);
    const knownFirst = first(known, `n,,${bare('user')}`);
    expect(unknownFirst).toMatch(shape);
    expect(knownFirst).toMatch(shape);

    const unknownFinal = unknown.step(Buffer.from(clientFinal('SCRAM-SHA-256', 'pencil', bare('nobody'), unknownFirst).message));
    const wrongPassword = known.step(Buffer.from(clientFinal('SCRAM-SHA-256', 'not-pencil', bare('user'), knownFirst).message));
    expect(unknownFinal.ok).toBe(false);
    expect(unknownFinal).toEqual(wrongPassword);
  });

  it('gets the same salt on every attempt, and another name a different one', () => {
    // A salt that changed between attempts would tell unknown users from real ones.
    const salt = (name: string) => /,s=([^,]+),/.exec(first(serverFor('SCRAM-SHA-512', {}), `n,,${bare(name)}`))?.[1];
    expect(salt('nobody')).toBe(salt('nobody'));
    expect(salt('nobody')).not.toBe(salt('somebody'));
  });
});

describe('iterations', () => {
  // Kafka's ScramSaslServer fails the exchange when the stored credential has fewer iterations
  // than the mechanism's minimum (4096), as one from a hand-edited users.json could.
  it('refuses to authenticate against a credential of fewer than 4096 iterations, as Kafka does', async () => {
    const salt = randomBytes(16);
    const weak = credentialFromSalted('SCRAM-SHA-256', salt, 1024, pbkdf2Sync('pencil', salt, 1024, 32, 'sha256'));
    const server = serverFor('SCRAM-SHA-256', { user: weak });
    const bare = 'n=user,r=abc';
    const serverFirst = server.step(Buffer.from(`n,,${bare}`));
    const final = serverFirst.ok ? server.step(Buffer.from(clientFinal('SCRAM-SHA-256', 'pencil', bare, serverFirst.reply.toString()).message)) : serverFirst;
    expect(final.ok).toBe(false);
  });

  it('makes no credential of fewer than 4096 iterations', async () => {
    await expect(makeCredential('SCRAM-SHA-256', 'pencil', 1024)).rejects.toThrow(/4096/);
  });
});
