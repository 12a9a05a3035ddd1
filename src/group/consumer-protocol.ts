// The topics inside a consumer's JoinGroup metadata (ConsumerProtocolSubscription, protocol type
// "consumer"). The codec has no generated struct for it: it is opaque to the wire protocol.
// Layout (classic encoding in every version 0-3): int16 version, then Topics as an int32 count of
// int16-length strings, then UserData, OwnedPartitions (v1+), GenerationId (v2+), RackId (v3+).
// Only the topics are needed (OffsetDelete refuses topics the group consumes), and Kafka's rule
// is that newer versions only append fields, so any version is read as far as the topics.
import { Reader } from '../protocol/index.js';

/** A topic name takes at least its int16 length. */
const MIN_TOPIC_BYTES = 2;

/** The subscribed topics, or null when the bytes are not a consumer subscription. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  const reader = new Reader(metadata);
  const version = reader.int16();
  if (version < 0) return null;
  const count = reader.arrayCount(false, MIN_TOPIC_BYTES);
  const topics: string[] = [];
  for (let i = 0; i < count && reader.complete(); i++) topics.push(reader.string(false));
  return reader.complete() && count >= 0 ? topics : null;
}
