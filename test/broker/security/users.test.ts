// UserStore: SCRAM users in <dataDir>/users.json, salted and hashed (never a password), readable
// by the owner only, read back on open, and checked against a password for SASL/PLAIN.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { passwordMatches, saltedPassword, type ScramMechanism } from '../../../src/broker/security/scram.js';
import { UserStore } from '../../../src/broker/security/users.js';
import { tempDir } from '../../helpers/batches.js';

// What a concurrent reader could see of users.json as each write lands, before anything else runs.
const modesOnArrival = vi.hoisted(() => [] as number[]);
vi.mock('../../../src/storage/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/storage/index.js')>();
  const { statSync: stat } = await import('node:fs');
  return {
    ...original,
    writeFileAtomic: (path: string, content: string, mode?: number) => {
      original.writeFileAtomic(path, content, mode);
      modesOnArrival.push(stat(path).mode & 0o777);
    },
  };
});

const PASSWORD = 'correct-horse-battery-staple';
const MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

let temp: ReturnType<typeof tempDir>;
let users: UserStore;
const usersFile = () => join(temp.dir, 'users.json');
const stored = () => JSON.parse(readFileSync(usersFile(), 'utf8')) as { users: Record<string, Record<string, { salt: string; iterations: number }>> };

let umask: number;
beforeAll(() => {
  // The usual umask, so that what the store does about the mode is what the tests see.
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
beforeEach(() => {
  temp = tempDir('sluice-users-');
  users = UserStore.open(temp.dir);
});
afterEach(() => temp.cleanup());

describe('adding, listing and deleting', () => {
  it('adds a user with a credential for each SCRAM mechanism', async () => {
    expect(users.isEmpty).toBe(true);
    await users.setPassword('alice', PASSWORD);
    expect(users.isEmpty).toBe(false);
    expect(users.list()).toEqual([
      {
        name: 'alice',
        mechanisms: [
          { mechanism: 'SCRAM-SHA-256', iterations: 4096 },
          { mechanism: 'SCRAM-SHA-512', iterations: 4096 },
        ],
      },
    ]);
    expect(users.credentials('alice').map(([mechanism]) => mechanism)).toEqual(MECHANISMS);
  });

  it('adds only the mechanisms named', async () => {
    await users.setPassword('bob', PASSWORD, ['SCRAM-SHA-512']);
    expect(users.credential('bob', 'SCRAM-SHA-256')).toBeUndefined();
    expect(users.credential('bob', 'SCRAM-SHA-512')).toBeDefined();
  });

  it('deletes one mechanism, then the user, and says false for what is not there', async () => {
    await users.setPassword('alice', PASSWORD);
    await users.setPassword('bob', PASSWORD);
    expect(users.delete('alice', 'SCRAM-SHA-256')).toBe(true);
    expect(users.delete('alice', 'SCRAM-SHA-256')).toBe(false);
    expect(users.list().find((user) => user.name === 'alice')?.mechanisms).toEqual([{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }]);
    expect(users.delete('alice')).toBe(true);
    expect(users.delete('alice')).toBe(false);
    expect(users.delete('nobody')).toBe(false);
    expect(users.list().map((user) => user.name)).toEqual(['bob']);
    expect(UserStore.open(temp.dir).list().map((user) => user.name)).toEqual(['bob']);
  });

  it('removes the user once its last mechanism is deleted', async () => {
    await users.setPassword('alice', PASSWORD, ['SCRAM-SHA-256']);
    expect(users.delete('alice', 'SCRAM-SHA-256')).toBe(true);
    expect(users.isEmpty).toBe(true);
    expect(stored().users).toEqual({});
  });
});

describe('users.json', () => {
  it('is readable and writable by its owner only', async () => {
    await users.setPassword('alice', PASSWORD);
    expect(statSync(usersFile()).mode & 0o777).toBe(0o600);
    users.delete('alice', 'SCRAM-SHA-512');
    expect(statSync(usersFile()).mode & 0o777).toBe(0o600);
  });

  // users.ts save(): writeFileAtomic creates users.json.tmp with the default mode (0666 & ~umask),
  // renames it over users.json, and only then chmods it: every change leaves the credentials
  // world-readable for a moment, and a crash in between leaves them so.
  it('is never readable by others, not even as the write lands', async () => {
    modesOnArrival.length = 0;
    await users.setPassword('alice', PASSWORD);
    expect(modesOnArrival.map((mode) => mode.toString(8))).toEqual(['600']);
  });

  it('holds no password, in any spelling', async () => {
    await users.setPassword('alice', PASSWORD);
    const text = readFileSync(usersFile(), 'utf8');
    for (const spelling of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex')]) expect(text).not.toContain(spelling);
    expect(Object.keys(JSON.parse(text).users.alice['SCRAM-SHA-256']).sort()).toEqual(['iterations', 'salt', 'serverKey', 'storedKey']);
  });

  it('stores at least 4096 iterations for every credential', async () => {
    await users.setPassword('alice', PASSWORD);
    await users.setPassword('bob', PASSWORD, ['SCRAM-SHA-512']);
    const iterations = Object.values(stored().users).flatMap((byMechanism) => Object.values(byMechanism).map((credential) => credential.iterations));
    expect(iterations).toHaveLength(3);
    for (const count of iterations) expect(count).toBeGreaterThanOrEqual(4096);
  });

  it('salts each credential with its own salt', async () => {
    await users.setPassword('alice', PASSWORD);
    await users.setPassword('bob', PASSWORD);
    const salts = Object.values(stored().users).flatMap((byMechanism) => Object.values(byMechanism).map((credential) => credential.salt));
    expect(new Set(salts).size).toBe(4);
    expect(users.credential('alice', 'SCRAM-SHA-256')?.storedKey).not.toEqual(users.credential('bob', 'SCRAM-SHA-256')?.storedKey);
  });

  it('is read back when the store is opened again', async () => {
    await users.setPassword('alice', PASSWORD);
    await users.setPassword('bob', 'another one', ['SCRAM-SHA-512']);
    const reopened = UserStore.open(temp.dir);
    expect(reopened.list()).toEqual(users.list());
    for (const mechanism of MECHANISMS) expect(reopened.credential('alice', mechanism)).toEqual(users.credential('alice', mechanism));
    expect(await passwordMatches('SCRAM-SHA-512', reopened.credential('bob', 'SCRAM-SHA-512')!, 'another one')).toBe(true);
  });
});

describe('checking a password (SASL/PLAIN)', () => {
  it.each(MECHANISMS)('%s: matches the password the credential was made from, and no other', async (mechanism) => {
    await users.setPassword('alice', PASSWORD);
    const credential = users.credential('alice', mechanism)!;
    expect(await passwordMatches(mechanism, credential, PASSWORD)).toBe(true);
    expect(await passwordMatches(mechanism, credential, `${PASSWORD} `)).toBe(false);
    expect(await passwordMatches(mechanism, credential, '')).toBe(false);
  });

  it('matches after a new password replaces the old one, and the old one no longer does', async () => {
    await users.setPassword('alice', PASSWORD);
    await users.setPassword('alice', 'rotated');
    const credential = users.credential('alice', 'SCRAM-SHA-256')!;
    expect(await passwordMatches('SCRAM-SHA-256', credential, 'rotated')).toBe(true);
    expect(await passwordMatches('SCRAM-SHA-256', credential, PASSWORD)).toBe(false);
  });

  it('matches a credential stored from a salted password (AlterUserScramCredentials)', async () => {
    const salt = Buffer.from('a salt of sixteen');
    users.setSaltedPassword('carol', 'SCRAM-SHA-512', 8192, salt, await saltedPassword('SCRAM-SHA-512', Buffer.from(PASSWORD), salt, 8192));
    const credential = UserStore.open(temp.dir).credential('carol', 'SCRAM-SHA-512')!;
    expect(credential.iterations).toBe(8192);
    expect(await passwordMatches('SCRAM-SHA-512', credential, PASSWORD)).toBe(true);
    expect(await passwordMatches('SCRAM-SHA-512', credential, 'wrong')).toBe(false);
  });
});
