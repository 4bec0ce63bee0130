export type {
  Decoded,
  InvalidEntryReason,
  RevocationEntry,
  RevocationKind,
} from './entries.js';
export { decodeEntry, encodeEntry, MAX_ID_LENGTH } from './entries.js';
export type {
  RevocationEvent,
  RevocationList,
  RevocationListOptions,
  RevocationStatus,
} from './list.js';
export { createRevocationList, RevocationPendingError } from './list.js';
export type {
  IoRedisClientLike,
  IoRedisSubscriberLike,
  NodeRedisClientLike,
  NodeRedisSubscriberLike,
  RedisStoreOptions,
} from './redis.js';
export { redisStore } from './redis.js';
export type { RevocationSink, RevocationStore } from './store.js';
export { memoryStore } from './store.js';
