// Positional gathered writes for segment appends: fs.writev at an explicit position, looped
// over short writes (a kernel may take part of the iovec, libuv caps a call at IOV_MAX
// buffers), then fdatasync on request. The callback API runs on the libuv pool like native.
import * as fs from 'node:fs';

function writev(fd: number, buffers: Uint8Array[], position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.writev(fd, buffers, position, (err, bytesWritten) => (err ? reject(err) : resolve(bytesWritten)));
  });
}

function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

/** The buffers still to write after `written` bytes of `buffers` went out (exported for tests). */
export function dropWritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let index = 0;
  while (index < buffers.length && written >= buffers[index].length) {
    written -= buffers[index].length;
    index++;
  }
  const rest = buffers.slice(index);
  if (rest.length > 0 && written > 0) rest[0] = rest[0].subarray(written);
  return rest;
}

/** See HotPath.appendFile. */
export async function appendFile(fd: number, position: number, buffers: readonly Uint8Array[], sync: boolean): Promise<void> {
  // Empty buffers would make a zero-byte write look like no progress; they carry nothing.
  let pending = buffers.filter((buffer) => buffer.length > 0);
  while (pending.length > 0) {
    const written = await writev(fd, pending, position);
    if (written === 0) throw Object.assign(new Error('appendFile: write made no progress'), { code: 'EIO', syscall: 'write' });
    position += written;
    pending = dropWritten(pending, written);
  }
  if (sync) await fdatasync(fd);
}
