// Redis Streams as a peer (--peers): XADD of 100-byte values to one stream, pipelined, against a
// redis-server of our own with the append-only file on, once with appendfsync always and once
// with everysec. Commands go out pre-encoded (resp.ts).
import type { BenchProfile } from '../../src/cli/bench/cases.js';
import { payload } from '../../src/cli/bench/topics.js';
import type { PeerResult } from '../../src/cli/bench/types.js';
import { encodeCommand, RespConnection } from './resp.js';
import { withPeerServer } from './server.js';
import { runPeerWorkloads, type PeerSender } from './workloads.js';

export type AppendFsync = 'always' | 'everysec';

const DURABILITY: Record<AppendFsync, string> = {
  always: "in the append-only file and fsync'd before the reply",
  everysec: "in the append-only file (OS page cache) before the reply; fsync'd once a second",
};

export function runRedisPeer(binary: string, appendfsync: AppendFsync, profile: BenchProfile): Promise<PeerResult> {
  const args = (port: number, dir: string) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', appendfsync, '--save', '', '--protected-mode', 'no'];
  return withPeerServer(binary, 'redis', args, async (port) => {
    const connection = await RespConnection.open(port);
    try {
      const base = { system: `Redis Streams, appendfsync ${appendfsync}`, version: await serverVersion(connection), durability: DURABILITY[appendfsync] };
      return await runPeerWorkloads(base, xaddSender(connection, payload(100)), profile);
    } finally {
      connection.close();
    }
  });
}

/** XADD bench * v <value>, the same bytes every time; a batch is that many copies in one write. */
function xaddSender(connection: RespConnection, value: Buffer): PeerSender {
  const command = encodeCommand('XADD', 'bench', '*', 'v', value);
  const batches = new Map<number, Buffer>();
  const bytesFor = (count: number): Buffer => {
    let bytes = batches.get(count);
    if (bytes === undefined) batches.set(count, (bytes = Buffer.concat(new Array<Buffer>(count).fill(command))));
    return bytes;
  };
  return {
    async sendBatch(count) {
      const failed = (await connection.send(bytesFor(count), count)).find((reply) => reply instanceof Error);
      if (failed !== undefined) throw failed;
    },
  };
}

async function serverVersion(connection: RespConnection): Promise<string> {
  const [info] = await connection.send(encodeCommand('INFO', 'server'), 1);
  return typeof info === 'string' ? (/^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown') : 'unknown';
}
