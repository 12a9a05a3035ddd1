// A fresh sluice broker for one test file: `node dist/cli/sluice.cjs broker` as a child process on
// 127.0.0.1, port 0 for each listener, in a new temp data dir, scalar settings through SLUICE_*
// variables and the security settings (listeners, TLS, users, ACL defaults) in a config file next
// to the broker's log. stop() sends SIGTERM and records how it exited: the broker must exit 0
// after finishing in-flight work.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrokerExit } from './results.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface BrokerUser {
  readonly name: string;
  readonly password: string;
  /** Both SCRAM mechanisms (and PLAIN) when absent. */
  readonly mechanism?: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
}

/** Kafka's security settings, as sluice's config keys (listeners, tls, users, superUsers, ...). */
export interface BrokerSecurity {
  /** One listener per protocol, each on 127.0.0.1 port 0; PLAINTEXT must be among them. */
  readonly listeners: readonly SecurityProtocol[];
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string | null; readonly clientAuth: 'none' | 'requested' | 'required' };
  readonly users: readonly BrokerUser[];
  readonly superUsers: readonly string[];
  readonly allowEveryoneIfNoAclFound: boolean;
  /** connections.max.reauth.ms; 0: never. */
  readonly connectionsMaxReauthMs: number;
}

export interface BrokerSettings {
  readonly numPartitions: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly autoCreateTopics: boolean;
  /** The host Metadata and FindCoordinator tell clients (the listeners stay on 127.0.0.1). */
  readonly advertisedHost: string;
  readonly logLevel: string;
  /** null: one PLAINTEXT listener and nothing else, sluice's defaults. */
  readonly security: BrokerSecurity | null;
}

export interface ChildBroker {
  /** advertisedHost:port of the PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly port: number;
  /** Each listener's advertisedHost:port. */
  readonly addresses: ReadonlyMap<SecurityProtocol, string>;
  /** Set once the broker exits by itself before stop(). */
  readonly diedEarly: () => string | null;
  stop(): Promise<BrokerExit>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/** Starts `<sluiceDir>/dist/cli/sluice.cjs broker`; its stdout and stderr go to logFile. */
export async function startChildBroker(sluiceDir: string, settings: BrokerSettings, logFile: string): Promise<ChildBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-conformance-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLUICE_NUM_PARTITIONS: String(settings.numPartitions),
    SLUICE_GROUP_INITIAL_REBALANCE_DELAY_MS: String(settings.groupInitialRebalanceDelayMs),
    SLUICE_AUTO_CREATE_TOPICS: String(settings.autoCreateTopics),
    SLUICE_ADVERTISED_HOST: settings.advertisedHost,
  };
  const args = [join(sluiceDir, 'dist/cli/sluice.cjs'), 'broker', '--data', dataDir, '--log-level', settings.logLevel];
  if (settings.security === null) args.push('--host', '127.0.0.1', '--port', '0');
  else {
    // JSON is YAML; the broker reads lists (listeners, users) from its --config file.
    const configFile = join(dirname(logFile), 'broker-config.json');
    writeFileSync(configFile, `${JSON.stringify(securityConfig(settings.security), null, 2)}\n`);
    args.push('--config', configFile);
  }
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let early: string | null = null;
  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) early = `broker exited by itself during the test file (code ${code}, signal ${signal})`;
      resolve({ code, signal });
    });
  });
  const ports = await listeningPorts(child, exited);
  const port = ports.get('PLAINTEXT');
  if (port === undefined) {
    child.kill('SIGKILL');
    throw new Error(`the broker printed no PLAINTEXT listener (${[...ports.keys()].join(', ')})`);
  }
  return {
    bootstrap: `${settings.advertisedHost}:${port}`,
    port,
    addresses: new Map([...ports].map(([protocol, p]) => [protocol, `${settings.advertisedHost}:${p}`])),
    diedEarly: () => early,
    stop: async () => {
      const diedBefore = early;
      stopping = true;
      const result = diedBefore === null ? await terminate(child, exited) : { ...(await exited), problem: diedBefore };
      log.end();
      rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

function securityConfig(security: BrokerSecurity): Record<string, unknown> {
  return {
    listeners: security.listeners.map((protocol) => `${protocol}://127.0.0.1:0`),
    // No caFile key at all when there is none (the config file takes no nulls).
    ...(security.tls === undefined ? {} : { tls: Object.fromEntries(Object.entries(security.tls).filter(([, value]) => value !== null)) }),
    users: security.users,
    superUsers: security.superUsers,
    allowEveryoneIfNoAclFound: security.allowEveryoneIfNoAclFound,
    connectionsMaxReauthMs: security.connectionsMaxReauthMs,
  };
}

/**
 * Waits for "... listening on 127.0.0.1:P1, SASL_SSL://127.0.0.1:P2" on stdout (the PLAINTEXT
 * listener is printed without its name) and returns each listener's port.
 */
function listeningPorts(child: ChildProcess, exited: Promise<{ code: number | null }>): Promise<Map<SecurityProtocol, number>> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      action();
    };
    const fail = (why: string): void =>
      settle(() => {
        child.kill('SIGKILL');
        reject(new Error(`sluice broker ${why}; output: ${seen.slice(-2000)}`));
      });
    const timer = setTimeout(() => fail(`did not print its address within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = /listening on ([^\n]+)\n/.exec(seen);
      if (match === null) return;
      const ports = new Map<SecurityProtocol, number>();
      for (const listener of match[1].split(', ')) {
        const parsed = /^(?:([A-Z_]+):\/\/)?[^\s]+:(\d+)$/.exec(listener.trim());
        if (parsed !== null) ports.set((parsed[1] ?? 'PLAINTEXT') as SecurityProtocol, Number(parsed[2]));
      }
      settle(() => resolve(ports));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!settled) seen += chunk.toString();
    });
    void exited.then(({ code }) => fail(`exited with code ${code} before listening`));
  });
}

async function terminate(child: ChildProcess, exited: Promise<{ code: number | null; signal: string | null }>): Promise<BrokerExit> {
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === null) {
    child.kill('SIGKILL');
    await exited;
    return { code: null, signal: 'SIGKILL', problem: `did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (killed)` };
  }
  const problem = result.code === 0 ? null : `exited with code ${result.code}${result.signal ? ` (signal ${result.signal})` : ''} after SIGTERM`;
  return { code: result.code, signal: result.signal, problem };
}
