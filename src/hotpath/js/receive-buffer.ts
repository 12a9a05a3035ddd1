// Memory for a large socket read. The TypeScript backend has no way to learn when the garbage
// collector frees a buffer, so it cannot reuse one safely: each read gets fresh memory.

export function allocateReceiveBuffer(length: number): Buffer {
  return Buffer.allocUnsafe(length);
}
