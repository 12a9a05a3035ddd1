// Producer ids, unique and never handed out twice, across restarts too. As Kafka's controller
// does, ids are reserved a block at a time: the end of the block is written (atomically, synced)
// before the first id of the block is given, so a restart continues after the whole block and
// a crash only skips the ids of a block that were never given.
import { join } from 'node:path';
import { readOffsetFile, writeFileAtomic } from '../storage/index.js';

const BLOCK_FILE = 'producer-id-block';
export const PRODUCER_ID_BLOCK = 1000;

export class ProducerIdAllocator {
  private next: number;
  private blockEnd: number;

  private constructor(private readonly path: string, reservedUpTo: number) {
    this.next = reservedUpTo;
    this.blockEnd = reservedUpTo;
  }

  static open(dataDir: string): ProducerIdAllocator {
    const path = join(dataDir, BLOCK_FILE);
    return new ProducerIdAllocator(path, readOffsetFile(path, 0));
  }

  /** A producer id no one has had. */
  allocate(): number {
    if (this.next === this.blockEnd) {
      writeFileAtomic(this.path, `${this.blockEnd + PRODUCER_ID_BLOCK}\n`);
      this.blockEnd += PRODUCER_ID_BLOCK;
    }
    return this.next++;
  }
}
