import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointType, describeClusterHandler } from '../../../src/broker/handlers/cluster.js';
import { ApiKey, ErrorCode } from '../../../src/protocol/index.js';
import { defaultDescribeClusterRequest, type DescribeClusterResponse } from '../../../src/protocol/generated/describe-cluster.js';
import { ADVERTISED, TEST_CLUSTER_ID, TEST_NODE_ID, openTestBroker, overTheWire, type TestBroker } from './context.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await openTestBroker();
});
afterEach(async () => {
  await broker.close();
});

async function describeCluster(version: number, endpointType: number = EndpointType.BROKERS): Promise<DescribeClusterResponse> {
  const request = { ...defaultDescribeClusterRequest(), includeClusterAuthorizedOperations: true, endpointType };
  return overTheWire(ApiKey.DescribeCluster, version, await describeClusterHandler(request, broker.context(version)));
}

describe('DescribeCluster', () => {
  it.each([0, 1])('v%i describes this node as the whole cluster and its controller', async (version) => {
    const response = await describeCluster(version);
    expect(response).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: EndpointType.BROKERS,
      clusterId: TEST_CLUSTER_ID,
      controllerId: TEST_NODE_ID,
      brokers: [{ brokerId: TEST_NODE_ID, host: ADVERTISED.host, port: ADVERTISED.port, rack: null }],
      // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
      clusterAuthorizedOperations: 0b1_1111_1010_0000,
    });
  });

  it('answers a v1 request for controllers with MISMATCHED_ENDPOINT_TYPE and no brokers', async () => {
    const response = await describeCluster(1, EndpointType.CONTROLLERS);
    expect(response).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, brokers: [] });
    expect(response.errorMessage).toMatch(/endpoint of type BROKER/);
  });

  it('answers an unknown endpoint type with UNSUPPORTED_ENDPOINT_TYPE', async () => {
    const response = await describeCluster(1, 9);
    expect(response).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 9' });
  });
});
