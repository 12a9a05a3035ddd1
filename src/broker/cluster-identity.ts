// The cluster id, made once per data directory and kept in <dataDir>/meta.json, so clients see
// the same cluster across restarts (as Kafka's meta.properties does).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/index.js';
import { newTopicId } from './topic-registry.js';

const META_FILE = 'meta.json';

export function loadOrCreateClusterId(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, META_FILE);
  if (existsSync(path)) {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as { clusterId?: unknown };
    if (typeof meta.clusterId === 'string' && meta.clusterId.length > 0) return meta.clusterId;
  }
  const clusterId = newTopicId();
  writeFileAtomic(path, `${JSON.stringify({ version: 1, clusterId }, null, 2)}\n`);
  return clusterId;
}
