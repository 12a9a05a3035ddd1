// A broker in a child process (the built CLI, `sluice broker`), for tests that kill it: started
// on port 0 over a data directory with the backend chosen by SLUICE_NATIVE, and killed with
// SIGKILL, as a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

const BIN = join(import.meta.dirname, '../../dist/cli/sluice.cjs');

export interface BrokerProcess {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Starts a broker over `dataDir`; `native` is SLUICE_NATIVE ('1' native, '0' the TypeScript backend). */
export async function startBrokerProcess(dataDir: string, native: string): Promise<BrokerProcess> {
  const child = spawn(process.execPath, [BIN, 'broker', '--port', '0', '--data', dataDir, '--log-level', 'warn'], {
    env: { ...process.env, SLUICE_NATIVE: native },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 15_000 }).toMatch(/listening on 127\.0\.0\.1:(\d+)/);
  return { child, port: Number(/listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1]) };
}

/** SIGKILL, and resolves once the process is gone. */
export function killBroker(broker: BrokerProcess): Promise<void> {
  return new Promise((resolve) => {
    broker.child.once('exit', () => resolve());
    broker.child.kill('SIGKILL');
  });
}
