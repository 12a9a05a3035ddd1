// Kafka's error codes: ONE table (name -> code, retriable, message), from which the ErrorCode
// constants and the lookup by code are derived. Names and retriable flags follow Kafka's
// Errors.java (retriable = the client may retry the same request as is); the list covers
// NOTES.md §10, the group coordinator's errors (§7) and the rest of the codes up to 120.

const ERRORS = {
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false, message: 'The server experienced an unexpected error when processing the request.' },
  NONE: { code: 0, retriable: false, message: 'No error.' },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false, message: 'The requested offset is not within the range of offsets maintained by the server.' },
  CORRUPT_MESSAGE: { code: 2, retriable: true, message: 'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.' },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true, message: 'This server does not host this topic-partition.' },
  INVALID_FETCH_SIZE: { code: 4, retriable: false, message: 'The requested fetch size is invalid.' },
  LEADER_NOT_AVAILABLE: { code: 5, retriable: true, message: 'There is no leader for this topic-partition as we are in the middle of a leadership election.' },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true, message: 'For requests intended only for the leader, this error indicates that the broker is not the current leader.' },
  REQUEST_TIMED_OUT: { code: 7, retriable: true, message: 'The request timed out.' },
  BROKER_NOT_AVAILABLE: { code: 8, retriable: false, message: 'The broker is not available.' },
  REPLICA_NOT_AVAILABLE: { code: 9, retriable: true, message: 'The replica is not available for the requested topic-partition.' },
  MESSAGE_TOO_LARGE: { code: 10, retriable: false, message: 'The request included a message larger than the max message size the server will accept.' },
  STALE_CONTROLLER_EPOCH: { code: 11, retriable: false, message: 'The controller moved to another broker.' },
  OFFSET_METADATA_TOO_LARGE: { code: 12, retriable: false, message: 'The metadata field of the offset request was too large.' },
  NETWORK_EXCEPTION: { code: 13, retriable: true, message: 'The server disconnected before a response was received.' },
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, retriable: true, message: "The coordinator is loading and hence can't process requests." },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true, message: 'The coordinator is not available.' },
  NOT_COORDINATOR: { code: 16, retriable: true, message: 'This is not the correct coordinator.' },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false, message: 'The request attempted to perform an operation on an invalid topic.' },
  RECORD_LIST_TOO_LARGE: { code: 18, retriable: false, message: 'The request included message batch larger than the configured segment size on the server.' },
  NOT_ENOUGH_REPLICAS: { code: 19, retriable: true, message: 'Messages are rejected since there are fewer in-sync replicas than required.' },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, retriable: true, message: 'Messages are written to the log, but to fewer in-sync replicas than required.' },
  INVALID_REQUIRED_ACKS: { code: 21, retriable: false, message: 'Produce request specified an invalid value for required acks.' },
  ILLEGAL_GENERATION: { code: 22, retriable: false, message: 'Specified group generation id is not valid.' },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false, message: "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list." },
  INVALID_GROUP_ID: { code: 24, retriable: false, message: 'The group id is invalid.' },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false, message: 'The coordinator is not aware of this member.' },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false, message: 'The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).' },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false, message: 'The group is rebalancing, so a rejoin is needed.' },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, retriable: false, message: 'The committing offset data size is not valid.' },
  TOPIC_AUTHORIZATION_FAILED: { code: 29, retriable: false, message: 'Topic authorization failed.' },
  GROUP_AUTHORIZATION_FAILED: { code: 30, retriable: false, message: 'Group authorization failed.' },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, retriable: false, message: 'Cluster authorization failed.' },
  INVALID_TIMESTAMP: { code: 32, retriable: false, message: 'The timestamp of the message is out of acceptable range.' },
  UNSUPPORTED_SASL_MECHANISM: { code: 33, retriable: false, message: 'The broker does not support the requested SASL mechanism.' },
  ILLEGAL_SASL_STATE: { code: 34, retriable: false, message: 'Request is not valid given the current SASL state.' },
  UNSUPPORTED_VERSION: { code: 35, retriable: false, message: 'The version of API is not supported.' },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false, message: 'Topic with this name already exists.' },
  INVALID_PARTITIONS: { code: 37, retriable: false, message: 'Number of partitions is below 1.' },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false, message: 'Replication factor is below 1 or larger than the number of available brokers.' },
  INVALID_REPLICA_ASSIGNMENT: { code: 39, retriable: false, message: 'Replica assignment is invalid.' },
  INVALID_CONFIG: { code: 40, retriable: false, message: 'Configuration is invalid.' },
  NOT_CONTROLLER: { code: 41, retriable: true, message: 'This is not the correct controller for this cluster.' },
  INVALID_REQUEST: { code: 42, retriable: false, message: 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker.' },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 43, retriable: false, message: 'The message format version on the broker does not support the request.' },
  POLICY_VIOLATION: { code: 44, retriable: false, message: 'Request parameters do not satisfy the configured policy.' },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false, message: 'The broker received an out of order sequence number.' },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false, message: 'The broker received a duplicate sequence number.' },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false, message: "Producer attempted to produce with an old epoch." },
  INVALID_TXN_STATE: { code: 48, retriable: false, message: 'The producer attempted a transactional operation in an invalid state.' },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, retriable: false, message: 'The producer attempted to use a producer id which is not currently assigned to its transactional id.' },
  INVALID_TRANSACTION_TIMEOUT: { code: 50, retriable: false, message: 'The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).' },
  CONCURRENT_TRANSACTIONS: { code: 51, retriable: true, message: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.' },
  TRANSACTION_COORDINATOR_FENCED: { code: 52, retriable: false, message: 'Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.' },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 53, retriable: false, message: 'Transactional Id authorization failed.' },
  SECURITY_DISABLED: { code: 54, retriable: false, message: 'Security features are disabled.' },
  OPERATION_NOT_ATTEMPTED: { code: 55, retriable: false, message: 'The broker did not attempt to execute this operation.' },
  KAFKA_STORAGE_ERROR: { code: 56, retriable: true, message: 'Disk error when trying to access log file on the disk.' },
  LOG_DIR_NOT_FOUND: { code: 57, retriable: false, message: 'The user-specified log directory is not found in the broker config.' },
  SASL_AUTHENTICATION_FAILED: { code: 58, retriable: false, message: 'SASL Authentication failed.' },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false, message: 'The broker could not locate the producer metadata associated with the producer id in question.' },
  REASSIGNMENT_IN_PROGRESS: { code: 60, retriable: false, message: 'A partition reassignment is in progress.' },
  DELEGATION_TOKEN_AUTH_DISABLED: { code: 61, retriable: false, message: 'Delegation Token feature is not enabled.' },
  DELEGATION_TOKEN_NOT_FOUND: { code: 62, retriable: false, message: 'Delegation Token is not found on server.' },
  DELEGATION_TOKEN_OWNER_MISMATCH: { code: 63, retriable: false, message: 'Specified Principal is not valid Owner/Renewer.' },
  DELEGATION_TOKEN_REQUEST_NOT_ALLOWED: { code: 64, retriable: false, message: 'Delegation Token requests are not allowed on PLAINTEXT/1-way SSL channels and on delegation token authenticated channels.' },
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: { code: 65, retriable: false, message: 'Delegation Token authorization failed.' },
  DELEGATION_TOKEN_EXPIRED: { code: 66, retriable: false, message: 'Delegation Token is expired.' },
  INVALID_PRINCIPAL_TYPE: { code: 67, retriable: false, message: 'Supplied principalType is not supported.' },
  NON_EMPTY_GROUP: { code: 68, retriable: false, message: 'The group is not empty.' },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false, message: 'The group id does not exist.' },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, retriable: true, message: 'The fetch session ID was not found.' },
  INVALID_FETCH_SESSION_EPOCH: { code: 71, retriable: true, message: 'The fetch session epoch is invalid.' },
  LISTENER_NOT_FOUND: { code: 72, retriable: true, message: 'There is no listener on the leader broker that matches the listener on which metadata request was processed.' },
  TOPIC_DELETION_DISABLED: { code: 73, retriable: false, message: 'Topic deletion is disabled.' },
  FENCED_LEADER_EPOCH: { code: 74, retriable: true, message: 'The leader epoch in the request is older than the epoch on the broker.' },
  UNKNOWN_LEADER_EPOCH: { code: 75, retriable: true, message: 'The leader epoch in the request is newer than the epoch on the broker.' },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 76, retriable: false, message: 'The requesting client does not support the compression type of given partition.' },
  STALE_BROKER_EPOCH: { code: 77, retriable: false, message: 'Broker epoch has changed.' },
  OFFSET_NOT_AVAILABLE: { code: 78, retriable: true, message: 'The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.' },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false, message: 'The group member needs to have a valid member id before actually entering a consumer group.' },
  PREFERRED_LEADER_NOT_AVAILABLE: { code: 80, retriable: true, message: 'The preferred leader was not available.' },
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false, message: 'The group has reached its maximum size.' },
  FENCED_INSTANCE_ID: { code: 82, retriable: false, message: 'The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.' },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: { code: 83, retriable: true, message: 'Eligible topic partition leaders are not available.' },
  ELECTION_NOT_NEEDED: { code: 84, retriable: true, message: 'Leader election not needed for topic partition.' },
  NO_REASSIGNMENT_IN_PROGRESS: { code: 85, retriable: false, message: 'No partition reassignment is in progress.' },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 86, retriable: false, message: 'Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.' },
  INVALID_RECORD: { code: 87, retriable: false, message: 'This record has failed the validation on broker and hence will be rejected.' },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true, message: 'There are unstable offsets that need to be cleared.' },
  THROTTLING_QUOTA_EXCEEDED: { code: 89, retriable: true, message: 'The throttling quota has been exceeded.' },
  PRODUCER_FENCED: { code: 90, retriable: false, message: 'There is a newer producer with the same transactionalId which fences the current one.' },
  RESOURCE_NOT_FOUND: { code: 91, retriable: false, message: 'A request illegally referred to a resource that does not exist.' },
  DUPLICATE_RESOURCE: { code: 92, retriable: false, message: 'A request illegally referred to the same resource twice.' },
  UNACCEPTABLE_CREDENTIAL: { code: 93, retriable: false, message: 'Requested credential would not meet criteria for acceptability.' },
  INCONSISTENT_VOTER_SET: { code: 94, retriable: false, message: 'Indicates that the either the sender or recipient of a voter-only request is not one of the expected voters.' },
  INVALID_UPDATE_VERSION: { code: 95, retriable: false, message: 'The given update version was invalid.' },
  FEATURE_UPDATE_FAILED: { code: 96, retriable: false, message: 'Unable to update finalized features due to an unexpected server error.' },
  PRINCIPAL_DESERIALIZATION_FAILURE: { code: 97, retriable: false, message: 'Request principal deserialization failed during forwarding.' },
  SNAPSHOT_NOT_FOUND: { code: 98, retriable: false, message: 'Requested snapshot was not found.' },
  POSITION_OUT_OF_RANGE: { code: 99, retriable: false, message: 'Requested position is not greater than or equal to zero, and less than the size of the snapshot.' },
  UNKNOWN_TOPIC_ID: { code: 100, retriable: true, message: 'This server does not host this topic ID.' },
  DUPLICATE_BROKER_REGISTRATION: { code: 101, retriable: false, message: 'This broker ID is already in use.' },
  BROKER_ID_NOT_REGISTERED: { code: 102, retriable: false, message: 'The given broker ID was not registered.' },
  INCONSISTENT_TOPIC_ID: { code: 103, retriable: true, message: 'The log\'s topic ID did not match the topic ID in the request.' },
  INCONSISTENT_CLUSTER_ID: { code: 104, retriable: false, message: 'The clusterId in the request does not match that found on the server.' },
  TRANSACTIONAL_ID_NOT_FOUND: { code: 105, retriable: false, message: 'The transactionalId could not be found.' },
  FETCH_SESSION_TOPIC_ID_ERROR: { code: 106, retriable: true, message: 'The fetch session encountered inconsistent topic ID usage.' },
  INELIGIBLE_REPLICA: { code: 107, retriable: false, message: 'The new ISR contains at least one ineligible replica.' },
  NEW_LEADER_ELECTED: { code: 108, retriable: false, message: 'The AlterPartition request successfully updated the partition state but the leader has changed.' },
  OFFSET_MOVED_TO_TIERED_STORAGE: { code: 109, retriable: false, message: 'The requested offset is moved to tiered storage.' },
  FENCED_MEMBER_EPOCH: { code: 110, retriable: false, message: 'The member epoch is fenced by the group coordinator. The member must abandon all its partitions and rejoin.' },
  UNRELEASED_INSTANCE_ID: { code: 111, retriable: false, message: 'The instance ID is still used by another member in the consumer group. That member must leave first.' },
  UNSUPPORTED_ASSIGNOR: { code: 112, retriable: false, message: 'The assignor or its version range is not supported by the consumer group.' },
  STALE_MEMBER_EPOCH: { code: 113, retriable: false, message: 'The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API.' },
  MISMATCHED_ENDPOINT_TYPE: { code: 114, retriable: false, message: 'The request was sent to an endpoint of the wrong type.' },
  UNSUPPORTED_ENDPOINT_TYPE: { code: 115, retriable: false, message: 'This endpoint type is not supported yet.' },
  UNKNOWN_CONTROLLER_ID: { code: 116, retriable: false, message: 'This controller ID is not known.' },
  UNKNOWN_SUBSCRIPTION_ID: { code: 117, retriable: false, message: 'Client sent a push telemetry request with an invalid or outdated subscription ID.' },
  TELEMETRY_TOO_LARGE: { code: 118, retriable: false, message: 'Client sent a push telemetry request larger than the maximum size the broker will accept.' },
  INVALID_REGISTRATION: { code: 119, retriable: false, message: 'The controller has considered the broker registration to be invalid.' },
  TRANSACTION_ABORTABLE: { code: 120, retriable: false, message: 'The server encountered an error with the transaction. The client can abort the transaction to continue using this transactional ID.' },
} as const;

export type ErrorName = keyof typeof ERRORS;

/** Error codes by name: `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION === 3`. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(Object.entries(ERRORS).map(([name, info]) => [name, info.code])),
) as { readonly [K in ErrorName]: (typeof ERRORS)[K]['code'] };

export type ErrorCode = (typeof ErrorCode)[ErrorName];

export interface KafkaErrorInfo {
  readonly code: number;
  readonly name: ErrorName;
  readonly retriable: boolean;
  readonly message: string;
}

const BY_CODE = new Map<number, KafkaErrorInfo>(
  Object.entries(ERRORS).map(([name, info]) => [info.code, { ...info, name: name as ErrorName }]),
);

/** Everything known about an error code, or undefined for a code not in the table. */
export function errorByCode(code: number): KafkaErrorInfo | undefined {
  return BY_CODE.get(code);
}

/** Every known error, by ascending code. */
export function allErrors(): KafkaErrorInfo[] {
  return [...BY_CODE.values()].sort((a, b) => a.code - b.code);
}
