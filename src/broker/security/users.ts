// SCRAM users: per user and mechanism a salt, an iteration count, StoredKey and ServerKey, kept in
// <dataDir>/users.json (written atomically, readable by the owner only). No password is stored;
// SASL/PLAIN checks a password against these credentials. Changes take effect at once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../storage/index.js';
import { MIN_ITERATIONS, SCRAM_MECHANISMS, credentialFromSalted, isScramMechanism, makeCredential, type ScramCredential, type ScramMechanism } from './scram.js';

const USERS_FILE = 'users.json';
/** Credentials are secrets even salted: readable by the broker's user only. */
const OWNER_ONLY = 0o600;

type StoredCredential = { salt: string; iterations: number; storedKey: string; serverKey: string };
type StoredUsers = { version: 1; users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>> };

export interface UserListing {
  readonly name: string;
  readonly mechanisms: ReadonlyArray<{ readonly mechanism: ScramMechanism; readonly iterations: number }>;
}

export class UserStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();

  private constructor(private readonly path: string) {}

  static open(dataDir: string): UserStore {
    const store = new UserStore(join(dataDir, USERS_FILE));
    if (existsSync(store.path)) store.load(JSON.parse(readFileSync(store.path, 'utf8')) as StoredUsers);
    return store;
  }

  get isEmpty(): boolean {
    return this.users.size === 0;
  }

  credential(name: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(name)?.get(mechanism);
  }

  /** The user's credentials, any mechanism (what PLAIN checks a password against). */
  credentials(name: string): Array<[ScramMechanism, ScramCredential]> {
    return [...(this.users.get(name) ?? [])];
  }

  list(): UserListing[] {
    return [...this.users].map(([name, byMechanism]) => ({ name, mechanisms: [...byMechanism].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations })) }));
  }

  /** Adds or replaces a user's credential made from a password (both SCRAM mechanisms when none is named). */
  async setPassword(name: string, password: string, mechanisms: readonly ScramMechanism[] = SCRAM_MECHANISMS, iterations = MIN_ITERATIONS): Promise<void> {
    for (const mechanism of mechanisms) this.put(name, mechanism, await makeCredential(mechanism, password, iterations));
    this.save();
  }

  /** AlterUserScramCredentials: the client sent the salted password (Hi), not the password. */
  setSaltedPassword(name: string, mechanism: ScramMechanism, iterations: number, salt: Buffer, salted: Buffer): void {
    this.put(name, mechanism, credentialFromSalted(mechanism, Buffer.from(salt), iterations, Buffer.from(salted)));
    this.save();
  }

  /** Removes one mechanism's credential, or every one; false when there was none. */
  delete(name: string, mechanism?: ScramMechanism): boolean {
    const byMechanism = this.users.get(name);
    if (byMechanism === undefined || (mechanism !== undefined && !byMechanism.has(mechanism))) return false;
    if (mechanism === undefined) this.users.delete(name);
    else byMechanism.delete(mechanism);
    if (byMechanism.size === 0) this.users.delete(name);
    this.save();
    return true;
  }

  private put(name: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    const byMechanism = this.users.get(name) ?? new Map<ScramMechanism, ScramCredential>();
    byMechanism.set(mechanism, credential);
    this.users.set(name, byMechanism);
  }

  private load(stored: StoredUsers): void {
    for (const [name, byMechanism] of Object.entries(stored.users ?? {})) {
      for (const [mechanism, c] of Object.entries(byMechanism)) {
        if (!isScramMechanism(mechanism) || c === undefined) continue;
        this.put(name, mechanism, { salt: Buffer.from(c.salt, 'base64'), iterations: c.iterations, storedKey: Buffer.from(c.storedKey, 'base64'), serverKey: Buffer.from(c.serverKey, 'base64') });
      }
    }
  }

  private save(): void {
    const users: StoredUsers['users'] = {};
    for (const [name, byMechanism] of this.users) {
      users[name] = Object.fromEntries(
        [...byMechanism].map(([mechanism, c]) => [mechanism, { salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') }]),
      );
    }
    writeFileAtomic(this.path, `${JSON.stringify({ version: 1, users } satisfies StoredUsers, null, 2)}\n`, OWNER_ONLY);
  }
}
