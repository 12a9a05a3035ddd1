// Key partitioning compatible with the Java client and kafkajs's DefaultPartitioner:
// (murmur2(key bytes) & 0x7fffffff) % partitions, so a key lands on the same partition
// whichever of these clients produced it. Keyless records go round-robin.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 of the key bytes, as a signed 32-bit integer (org.apache.kafka.common.utils.Utils.murmur2). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail bytes, as Java's switch with fall-through does it.
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2] << 16;
  if (tail >= 2) h ^= data[whole + 1] << 8;
  if (tail >= 1) {
    h ^= data[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition for a keyed record. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** Picks partitions: murmur2 for keys, round-robin for keyless records. */
export class DefaultPartitioner {
  private counter = 0;

  partition(key: Uint8Array | null, partitions: number): number {
    if (key !== null) return partitionForKey(key, partitions);
    const chosen = this.counter % partitions;
    this.counter = (this.counter + 1) & 0x7fffffff;
    return chosen;
  }
}
