import { encodeEntry, type RevocationEntry } from './entries.js';

/**
 * What a store reports to the list it feeds. The list keeps the snapshot; the store only says
 * what it learned and when it last knew it had heard of everything.
 */
export interface RevocationSink {
  /** The list's clock, epoch ms: the time a store stamps its confirmations with. */
  now(): number;
  /**
   * Entries learned from the store, in any form (wire strings or objects): each is validated,
   * malformed ones are reported and skipped. Entries are merged, never replaced.
   */
  apply(raw: readonly unknown[]): void;
  /**
   * The store confirmed that every revocation recorded before `sentAt` (the list's clock when
   * the confirming request left) has been applied. Staleness is measured from the latest one.
   */
  heard(sentAt: number): void;
  /** A sync attempt failed (reported through `onEvent`; staleness keeps growing). */
  failed(error: unknown): void;
}

/**
 * A shared place where revocations are recorded and from which every instance learns of them.
 * `memoryStore`, `redisStore` and `dynamoDbStore` are the ones this package ships; anything
 * that implements this interface works.
 *
 * @example
 * ```ts
 * const list = createRevocationList({ store: memoryStore() });
 * ```
 */
export interface RevocationStore {
  /** For events and errors: `'memory'`, `'redis'`, `'dynamodb'`. */
  readonly name: string;
  /**
   * How often the store confirms it is current (heartbeat or poll), in ms; `0` for a store that
   * is always current (in-process memory). The list's staleness bound must exceed it.
   */
  readonly intervalMs: number;
  /** Records an entry durably; resolves once other instances can learn of it. */
  add(entry: RevocationEntry): Promise<void>;
  /** Starts feeding `sink`: resolves after the first full load (or rejects). Called once. */
  start(sink: RevocationSink): Promise<void>;
  /** Confirms currency now (a heartbeat or a poll), out of schedule. */
  sync(): Promise<void>;
  /** Stops timers and listeners; never closes the clients the user passed in. */
  close(): Promise<void>;
}

/**
 * Races `promise` against a timer: rejects with `Error('<what> timed out after <ms> ms')`.
 * The timer is cleared either way, so nothing keeps the process alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Checks a millisecond option once, at creation. */
export function checkMs(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`cognito-guard: ${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

/**
 * A store inside this process: the default. Lists that share one `memoryStore()` share their
 * revocations; it is always current, so a list on it never goes stale.
 *
 * @example
 * ```ts
 * const shared = memoryStore();
 * const a = createRevocationList({ store: shared });
 * const b = createRevocationList({ store: shared });
 * await a.revokeToken('jti-1'); // b refuses it at once
 * ```
 */
export function memoryStore(): RevocationStore {
  const entries = new Map<string, RevocationEntry>();
  const sinks = new Set<RevocationSink>();
  return {
    name: 'memory',
    intervalMs: 0,
    async add(entry) {
      const key = `${entry.kind}:${entry.id}`;
      const previous = entries.get(key);
      if (previous === undefined || previous.expiresAt <= entry.expiresAt) entries.set(key, entry);
      for (const sink of sinks) sink.apply([encodeEntry(entry)]);
    },
    async start(sink) {
      sinks.add(sink);
      const now = sink.now();
      for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
      sink.apply([...entries.values()].map(encodeEntry));
      sink.heard(Number.POSITIVE_INFINITY);
    },
    async sync() {},
    // Several lists may share this store: closing one must not detach the others.
    async close() {},
  };
}
