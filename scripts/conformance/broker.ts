// A fresh sluice broker for one test file: `node dist/cli/sluice.cjs broker` as a child process on
// 127.0.0.1, port 0, in a new temp data dir, settings through SLUICE_* variables. stop() sends
// SIGTERM and records how it exited: the broker must exit 0 after finishing in-flight work.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerExit } from './results.js';

export interface BrokerSettings {
  readonly numPartitions: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly autoCreateTopics: boolean;
  /** The host Metadata and FindCoordinator tell clients (the listener stays on 127.0.0.1). */
  readonly advertisedHost: string;
  readonly logLevel: string;
}

export interface ChildBroker {
  readonly bootstrap: string;
  readonly port: number;
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
  const child = spawn(
    process.execPath,
    [join(sluiceDir, 'dist/cli/sluice.cjs'), 'broker', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--log-level', settings.logLevel],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
  const port = await listeningPort(child, exited);
  return {
    bootstrap: `${settings.advertisedHost}:${port}`,
    port,
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

/** Waits for "... listening on host:port" on stdout. */
function listeningPort(child: ChildProcess, exited: Promise<{ code: number | null }>): Promise<number> {
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
      const match = /listening on [^\s:]+:(\d+)/.exec(seen);
      if (match) settle(() => resolve(Number(match[1])));
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
