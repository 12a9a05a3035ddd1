// Kafka's topic name rules, checked before a name ever becomes part of a path:
// 1-249 characters from [a-zA-Z0-9._-], and not "." or "..".

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or null when it is. */
export function topicNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL_TOPIC_NAME.test(name)) return 'topic name may only contain ASCII letters, digits, ".", "_" and "-"';
  return null;
}

export function isLegalTopicName(name: unknown): name is string {
  return topicNameProblem(name) === null;
}
