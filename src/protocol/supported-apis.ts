// The one table of Kafka APIs we speak (NOTES.md §1, "We support" column). It drives two things:
// scripts/generate-protocol.ts emits codecs for exactly these version ranges, and the
// ApiVersions response advertises them. Change a range here, rerun the generator, done.

export interface SupportedApi {
  /** Kafka's API key. */
  readonly apiKey: number;
  /** Schema name without the Request/Response suffix, e.g. 'ListOffsets'. */
  readonly name: string;
  /** Lowest version the codec handles (and the broker serves). */
  readonly minVersion: number;
  /** Highest version the codec handles and we advertise. */
  readonly maxVersion: number;
  /**
   * Lowest version we advertise in ApiVersions when it differs from minVersion. Produce
   * advertises 0 because librdkafka only enables gzip/snappy/lz4 when the Produce range
   * contains 0 (NOTES.md §1b.2); requests below minVersion are still rejected.
   */
  readonly advertisedMinVersion?: number;
}

export const SUPPORTED_APIS: readonly SupportedApi[] = [
  { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 11, advertisedMinVersion: 0 },
  { apiKey: 1, name: 'Fetch', minVersion: 4, maxVersion: 17 },
  { apiKey: 2, name: 'ListOffsets', minVersion: 1, maxVersion: 7 },
  { apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 12 },
  { apiKey: 8, name: 'OffsetCommit', minVersion: 2, maxVersion: 9 },
  { apiKey: 9, name: 'OffsetFetch', minVersion: 1, maxVersion: 9 },
  { apiKey: 10, name: 'FindCoordinator', minVersion: 0, maxVersion: 6 },
  { apiKey: 11, name: 'JoinGroup', minVersion: 0, maxVersion: 9 },
  { apiKey: 12, name: 'Heartbeat', minVersion: 0, maxVersion: 4 },
  { apiKey: 13, name: 'LeaveGroup', minVersion: 0, maxVersion: 5 },
  { apiKey: 14, name: 'SyncGroup', minVersion: 0, maxVersion: 5 },
  { apiKey: 15, name: 'DescribeGroups', minVersion: 0, maxVersion: 5 },
  { apiKey: 16, name: 'ListGroups', minVersion: 0, maxVersion: 5 },
  { apiKey: 17, name: 'SaslHandshake', minVersion: 0, maxVersion: 1 },
  { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 4 },
  { apiKey: 19, name: 'CreateTopics', minVersion: 2, maxVersion: 7 },
  { apiKey: 20, name: 'DeleteTopics', minVersion: 1, maxVersion: 6 },
  { apiKey: 21, name: 'DeleteRecords', minVersion: 0, maxVersion: 2 },
  { apiKey: 22, name: 'InitProducerId', minVersion: 0, maxVersion: 5 },
  { apiKey: 24, name: 'AddPartitionsToTxn', minVersion: 0, maxVersion: 3 },
  { apiKey: 25, name: 'AddOffsetsToTxn', minVersion: 0, maxVersion: 4 },
  { apiKey: 26, name: 'EndTxn', minVersion: 0, maxVersion: 4 },
  { apiKey: 28, name: 'TxnOffsetCommit', minVersion: 0, maxVersion: 4 },
  { apiKey: 29, name: 'DescribeAcls', minVersion: 0, maxVersion: 3 },
  { apiKey: 30, name: 'CreateAcls', minVersion: 0, maxVersion: 3 },
  { apiKey: 31, name: 'DeleteAcls', minVersion: 0, maxVersion: 3 },
  { apiKey: 32, name: 'DescribeConfigs', minVersion: 1, maxVersion: 4 },
  { apiKey: 33, name: 'AlterConfigs', minVersion: 0, maxVersion: 2 },
  { apiKey: 36, name: 'SaslAuthenticate', minVersion: 0, maxVersion: 2 },
  { apiKey: 37, name: 'CreatePartitions', minVersion: 0, maxVersion: 3 },
  { apiKey: 42, name: 'DeleteGroups', minVersion: 0, maxVersion: 2 },
  { apiKey: 44, name: 'IncrementalAlterConfigs', minVersion: 0, maxVersion: 1 },
  { apiKey: 47, name: 'OffsetDelete', minVersion: 0, maxVersion: 0 },
  { apiKey: 50, name: 'DescribeUserScramCredentials', minVersion: 0, maxVersion: 0 },
  { apiKey: 51, name: 'AlterUserScramCredentials', minVersion: 0, maxVersion: 0 },
  { apiKey: 60, name: 'DescribeCluster', minVersion: 0, maxVersion: 1 },
  { apiKey: 61, name: 'DescribeProducers', minVersion: 0, maxVersion: 0 },
  { apiKey: 65, name: 'DescribeTransactions', minVersion: 0, maxVersion: 0 },
  { apiKey: 66, name: 'ListTransactions', minVersion: 0, maxVersion: 1 },
];

/** Version ranges of the request/response headers the codec handles (v0 request header is ControlledShutdown-only). */
export const SUPPORTED_HEADERS = {
  RequestHeader: { minVersion: 1, maxVersion: 2 },
  ResponseHeader: { minVersion: 0, maxVersion: 1 },
} as const;

/** One entry of an ApiVersions response. */
export interface AdvertisedApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** What ApiVersions advertises: every supported API with its advertised range, by ascending key. */
export function advertisedApiVersions(): AdvertisedApiVersion[] {
  return SUPPORTED_APIS.map((api) => ({
    apiKey: api.apiKey,
    minVersion: api.advertisedMinVersion ?? api.minVersion,
    maxVersion: api.maxVersion,
  }));
}
