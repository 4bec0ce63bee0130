import { encodeEntry, entryField } from './entries.js';
import { checkMs, type RevocationSink, type RevocationStore, withTimeout } from './store.js';

/**
 * The Redis store. The user passes their own clients; this package depends on no Redis
 * library and talks to both supported ones through the few methods typed below:
 * - node-redis v4 and v5 (`redis` on npm): `sendCommand([...])`, and `subscribe(channel,
 *   listener)` on a second connection (`client.duplicate()`);
 * - ioredis v5: `call(command, ...args)`, and `subscribe(channel)` + the `message` event on a
 *   second connection.
 * Both re-subscribe on their own after a reconnect. Nothing here relies on that: see below.
 *
 * Layout, all under one hash tag so it also works on Redis Cluster (one slot):
 * - `<prefix>entries`: a hash, field `<kind>:<id>`, value the entry (short JSON);
 * - `<prefix>expiry`: a sorted set of the same fields by `expiresAt`, to prune them;
 * - `<prefix>version`: a counter bumped by every write;
 * - channel `<prefix>changes`: `<version> <entry>` published by every write.
 * A write is one Lua script (atomic): prune expired fields, set the entry, bump the version,
 * publish. Pub/sub only makes the news fast: every `heartbeatMs` each instance reads the
 * version, and if it is ahead of what it applied (a lost message, a reconnect, a restart) it
 * reloads the whole hash. So an instance is current to within one heartbeat whatever happens
 * to its subscription, and it knows when it last was: the staleness the list fails closed on.
 */

/** A node-redis v4/v5 client, as far as this store uses it. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A node-redis v4/v5 subscriber connection (`client.duplicate()`, connected). */
export interface NodeRedisSubscriberLike {
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => void,
  ): Promise<unknown>;
  unsubscribe(
    channel: string,
    listener?: (message: string, channel: string) => void,
  ): Promise<unknown>;
}

/** An ioredis v5 client, as far as this store uses it. */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** An ioredis v5 subscriber connection (`client.duplicate()`). */
export interface IoRedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  removeListener(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** The connection commands go through (node-redis v4/v5 or ioredis v5). */
  readonly client: NodeRedisClientLike | IoRedisClientLike;
  /** A second connection of the same library, used only for SUBSCRIBE. */
  readonly subscriber: NodeRedisSubscriberLike | IoRedisSubscriberLike;
  /** Key prefix; keep the braces (one Redis Cluster slot). Default `{cognito-guard:revocations}:`. */
  readonly prefix?: string;
  /** How often each instance confirms it is current, in ms. Default 1000. */
  readonly heartbeatMs?: number;
  /** Longest wait for one Redis call, in ms. Default 2000. */
  readonly timeoutMs?: number;
}

const ADD_SCRIPT = `
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, 500)
if #old > 0 then
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
end
local current = redis.call('ZSCORE', KEYS[2], ARGV[1])
if current and tonumber(current) >= tonumber(ARGV[4]) then
  return tonumber(redis.call('GET', KEYS[3]) or '0')
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
local v = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[5], v .. ' ' .. ARGV[2])
return v
`;

// One atomic read: the version and every entry it covers.
const LOAD_SCRIPT = `
return { redis.call('GET', KEYS[2]) or '0', redis.call('HVALS', KEYS[1]) }
`;

function isIoRedis(client: unknown): client is IoRedisClientLike {
  return typeof (client as Partial<IoRedisClientLike>).call === 'function';
}

function isNodeRedis(client: unknown): client is NodeRedisClientLike {
  return typeof (client as Partial<NodeRedisClientLike>).sendCommand === 'function';
}

