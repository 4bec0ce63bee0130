import {
  type AccessTokenClaims,
  AuthError,
  type IdentityPoolTokenClaims,
  type IdTokenClaims,
} from '@cognito-guard/core';
import { notifyHook } from '@cognito-guard/core/http';
import {
  decodeEntry,
  type InvalidEntryReason,
  isValidId,
  type RevocationEntry,
  type RevocationKind,
} from './entries.js';
import { checkMs, memoryStore, type RevocationSink, type RevocationStore } from './store.js';

/** What a revocation list reports through `onEvent`. Never a token; ids only in `recorded`. */
export type RevocationEvent =
  | {
      /** The list went past its staleness bound: it refuses (or, with `onStale: 'allow'`, lets through). */
      readonly type: 'stale';
      readonly store: string;
      readonly stalenessMs: number;
    }
  | { readonly type: 'fresh'; readonly store: string }
  | { readonly type: 'sync-failed'; readonly store: string; readonly error: unknown }
  | {
      /** Entries from the store that are not entries: skipped, counted. */
      readonly type: 'invalid-entry';
      readonly store: string;
      readonly count: number;
      readonly reason: InvalidEntryReason;
    }
  | {
      /** More live entries than `maxEntries`: the list refuses every token until recreated. */
      readonly type: 'overflow';
      readonly store: string;
      readonly maxEntries: number;
    }
  | {
      /** A revocation recorded here; `stored` false means it is queued for the store. */
      readonly type: 'recorded';
      readonly kind: RevocationKind;
      readonly stored: boolean;
    }
  | { readonly type: 'flushed'; readonly store: string; readonly count: number };

/** Options of {@link createRevocationList}. */
export interface RevocationListOptions {
  /** Where revocations are shared: `memoryStore()` (default), `redisStore`, `dynamoDbStore`. */
  readonly store?: RevocationStore;
  /**
   * The verifier's `maxTokenLifetimeSeconds` (default 86400, Cognito's longest access and ID
   * token validity). An entry is kept this long plus the tolerance after it was recorded.
   */
  readonly maxTokenLifetimeSeconds?: number;
  /** The verifier's `clockToleranceSeconds` (default 5). */
  readonly clockToleranceSeconds?: number;
  /**
   * How long the list may go without the store confirming it is current before it fails closed
   * with `REVOCATION_UNAVAILABLE` (503). Default the larger of 5000 ms and three store
   * intervals; must exceed the store's interval. Ignored by the in-process memory store.
   */
  readonly maxStalenessMs?: number;
  /**
   * Past the staleness bound: `'refuse'` (default) fails closed; `'allow'` keeps answering from
   * the last snapshot, so a revocation made during a store outage is missed until the store is
   * back. Choose `'allow'` only where availability matters more than sign-out.
   */
  readonly onStale?: 'refuse' | 'allow';
  /** How long a request waits for an on-demand sync once stale (a thawed Lambda). Default 1000. */
  readonly syncTimeoutMs?: number;
  /** Most live entries held (memory bound). Default 1,000,000. */
  readonly maxEntries?: number;
  /** Most revocations queued while the store cannot take them. Default 10,000. */
  readonly maxPending?: number;
  /** Epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
  /** Observability hook; exceptions it throws are ignored. */
  readonly onEvent?: (event: RevocationEvent) => void;
}

/** What a rule may be given: the id itself, or the verified claims that carry it. */
type ClaimsLike = Readonly<Record<string, unknown>>;

/** When a revocation was written here but not yet to the store (it stays queued). */
export class RevocationPendingError extends Error {
  override readonly name = 'RevocationPendingError';
  /** The entry, applied in this process and queued for the store. */
  readonly entry: RevocationEntry;
  constructor(entry: RevocationEntry, cause: unknown) {
    super(
      'The revocation is in force in this process; the store did not take it yet and it is retried',
      { cause },
    );
    this.entry = entry;
  }
}

/** A snapshot of a list's health, for readiness probes and metrics. */
export interface RevocationStatus {
  readonly store: string;
  /** Live entries held in memory. */
  readonly entries: number;
  /** Milliseconds since the store last confirmed the list is current (0 for memory). */
  readonly stalenessMs: number;
  /** True once past `maxStalenessMs`, or after an overflow or `close()`. */
  readonly unavailable: boolean;
  /** Revocations waiting for the store. */
  readonly pending: number;
}

/**
 * A revocation list: an in-memory snapshot checked synchronously on every verify, fed by a
 * store. Pass `isRevoked` to the verifier (or to any adapter's verifier options).
 */
