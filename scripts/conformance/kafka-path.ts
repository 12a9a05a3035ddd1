// A KAFKA_PATH for the suites: <logRoot>/kafka-path/bin/kafka-topics.sh and kafka-acls.sh run the
// stand-ins (kafka-topics.ts, kafka-acls.ts) under tsx. librdkafka's tests find them through
// KAFKA_PATH; kafkajs's adapted addPartitions helper calls kafka-topics.sh directly.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function writeKafkaPath(logRoot: string, tsxLoader: string): { kafkaPath: string; kafkaTopics: string } {
  const kafkaPath = join(logRoot, 'kafka-path');
  mkdirSync(join(kafkaPath, 'bin'), { recursive: true });
  const script = (name: string, standIn: string): string => {
    const path = join(kafkaPath, 'bin', name);
    const source = fileURLToPath(new URL(standIn, import.meta.url));
    writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" --import "${tsxLoader}" "${source}" "$@"\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const kafkaTopics = script('kafka-topics.sh', './kafka-topics.ts');
  script('kafka-acls.sh', './kafka-acls.ts');
  return { kafkaPath, kafkaTopics };
}
