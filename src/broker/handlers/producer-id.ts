// InitProducerId. For idempotent producers (no transactional id): a fresh producer id with epoch
// 0 every time, as Kafka's coordinator gives (the producer bumps its own epoch when it must,
// KIP-360). For a transactional id: the transaction coordinator's producer id and bumped epoch,
// the previous producer of the id fenced.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultInitProducerIdResponse } from '../../protocol/generated/init-producer-id.js';
import { AclOperation } from '../authorization.js';
import { authorize, type Handler, type RequestContext } from '../request-context.js';
import { CLUSTER_RESOURCE } from '../security/acls.js';
import { fencedForVersion } from './transactions.js';

export const initProducerIdHandler: Handler<typeof ApiKey.InitProducerId> = async (request, context) => {
  const refusal = initRefusal(context, request.transactionalId);
  if (refusal !== ErrorCode.NONE) return { ...defaultInitProducerIdResponse(), errorCode: refusal };
  if (request.transactionalId === null) {
    return { ...defaultInitProducerIdResponse(), errorCode: ErrorCode.NONE, producerId: context.broker.producerIds.allocate(), producerEpoch: 0 };
  }
  // v3+ may name the producer asking (KIP-360): it must be the id's current one.
  const expected = request.producerId >= 0 ? { producerId: request.producerId, epoch: request.producerEpoch } : null;
  const result = await context.broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected);
  if (result.errorCode !== ErrorCode.NONE || !('value' in result)) return { ...defaultInitProducerIdResponse(), errorCode: fencedForVersion(result.errorCode, context.apiVersion, 4) };
  return { ...defaultInitProducerIdResponse(), producerId: result.value.producerId, producerEpoch: result.value.epoch };
};

/**
 * A transactional producer needs WRITE on its id; an idempotent one IDEMPOTENT_WRITE on the
 * cluster or WRITE on some topic, as Kafka 3.x asks (KIP-679).
 */
function initRefusal(context: RequestContext, transactionalId: string | null): number {
  if (transactionalId !== null) {
    return authorize(context, 'transactionalId', transactionalId, AclOperation.WRITE) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  const mayWrite = authorize(context, 'cluster', CLUSTER_RESOURCE, AclOperation.IDEMPOTENT_WRITE) || context.broker.authorizer.authorizeAny(context.connection, 'topic', AclOperation.WRITE);
  return mayWrite ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}
