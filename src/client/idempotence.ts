// What makes the producer idempotent, as the Java client is since 3.0: a producer id and epoch
// from InitProducerId, and per partition the sequence of the next record. A batch takes its
// sequences when it is first encoded, and a retry resends the same bytes, so the broker can tell
// a retry from new data and store it once. One batch per partition is in flight at a time
// (accumulator.ts), so sequences reach each partition in order.
//
// A batch given up on after being sent leaves its partition's sequence in doubt (it may or may
// not be stored), so the producer then bumps its epoch and starts every partition at sequence 0
// again, as the Java client does (KIP-360); past the largest epoch it asks for a new id.
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';

const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fffffff;

/** The producer fields of one batch header. */
export interface BatchIdentity {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Part of a transaction (attribute bit 4). */
  readonly transactional: boolean;
}

/** Where a transactional producer's id and epoch come from (its TransactionManager); idempotent producers ask InitProducerId themselves. */
export type ProducerIdSource = () => Promise<{ producerId: number; epoch: number }>;

export class ProducerIdentity {
  private producerId = -1;
  private epoch = -1;
  private readonly nextSequence = new Map<string, number>();
  private initializing: Promise<boolean> | null = null;

  constructor(
    private readonly cluster: Cluster,
    /** Told once when the broker offers no InitProducerId and the producer goes on without idempotence. */
    private readonly warn: (message: string) => void,
    /** A transactional producer's source of ids; its batches are marked transactional. */
    private readonly transactional: ProducerIdSource | null = null,
  ) {}

  /** Asks for a producer id once; false when the broker offers none (sends then carry no producer id). */
  ready(): Promise<boolean> {
    this.initializing ??= this.initialize().catch((error: unknown) => {
      this.initializing = null; // a later send tries again
      throw error;
    });
    return this.initializing;
  }

  /** The producer id, epoch and first sequence for a batch of `count` records; null when not idempotent. */
  take(topic: string, partition: number, count: number): BatchIdentity | null {
    if (this.producerId < 0) return null;
    const key = `${topic}\u0000${partition}`;
    const baseSequence = this.nextSequence.get(key) ?? 0;
    this.nextSequence.set(key, (baseSequence + count) % (INT32_MAX + 1));
    return { producerId: this.producerId, producerEpoch: this.epoch, baseSequence, transactional: this.transactional !== null };
  }

  /**
   * A sent batch was given up on: its sequences are in doubt, so start over in a new epoch. A
   * transactional producer gets it from the coordinator (InitProducerId naming its current id
   * and epoch) before its next batch.
   */
  sequencesInDoubt(): void {
    if (this.producerId < 0) return;
    this.nextSequence.clear();
    if (this.transactional !== null) {
      this.producerId = -1;
      this.initializing = null;
    } else if (this.epoch < INT16_MAX) {
      this.epoch += 1;
    } else {
      this.producerId = -1;
      this.initializing = null;
    }
  }

  private async initialize(): Promise<boolean> {
    if (this.transactional !== null) {
      const { producerId, epoch } = await this.transactional();
      this.producerId = producerId;
      this.epoch = epoch;
      this.nextSequence.clear();
      return true;
    }
    const connection = await this.cluster.anyConnection();
    await connection.connect();
    if (connection.apiVersions?.has(ApiKey.InitProducerId) !== true) {
      this.warn(`the broker at ${connection.address} offers no InitProducerId: sending without idempotence`);
      return false;
    }
    const reply = await connection.request(ApiKey.InitProducerId, () => ({ transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 }));
    const { errorCode, producerId, producerEpoch } = reply.body;
    if (errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(errorCode, { detail: 'InitProducerId' });
    this.producerId = producerId;
    this.epoch = producerEpoch;
    this.nextSequence.clear();
    return true;
  }
}
