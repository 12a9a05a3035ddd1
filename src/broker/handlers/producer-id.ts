// InitProducerId for idempotent producers: a fresh producer id with epoch 0 every time, as
// Kafka's coordinator gives one when the transactional id is null (the producer bumps its own
// epoch when it must, KIP-360). Transactional ids are not served yet.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultInitProducerIdResponse } from '../../protocol/generated/init-producer-id.js';
import type { Handler } from '../request-context.js';

export const initProducerIdHandler: Handler<typeof ApiKey.InitProducerId> = (request, context) => {
  if (request.transactionalId !== null) {
    context.broker.logger.warn({ transactionalId: request.transactionalId, client: context.clientId }, 'InitProducerId for a transactional id: transactions are not served yet');
    return { ...defaultInitProducerIdResponse(), errorCode: ErrorCode.INVALID_REQUEST };
  }
  return { ...defaultInitProducerIdResponse(), errorCode: ErrorCode.NONE, producerId: context.broker.producerIds.allocate(), producerEpoch: 0 };
};
