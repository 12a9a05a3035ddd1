// InitProducerId. For idempotent producers (no transactional id): a fresh producer id with epoch
// 0 every time, as Kafka's coordinator gives (the producer bumps its own epoch when it must,
// KIP-360). For a transactional id: the transaction coordinator's producer id and bumped epoch,
// the previous producer of the id fenced.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultInitProducerIdResponse } from '../../protocol/generated/init-producer-id.js';
import type { Handler } from '../request-context.js';

export const initProducerIdHandler: Handler<typeof ApiKey.InitProducerId> = async (request, context) => {
  if (request.transactionalId === null) {
    return { ...defaultInitProducerIdResponse(), errorCode: ErrorCode.NONE, producerId: context.broker.producerIds.allocate(), producerEpoch: 0 };
  }
  // v3+ may name the producer asking (KIP-360): it must be the id's current one.
  const expected = request.producerId >= 0 ? { producerId: request.producerId, epoch: request.producerEpoch } : null;
  const result = await context.broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
  if (result.errorCode !== ErrorCode.NONE || !('value' in result)) return { ...defaultInitProducerIdResponse(), errorCode: result.errorCode };
  return { ...defaultInitProducerIdResponse(), producerId: result.value.producerId, producerEpoch: result.value.epoch };
};