export interface RevocationList {
  /**
   * The verifier hook: `true` when a rule covers the token. Synchronous while the list is
   * current; past the staleness bound it syncs on demand (a promise) or throws an `AuthError`
   * `REVOCATION_UNAVAILABLE`. A bound function: pass it as is, to `createVerifier` or to
   * `createIdentityPoolVerifier` (identity-pool tokens are covered by `signOutUser(identityId)`).
   */
  readonly isRevoked: (
    claims: AccessTokenClaims | IdTokenClaims | IdentityPoolTokenClaims,
  ) => boolean | Promise<boolean>;
  /**
   * Revokes a session, as Cognito's RevokeToken does: every access and ID token carrying this
   * `origin_jti` (the verified claims, or the id).
   */
  revokeSession(target: string | ClaimsLike): Promise<RevocationEntry>;
  /**
   * Signs a user out, as GlobalSignOut does: every token of this `sub` (the claims, or the id)
   * issued at or before `options.at` (default now).
   */
  signOutUser(
    target: string | ClaimsLike,
    options?: { readonly at?: number | Date },
  ): Promise<RevocationEntry>;
  /** Revokes one token by `jti` (the claims, which also bound the entry's life by `exp`, or the id). */
  revokeToken(target: string | ClaimsLike): Promise<RevocationEntry>;
  /** Resolves once the first full load from the store is in (rejects if it failed). */
  ready(): Promise<void>;
  status(): RevocationStatus;
  /** Stops timers and the store; afterwards `isRevoked` fails closed. */
  close(): Promise<void>;
}

interface UserRule {
  /** Tokens with `iat` <= this (epoch seconds) are revoked. */
  cut: number;
  expiresAt: number;
}

function configError(message: string): TypeError {
  return new TypeError(`cognito-guard: ${message}`);
}

const LIST_KEYS = new Set([
  'store',
  'maxTokenLifetimeSeconds',
  'clockToleranceSeconds',
  'maxStalenessMs',
  'onStale',
  'syncTimeoutMs',
  'maxEntries',
  'maxPending',
  'clock',
  'onEvent',
]);

/**
 * Creates a revocation list and starts syncing it from its store.
 *
 * @example
 * ```ts
 * const revocations = createRevocationList({ store: redisStore({ client, subscriber }) });
 * const verifier = createVerifier({
 *   userPoolId: 'us-east-1_Example',
 *   clientId: 'app-client-id',
 *   tokenUse: 'access',
 *   isRevoked: revocations.isRevoked,
 * });
 * await revocations.revokeSession(auth.claims); // every instance refuses the session
 * ```
 */
