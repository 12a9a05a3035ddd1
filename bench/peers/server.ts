// A peer's server for one run: its own process on a free port, with its data in a fresh
// temporary directory, stopped and cleaned up whatever happens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnProcess, untilListening } from '../../src/cli/bench/process.js';

/** Starts `binary` with `args(port, dir)`, runs `use` once it accepts connections, then stops it and removes the directory. */
export async function withPeerServer<T>(binary: string, name: string, args: (port: number, dir: string) => string[], use: (port: number) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `sluice-bench-${name}-`));
  const port = await freePort();
  const server = spawnProcess(binary, args(port, dir), port);
  try {
    await untilListening(server);
    return await use(port);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
