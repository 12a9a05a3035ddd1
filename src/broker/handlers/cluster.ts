// DescribeCluster: this broker is the whole cluster and its controller. It serves the broker
// endpoint only, so a v1 request for controllers gets Kafka's MISMATCHED_ENDPOINT_TYPE.
import { ErrorCode, type ApiKey } from '../../protocol/index.js';
import { defaultDescribeClusterResponse } from '../../protocol/generated/describe-cluster.js';
import { advertisedFor, type Handler } from '../request-context.js';

export const EndpointType = { BROKERS: 1, CONTROLLERS: 2 } as const;

export const describeClusterHandler: Handler<typeof ApiKey.DescribeCluster> = (request, context) => {
  const { broker, apiVersion } = context;
  const endpointProblem = endpointTypeProblem(request.endpointType, apiVersion);
  if (endpointProblem !== null) return { ...defaultDescribeClusterResponse(), ...endpointProblem };
  return {
    ...defaultDescribeClusterResponse(),
    errorCode: ErrorCode.NONE,
    endpointType: EndpointType.BROKERS,
    clusterId: broker.clusterId,
    controllerId: broker.config.nodeId,
    brokers: [{ brokerId: broker.config.nodeId, ...advertisedFor(context), rack: null }],
    clusterAuthorizedOperations: context.broker.authorizer.authorizedOperationsIf(request.includeClusterAuthorizedOperations, context.connection, 'cluster', broker.clusterId),
  };
};

/** Kafka answers v0 with INVALID_REQUEST (the v1 codes do not exist there). */
function endpointTypeProblem(endpointType: number, apiVersion: number): { errorCode: number; errorMessage: string } | null {
  if (endpointType === EndpointType.BROKERS) return null;
  if (endpointType === EndpointType.CONTROLLERS) {
    return {
      errorCode: apiVersion === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.MISMATCHED_ENDPOINT_TYPE,
      errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
    };
  }
  return {
    errorCode: apiVersion === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
    errorMessage: `Unsupported endpoint type ${endpointType}`,
  };
}
