// A KAFKA_PATH for the suites: <logRoot>/kafka-path/bin/kafka-topics.sh runs the stand-in
// (kafka-topics.ts) under tsx. librdkafka's tests find it through KAFKA_PATH; kafkajs's adapted
// addPartitions helper calls it directly.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function writeKafkaPath(logRoot: string, tsxLoader: string): { kafkaPath: string; kafkaTopics: string } {
  const kafkaPath = join(logRoot, 'kafka-path');
  mkdirSync(join(kafkaPath, 'bin'), { recursive: true });
  const standIn = fileURLToPath(new URL('./kafka-topics.ts', import.meta.url));
  const kafkaTopics = join(kafkaPath, 'bin', 'kafka-topics.sh');
  writeFileSync(kafkaTopics, `#!/bin/sh\nexec "${process.execPath}" --import "${tsxLoader}" "${standIn}" "$@"\n`);
  chmodSync(kafkaTopics, 0o755);
  return { kafkaPath, kafkaTopics };
}