export function createRevocationList(options: RevocationListOptions = {}): RevocationList {
  if (typeof options !== 'object' || options === null) {
    throw configError('revocation list options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!LIST_KEYS.has(key)) throw configError(`unknown revocation list option "${key}"`);
  }
  const store = options.store ?? memoryStore();
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.add !== 'function' ||
    typeof store.start !== 'function' ||
    typeof store.sync !== 'function'
  ) {
    throw configError('store must be a revocation store (memoryStore, redisStore, dynamoDbStore)');
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw configError('clock must be a function');
  const lifetime = checkMs(
    'maxTokenLifetimeSeconds',
    options.maxTokenLifetimeSeconds,
    60,
    31_536_000,
    86_400,
  );
  const tolerance = checkMs('clockToleranceSeconds', options.clockToleranceSeconds, 0, 300, 5);
  const windowMs = (lifetime + tolerance) * 1000;
  const maxStalenessMs =
    store.intervalMs === 0
      ? Number.POSITIVE_INFINITY
      : checkMs(
          'maxStalenessMs',
          options.maxStalenessMs,
          store.intervalMs + 1,
          86_400_000,
          Math.max(5_000, store.intervalMs * 3),
        );
  const onStale = options.onStale ?? 'refuse';
  if (onStale !== 'refuse' && onStale !== 'allow') {
    throw configError('onStale must be "refuse" or "allow"');
  }
  const syncTimeoutMs = checkMs('syncTimeoutMs', options.syncTimeoutMs, 1, 60_000, 1_000);
  const maxEntries = checkMs('maxEntries', options.maxEntries, 1, 100_000_000, 1_000_000);
  const maxPending = checkMs('maxPending', options.maxPending, 1, 10_000_000, 10_000);
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw configError('onEvent must be a function');
  }
  const emit = (event: RevocationEvent): void => notifyHook(onEvent, event);
  // The store's retry hint: one interval, at least a second (RFC 9110 §10.2.3 Retry-After).
  const retryAfterSeconds = Math.max(1, Math.ceil(store.intervalMs / 1000));
  const unavailable = (cause: string): AuthError =>
    new AuthError('REVOCATION_UNAVAILABLE', { cause, retryAfterSeconds });

  const sessions = new Map<string, number>();
  const tokens = new Map<string, number>();
  const users = new Map<string, UserRule>();
  const size = (): number => sessions.size + tokens.size + users.size;
  let lastHeard = Number.NEGATIVE_INFINITY;
  let stale = false;
  let overflow = false;
  let closed = false;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const pending: RevocationEntry[] = [];
  let flushing = false;

  function merge(entry: RevocationEntry, now: number): boolean {
    if (entry.expiresAt <= now) return true;
    if (entry.kind === 'user') {
      const rule = users.get(entry.id);
      const cut = Math.floor(entry.at / 1000);
      if (rule !== undefined) {
        rule.cut = Math.max(rule.cut, cut);
        rule.expiresAt = Math.max(rule.expiresAt, entry.expiresAt);
        return true;
      }
      if (size() >= maxEntries) return false;
      users.set(entry.id, { cut, expiresAt: entry.expiresAt });
      return true;
    }
    const map = entry.kind === 'session' ? sessions : tokens;
    const previous = map.get(entry.id);
    if (previous === undefined && size() >= maxEntries) return false;
    map.set(entry.id, Math.max(previous ?? 0, entry.expiresAt));
    return true;
  }

  function sweep(now: number): void {
    for (const [id, expiresAt] of sessions) if (expiresAt <= now) sessions.delete(id);
    for (const [id, expiresAt] of tokens) if (expiresAt <= now) tokens.delete(id);
    for (const [id, rule] of users) if (rule.expiresAt <= now) users.delete(id);
  }

  function markOverflow(): void {
    if (overflow) return;
    overflow = true;
    emit({ type: 'overflow', store: store.name, maxEntries });
  }

  const sink: RevocationSink = {
    now: () => clock(),
    apply(raw) {
      if (closed) return;
      const now = clock();
      let invalid = 0;
      let reason: InvalidEntryReason = 'shape';
      for (const item of raw) {
        const decoded = decodeEntry(item);
        if (!decoded.ok) {
          invalid++;
          reason = decoded.reason;
          continue;
        }
        if (!merge(decoded.entry, now)) {
          // Make room from expired entries once, then give up: never drop a live revocation
          // silently, fail closed instead.
          sweep(now);
          if (!merge(decoded.entry, now)) markOverflow();
        }
      }
      if (invalid > 0) emit({ type: 'invalid-entry', store: store.name, count: invalid, reason });
    },
    heard(sentAt) {
      if (closed) return;
      if (sentAt > lastHeard) lastHeard = sentAt;
      if (stale && clock() - lastHeard <= maxStalenessMs) {
        stale = false;
        emit({ type: 'fresh', store: store.name });
      }
      // The store answers again: what it could not take earlier goes now.
      if (pending.length > 0) void flush();
    },
    failed(error) {
      lastFailureAt = clock();
      emit({ type: 'sync-failed', store: store.name, error });
    },
  };

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    let count = 0;
    try {
      while (pending.length > 0 && !closed) {
        const entry = pending[0]!;
        if (entry.expiresAt > clock()) await store.add(entry);
        pending.shift();
        count++;
      }
    } catch {
      // Still unreachable: the next confirmation from the store retries.
    } finally {
      flushing = false;
      if (count > 0) emit({ type: 'flushed', store: store.name, count });
    }
  }

  const started = store.start(sink);
  // Failures of the first load surface through ready() and staleness, never as unhandled.
  started.catch((err: unknown) => sink.failed(err));

  const sweepTimer = setInterval(() => sweep(clock()), 60_000);
  sweepTimer.unref?.();

  function covered(claims: Readonly<Record<string, unknown>>, now: number): boolean {
    const origin = claims['origin_jti'];
    if (typeof origin === 'string') {
      const expiresAt = sessions.get(origin);
      if (expiresAt !== undefined && expiresAt > now) return true;
    }
    const jti = claims['jti'];
    if (typeof jti === 'string') {
      const expiresAt = tokens.get(jti);
      if (expiresAt !== undefined && expiresAt > now) return true;
    }
    const sub = claims['sub'];
    if (typeof sub === 'string') {
      const rule = users.get(sub);
      const iat = claims['iat'];
      // A token without a numeric iat cannot prove it was issued after the sign-out.
      if (
        rule !== undefined &&
        rule.expiresAt > now &&
        !(typeof iat === 'number' && iat > rule.cut)
      ) {
        return true;
      }
    }
    return false;
  }

  function syncNow(): Promise<void> {
    if (inFlight === undefined) {
      const attempt = lastHeard === Number.NEGATIVE_INFINITY ? started : store.sync();
      inFlight = attempt.finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  }

  function whenStale(
    claims: Readonly<Record<string, unknown>>,
    now: number,
  ): boolean | Promise<boolean> {
    if (!stale) {
      stale = true;
      emit({ type: 'stale', store: store.name, stalenessMs: now - lastHeard });
    }
    if (onStale === 'allow') return covered(claims, now);
    // Outage: the last attempt failed a moment ago and none is running; refuse at once rather
    // than make every request wait for a store that is down.
    if (inFlight === undefined && now - lastFailureAt < syncTimeoutMs) {
      throw unavailable(
        `no word from the ${store.name} store for longer than ${maxStalenessMs} ms`,
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('sync timed out')), syncTimeoutMs);
    });
    return Promise.race([syncNow(), timeout]).then(
      () => {
        clearTimeout(timer);
        const later = clock();
        if (closed || overflow || later - lastHeard > maxStalenessMs) {
          throw unavailable(`the ${store.name} store did not confirm the list is current`);
        }
        return covered(claims, later);
      },
      (err: unknown) => {
        clearTimeout(timer);
        lastFailureAt = clock();
        throw unavailable(`the ${store.name} store could not be reached: ${String(err)}`);
      },
    );
  }

  const isRevoked = (
    claims: AccessTokenClaims | IdTokenClaims | IdentityPoolTokenClaims,
  ): boolean | Promise<boolean> => {
    const record = claims as unknown as Readonly<Record<string, unknown>>;
    if (closed) throw unavailable('the revocation list is closed');
    if (overflow) throw unavailable('the revocation list holds more than maxEntries');
    const now = clock();
    if (now - lastHeard > maxStalenessMs) return whenStale(record, now);
    return covered(record, now);
  };

  function idFrom(target: string | ClaimsLike, claim: string, rule: string): string {
    const id = typeof target === 'string' ? target : (target as ClaimsLike)?.[claim];
    if (!isValidId(id)) {
      throw configError(
        typeof target === 'string'
          ? `${rule}: the id must be 1 to 256 printable ASCII characters`
          : `${rule}: the claims carry no usable ${claim}${claim === 'origin_jti' ? ' (turn on token revocation for the app client: EnableTokenRevocation)' : ''}`,
      );
    }
    return id;
  }

  async function record(entry: RevocationEntry): Promise<RevocationEntry> {
    if (closed) throw configError('the revocation list is closed');
    // In force here at once, before the store round trip.
    if (!merge(entry, clock())) {
      sweep(clock());
      if (!merge(entry, clock())) markOverflow();
    }
    try {
      await store.add(entry);
    } catch (err) {
      if (pending.length >= maxPending) pending.shift();
      pending.push(entry);
      emit({ type: 'recorded', kind: entry.kind, stored: false });
      throw new RevocationPendingError(entry, err);
    }
    emit({ type: 'recorded', kind: entry.kind, stored: true });
    return entry;
  }

  return {
    isRevoked,
    revokeSession(target) {
      try {
        const at = clock();
        const id = idFrom(target, 'origin_jti', 'revokeSession');
        return record({ kind: 'session', id, at, expiresAt: at + windowMs });
      } catch (err) {
        return Promise.reject(err);
      }
    },
    signOutUser(target, opts) {
      try {
        const id = idFrom(target, 'sub', 'signOutUser');
        const given = opts?.at;
        const at = given === undefined ? clock() : given instanceof Date ? given.getTime() : given;
        if (typeof at !== 'number' || !Number.isFinite(at) || at <= 0) {
          throw configError('signOutUser: at must be epoch milliseconds or a Date');
        }
        return record({ kind: 'user', id, at, expiresAt: at + windowMs });
      } catch (err) {
        return Promise.reject(err);
      }
    },
    revokeToken(target) {
      try {
        const at = clock();
        const id = idFrom(target, 'jti', 'revokeToken');
        const exp = typeof target === 'string' ? undefined : target['exp'];
        // A token is never valid past exp + tolerance; without its exp, the longest lifetime.
        const until =
          typeof exp === 'number' && Number.isFinite(exp)
            ? Math.min(at + windowMs, (exp + tolerance) * 1000)
            : at + windowMs;
        return record({ kind: 'token', id, at, expiresAt: Math.max(at, until) });
      } catch (err) {
        return Promise.reject(err);
      }
    },
    ready() {
      return started;
    },
    status() {
      const now = clock();
      const stalenessMs = store.intervalMs === 0 ? 0 : Math.max(0, now - lastHeard);
      return {
        store: store.name,
        entries: size(),
        stalenessMs,
        unavailable: closed || overflow || (onStale === 'refuse' && stalenessMs > maxStalenessMs),
        pending: pending.length,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      await store.close();
    },
  };
}