/** A version as Redis returns it (string, number or null), or undefined when it is garbage. */
function parseVersion(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return 0;
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/**
 * A revocation store on Redis: pub/sub for news, a version heartbeat for certainty.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const subscriber = await client.duplicate().connect();
 * const revocations = createRevocationList({ store: redisStore({ client, subscriber }) });
 * ```
 */
export function redisStore(options: RedisStoreOptions): RevocationStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: redisStore options must be an object');
  }
  const { client, subscriber } = options;
  const io = isIoRedis(client);
  if (!io && !isNodeRedis(client)) {
    throw new TypeError(
      'cognito-guard: redisStore client must be a node-redis (v4/v5) or ioredis (v5) client',
    );
  }
  if (
    typeof subscriber !== 'object' ||
    subscriber === null ||
    typeof subscriber.subscribe !== 'function'
  ) {
    throw new TypeError('cognito-guard: redisStore subscriber must be a second connection');
  }
  const prefix = options.prefix ?? '{cognito-guard:revocations}:';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200) {
    throw new TypeError('cognito-guard: redisStore prefix must be a non-empty string');
  }
  const heartbeatMs = checkMs('heartbeatMs', options.heartbeatMs, 10, 600_000, 1_000);
  const timeoutMs = checkMs('timeoutMs', options.timeoutMs, 10, 60_000, 2_000);
  const keys = {
    entries: `${prefix}entries`,
    expiry: `${prefix}expiry`,
    version: `${prefix}version`,
    channel: `${prefix}changes`,
  };

  // At most one command of ours outstanding per kind: a Redis that hangs gets one, not a queue.
  let outstanding = 0;
  async function command(args: string[]): Promise<unknown> {
    if (outstanding > 2) throw new Error('earlier Redis commands are still unanswered');
    outstanding++;
    const sent = io
      ? (client as IoRedisClientLike).call(args[0]!, ...args.slice(1))
      : (client as NodeRedisClientLike).sendCommand(args);
    const settled = sent.finally(() => {
      outstanding--;
    });
    return withTimeout(settled, timeoutMs, `Redis ${args[0]}`);
  }

  let sink: RevocationSink | undefined;
  let applied = 0;
  let loaded = false;
  let subscribed = false;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;

  async function load(): Promise<void> {
    const reply = await command(['EVAL', LOAD_SCRIPT, '2', keys.entries, keys.version]);
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) {
      throw new Error('Redis answered the load with something that is not a list of entries');
    }
    const version = parseVersion(reply[0]);
    if (version === undefined) throw new Error('Redis holds a version that is not a counter');
    sink!.apply(reply[1] as unknown[]);
    applied = Math.max(applied, version);
    loaded = true;
  }

  async function check(): Promise<void> {
    if (!subscribed) await subscribe().catch(() => undefined);
    const sentAt = sink!.now();
    const version = parseVersion(await command(['GET', keys.version]));
    if (version === undefined) throw new Error('Redis holds a version that is not a counter');
    // Behind us: Redis restarted empty or was flushed. What we hold stays (merge never
    // forgets); read whatever it has now.
    if (version < applied) applied = 0;
    if (version > applied || !loaded) await load();
    sink!.heard(sentAt);
  }

  function run(): Promise<void> {
    if (running === undefined) {
      running = check()
        .catch((err: unknown) => {
          if (!closed) sink!.failed(err);
          throw err;
        })
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  }

  const onNodeMessage = (message: string): void => receive(message);
  const onIoMessage = (channel: string, message: string): void => {
    if (channel === keys.channel) receive(message);
  };

  function receive(message: unknown): void {
    if (closed || sink === undefined || typeof message !== 'string') return;
    const space = message.indexOf(' ');
    const version = space > 0 ? parseVersion(message.slice(0, space)) : undefined;
    // Revocations only add: applying one early or twice is harmless, so apply it at once.
    sink.apply([space > 0 ? message.slice(space + 1) : message]);
    if (version !== undefined && version === applied + 1) applied = version;
    else if (version === undefined || version > applied + 1) void run().catch(() => undefined);
  }

  async function subscribe(): Promise<void> {
    if (io) {
      const sub = subscriber as IoRedisSubscriberLike;
      sub.removeListener('message', onIoMessage);
      sub.on('message', onIoMessage);
      await withTimeout(sub.subscribe(keys.channel), timeoutMs, 'Redis SUBSCRIBE');
    } else {
      await withTimeout(
        (subscriber as NodeRedisSubscriberLike).subscribe(keys.channel, onNodeMessage),
        timeoutMs,
        'Redis SUBSCRIBE',
      );
    }
    subscribed = true;
  }

  return {
    name: 'redis',
    intervalMs: heartbeatMs,
    async add(entry) {
      const value = encodeEntry(entry);
      const reply = await command([
        'EVAL',
        ADD_SCRIPT,
        '3',
        keys.entries,
        keys.expiry,
        keys.version,
        entryField(entry),
        value,
        String(sink?.now() ?? Date.now()),
        String(entry.expiresAt),
        keys.channel,
      ]);
      if (parseVersion(reply) === undefined) {
        throw new Error('Redis answered the write with something that is not a version');
      }
    },
    async start(s) {
      if (sink !== undefined) throw new Error('a Redis store feeds one revocation list');
      sink = s;
      timer = setInterval(() => void run().catch(() => undefined), heartbeatMs);
      timer.unref?.();
      await run();
    },
    sync() {
      return run();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      if (!subscribed) return;
      subscribed = false;
      try {
        if (io) {
          const sub = subscriber as IoRedisSubscriberLike;
          sub.removeListener('message', onIoMessage);
          await withTimeout(sub.unsubscribe(keys.channel), timeoutMs, 'Redis UNSUBSCRIBE');
        } else {
          await withTimeout(
            (subscriber as NodeRedisSubscriberLike).unsubscribe(keys.channel, onNodeMessage),
            timeoutMs,
            'Redis UNSUBSCRIBE',
          );
        }
      } catch {
        // Closing: the user owns the connections and may already have closed them.
      }
    },
  };
}
