// Just enough of Redis's protocol (RESP2) for the peer benchmark: commands encoded once up front,
// and replies read off a socket in order. The load generator writes pre-encoded bytes, so that
// encoding commands is not what is measured (ioredis topped out near 210k XADD/s here, under
// what redis-server itself takes).
import { connect, type Socket } from 'node:net';

/** One command as RESP bytes: an array of bulk strings. */
export function encodeCommand(...parts: ReadonlyArray<string | Buffer>): Buffer {
  const pieces: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part;
    pieces.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(pieces);
}

/** A reply: a string (simple or bulk), an integer, null, or an Error for an error reply. */
export type Reply = string | number | null | Error;

/** A connection that writes commands and hands back their replies in order. */
export class RespConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ left: number; replies: Reply[]; resolve: (replies: Reply[]) => void }> = [];

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.waiting.splice(0).forEach((w) => w.resolve([...w.replies, new Error('connection closed')])));
  }

  static open(port: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RespConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes `bytes` holding `count` commands; resolves with their replies. */
  send(bytes: Buffer, count: number): Promise<Reply[]> {
    return new Promise((resolve) => {
      this.waiting.push({ left: count, replies: [], resolve });
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let at = 0;
    for (;;) {
      const parsed = parseReply(this.buffered, at);
      if (parsed === null) break;
      at = parsed.next;
      this.deliver(parsed.reply);
    }
    this.buffered = this.buffered.subarray(at);
  }

  private deliver(reply: Reply): void {
    const head = this.waiting[0];
    if (head === undefined) return;
    head.replies.push(reply);
    if (--head.left === 0) {
      this.waiting.shift();
      head.resolve(head.replies);
    }
  }
}

/** The reply starting at `at`, or null when its bytes have not all arrived. Arrays are not needed here. */
export function parseReply(buffer: Buffer, at: number): { reply: Reply; next: number } | null {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd === -1) return null;
  const line = buffer.toString('latin1', at + 1, lineEnd);
  switch (buffer[at]) {
    case 0x2b: // '+'
      return { reply: line, next: lineEnd + 2 };
    case 0x2d: // '-'
      return { reply: new Error(line), next: lineEnd + 2 };
    case 0x3a: // ':'
      return { reply: Number(line), next: lineEnd + 2 };
    case 0x24: {
      // '$'
      const length = Number(line);
      if (length < 0) return { reply: null, next: lineEnd + 2 };
      const end = lineEnd + 2 + length;
      if (buffer.length < end + 2) return null;
      return { reply: buffer.toString('utf8', lineEnd + 2, end), next: end + 2 };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(String.fromCharCode(buffer[at]))}`);
  }
}
