// Where a transaction's end reaches on this broker: the partition logs, which get the COMMIT or
// ABORT marker, and the group coordinator, which commits or drops the transaction's staged offsets.
import type { GroupCoordinator } from '../group/coordinator.js';
import type { TransactionEnds } from '../group/txn-completion.js';
import type { TopicRegistry } from './topic-registry.js';

export function transactionEnds(registry: TopicRegistry, groups: () => GroupCoordinator): TransactionEnds {
  return {
    writeMarker: async (topic, partition, marker) => {
      const log = registry.get(topic)?.logs[partition];
      if (log === undefined) return false;
      await log.appendMarker(marker);
      return true;
    },
    endGroupOffsets: (groupId, producerId, commit) => groups().endTransaction(groupId, producerId, commit),
  };
}
