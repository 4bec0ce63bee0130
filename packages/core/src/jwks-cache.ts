import type { JwksCache as AwsJwksCache, Jwks, JwkWithKid } from 'aws-jwt-verify/jwk';
import { AuthError, type ErrorCode, isAuthError, refusal } from './errors.js';
import { notifyHook } from './hooks.js';
import { createDefaultFetcher, type JwksFetcher, type JwksResponse } from './jwks-fetch.js';
import { type AdmittedKey, admitKey, type SigningAlg } from './key-policy.js';
import { checkOptionKeys, optionKeys } from './option-keys.js';
import { parseStrictJsonObject } from './strict-json.js';

/**
 * Our JWKS cache, plugged into aws-jwt-verify through its `JwksCache` interface.
 *
 * aws-jwt-verify's own cache never expires keys, has no byte cap and no stale-if-error
 * (SECURITY.md, "Where we are stricter than aws-jwt-verify"), so this one does (R36-R38,
 * decision 7):
 * - one fetch at a time per URI (single flight): a cold-start herd costs one request;
 * - keys expire after `ttlSeconds`, so keys removed upstream stop working;
 * - an unknown `kid` may trigger a refetch, but at most one per `cooldownSeconds` per URI,
 *   so a flood of random kids cannot turn into a flood of fetches (attack class 6). While a
 *   refetch is not allowed yet, an unknown kid is `JWKS_UNAVAILABLE` with the remaining
 *   cooldown as Retry-After, not `KEY_NOT_FOUND`: the keys were rotated since the last fetch,
 *   or the kid is made up, and only a fetch can tell which. A 401 would make a client throw
 *   away a good token minted under a new key; the 503 trusts nothing and says when to retry.
 *   `KEY_NOT_FOUND` is the answer once a fetch that started for (or while) the request holds
 *   no such kid;
 * - a refresh that serves the same key material under the same kid keeps the admitted key
 *   object, so outcomes cached against it survive the refresh; a kid that now names other
 *   material gets a new object, and outcomes cached against the old one are dropped;
 * - when a refresh fails, keys we already hold keep working for `staleIfErrorSeconds`, and a
 *   key we cannot obtain is `JWKS_UNAVAILABLE` (a 503), never a 401 that would make clients
 *   throw away good tokens;
 * - every key passes the key policy once, when the JWKS arrives (`key-policy.ts`).
 */

/** Options of {@link createJwksCache}; the same object is accepted as `jwks` by `createVerifier`. */
export interface JwksCacheOptions {
  /** How long a fetched JWKS is fresh. Default 3600. */
  readonly ttlSeconds?: number;
  /** How long known keys keep working past `ttlSeconds` while refreshes fail. Default 86400. */
  readonly staleIfErrorSeconds?: number;
  /** Minimum time between two fetch attempts for one URI, after the first. Default 30. */
  readonly cooldownSeconds?: number;
  /** One overall deadline per fetch, connection to last byte. Default 3000. */
  readonly timeoutMs?: number;
  /** Largest JWKS body accepted, in bytes. Default 65536. */
  readonly maxBytes?: number;
  /** Extra trusted CA (PEM) for the default fetcher, added to the system roots. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Replaces the default HTTPS fetcher; every rule still applies to what it returns. */
  readonly fetcher?: JwksFetcher | undefined;
  /** Epoch milliseconds; used for TTL, cooldown and staleness. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Observability hook for fetches and fetch failures. */
  readonly onEvent?: ((event: JwksEvent) => void) | undefined;
}

/** The keys of {@link JwksCacheOptions}: anything else is refused. */
const JWKS_CACHE_KEYS = optionKeys<JwksCacheOptions>({
  ttlSeconds: true,
  staleIfErrorSeconds: true,
  cooldownSeconds: true,
  timeoutMs: true,
  maxBytes: true,
  ca: true,
  fetcher: true,
  clock: true,
  onEvent: true,
});

/** What the JWKS cache reports through `onEvent`. */
export type JwksEvent =
  | {
      readonly type: 'jwks-fetch';
      readonly jwksUri: string;
      readonly durationMs: number;
      readonly keys: number;
    }
  | {
      readonly type: 'jwks-error';
      readonly jwksUri: string;
      readonly durationMs: number;
      readonly code: ErrorCode;
    };

/** The cache: aws-jwt-verify's interface plus the lookups cognito-guard's verifier uses. */
export interface JwksCache extends AwsJwksCache {
  /** The admitted key for `kid` at `jwksUri`, fetching if the rules allow; throws an {@link AuthError}. */
  getKey(jwksUri: string, kid: string): Promise<AdmittedKey>;
  /** The admitted key if it is held and fresh, without I/O; `undefined` otherwise. */
  peekKey(jwksUri: string, kid: string): AdmittedKey | undefined;
  /** Fetches `jwksUri` now (joining a fetch under way); throws the fetch's {@link AuthError}. */
  refresh(jwksUri: string): Promise<void>;
  /**
   * True when {@link JwksCache.getKey} for `kid` would wait for a fetch now (one under way, or
   * the key is not held fresh and the cooldown allows one): the verifier then checks the
   * token's exact issuer before it lets the token cause any I/O.
   */
  wouldFetch(jwksUri: string, kid: string): boolean;
}

/** A kid slot: the admitted key, or the reason it is refused (weak key, ambiguous kid). */
type Slot = AdmittedKey | { readonly rejected: string };

interface Entry {
  keys: Map<string, Slot> | undefined;
  /** The JWK set as admitted, for `getJwks`. */
  jwks: Jwks | undefined;
  fetchedAt: number;
  attemptAt: number;
  lastError: AuthError | undefined;
  inflight: Promise<void> | undefined;
}

/** The largest number of keys one JWKS may hold; Cognito serves two. */
const MAX_KEYS = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkRange(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`cognito-guard: jwks.${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

const CACHE_BRAND = Symbol.for('cognito-guard.jwks-cache');

/** True when `value` was made by {@link createJwksCache}. */
export function isJwksCache(value: unknown): value is JwksCache {
  return typeof value === 'object' && value !== null && CACHE_BRAND in value;
}

/**
 * Same key material under the same kid: the RSA public key is (n, e) (RFC 7517 §4, RFC 7518
 * §6.3.1). Both are canonical base64url once admitted (one spelling per value), so comparing
 * the strings compares the key; every other admitted member is fixed by the key policy.
 */
function sameKey(held: Slot, fresh: Slot): boolean {
  if ('rejected' in held || 'rejected' in fresh) return false;
  return held.jwk.n === fresh.jwk.n && held.jwk.e === fresh.jwk.e;
}

function slotToKey(slot: Slot): AdmittedKey {
  if ('rejected' in slot) throw new AuthError('KEY_REJECTED', { cause: slot.rejected });
  return slot;
}

/**
 * Turns a response into kid slots, or throws `JWKS_UNAVAILABLE` (status) or `JWKS_INVALID`.
 * Unusable keys are kept as refusals, so their kid answers `KEY_REJECTED`, not `KEY_NOT_FOUND`.
 */
function admitJwks(body: unknown, alg: SigningAlg): { keys: Map<string, Slot>; jwks: Jwks } {
  if (
    typeof body !== 'object' ||
    body === null ||
    !Array.isArray((body as { keys?: unknown }).keys)
  ) {
    throw refusal('JWKS_INVALID', 'JWKS has no keys array');
  }
  const list = (body as { keys: unknown[] }).keys;
  if (list.length > MAX_KEYS) throw refusal('JWKS_INVALID', 'too many keys');
  const keys = new Map<string, Slot>();
  const seen = new Set<string>();
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) continue;
    const kid = (jwk as { kid?: unknown }).kid;
    // Keys without a usable kid cannot be selected (R12) and are ignored (R15).
    if (typeof kid !== 'string' || kid.length === 0) continue;
    if (seen.has(kid)) {
      // R17: a kid listed twice is ambiguous; pick neither.
      keys.set(kid, { rejected: 'kid appears more than once' });
      continue;
    }
    seen.add(kid);
    const admitted = admitKey(jwk as Record<string, unknown>, kid, alg);
    keys.set(kid, typeof admitted === 'string' ? { rejected: admitted } : admitted);
  }
  const admittedJwks: JwkWithKid[] = [];
  for (const slot of keys.values()) if (!('rejected' in slot)) admittedJwks.push(slot.jwk);
  return { keys, jwks: { keys: admittedJwks } };
}

function parseResponse(response: JwksResponse, maxBytes: number): unknown {
  if (response.status !== 200) {
    // Redirects land here too: we never follow one (R36; SSRF via redirect).
    throw new AuthError('JWKS_UNAVAILABLE', { cause: `JWKS answered status ${response.status}` });
  }
  const encoding = response.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw refusal('JWKS_INVALID', 'JWKS is content-encoded');
  }
  if (response.body.byteLength > maxBytes) {
    throw refusal('JWKS_INVALID', 'JWKS larger than maxBytes');
  }
  let text: string;
  try {
    text = utf8.decode(response.body);
  } catch {
    throw refusal('JWKS_INVALID', 'JWKS is not UTF-8');
  }
  try {
    return parseStrictJsonObject(text, 8);
  } catch (err) {
    throw new AuthError('JWKS_INVALID', { cause: err });
  }
}

/**
 * Creates a JWKS cache. Share one between verifiers that trust the same pools, or seed it
 * with `addJwks` for cold starts without network.
 *
 * @example
 * ```ts
 * const jwks = createJwksCache({ ttlSeconds: 600 });
 * const accessVerifier = createVerifier({ userPoolId, clientId, tokenUse: 'access', jwks });
 * const idVerifier = createVerifier({ userPoolId, clientId, tokenUse: 'id', jwks });
 * ```
 */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  return createJwksCacheFor('RS256', options);
}

/**
 * A JWKS cache whose keys are admitted for `alg` only: `createJwksCache` is the RS256 one; the
 * identity-pool verifier keeps its own RS512 cache, never shared with user-pool verifiers, so a
 * key is only ever used with the algorithm it was admitted for.
 */
export function createJwksCacheFor(alg: SigningAlg, options: JwksCacheOptions = {}): JwksCache {
  checkOptionKeys(options, JWKS_CACHE_KEYS, 'jwks');
  const ttlMs = (checkRange('ttlSeconds', options.ttlSeconds, 1, 86_400) ?? 3600) * 1000;
  const staleMs =
    (checkRange('staleIfErrorSeconds', options.staleIfErrorSeconds, 0, 604_800) ?? 86_400) * 1000;
  const cooldownMs =
    (checkRange('cooldownSeconds', options.cooldownSeconds, 0.1, 3600) ?? 30) * 1000;
  const timeoutMs = checkRange('timeoutMs', options.timeoutMs, 50, 60_000) ?? 3000;
  const maxBytes = checkRange('maxBytes', options.maxBytes, 1024, 10 * 1024 * 1024) ?? 65_536;
  if (ttlMs < cooldownMs)
    throw new TypeError('cognito-guard: jwks.ttlSeconds must be at least jwks.cooldownSeconds');
  if (options.fetcher !== undefined && typeof options.fetcher !== 'function') {
    throw new TypeError('cognito-guard: jwks.fetcher must be a function');
  }
  if (options.fetcher !== undefined && options.ca !== undefined) {
    throw new TypeError(
      'cognito-guard: jwks.ca applies to the default fetcher only; give one or the other',
    );
  }
  const fetcher = options.fetcher ?? createDefaultFetcher({ ca: options.ca });
  const clock = options.clock ?? Date.now;
  const onEvent = options.onEvent;
  const entries = new Map<string, Entry>();

  function entryFor(uri: string): Entry {
    let entry = entries.get(uri);
    if (entry === undefined) {
      entry = {
        keys: undefined,
        jwks: undefined,
        fetchedAt: Number.NEGATIVE_INFINITY,
        attemptAt: Number.NEGATIVE_INFINITY,
        lastError: undefined,
        inflight: undefined,
      };
      entries.set(uri, entry);
    }
    return entry;
  }

  function emit(event: JwksEvent): void {
    notifyHook(onEvent, event);
  }

  /** Calls the fetcher under one overall deadline, whether or not it honours the signal. */
  async function fetchWithDeadline(uri: string): Promise<JwksResponse> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(refusal('JWKS_UNAVAILABLE', 'JWKS fetch timed out'));
      }, timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([fetcher(uri, { signal: controller.signal, maxBytes }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  function store(entry: Entry, admitted: { keys: Map<string, Slot>; jwks: Jwks }): void {
    const previous = entry.keys;
    if (previous !== undefined) {
      for (const [kid, slot] of admitted.keys) {
        const held = previous.get(kid);
        if (held !== undefined && sameKey(held, slot)) admitted.keys.set(kid, held);
      }
    }
    entry.keys = admitted.keys;
    entry.jwks = admitted.jwks;
    entry.fetchedAt = clock();
    entry.lastError = undefined;
  }

  /** Starts (or joins) the one fetch for `uri`. Never rejects: failures land in `lastError`. */
  function fetchInto(uri: string, entry: Entry): Promise<void> {
    if (entry.inflight !== undefined) return entry.inflight;
    entry.attemptAt = clock();
    const started = performance.now();
    entry.inflight = (async () => {
      try {
        const response = await fetchWithDeadline(uri);
        const admitted = admitJwks(parseResponse(response, maxBytes), alg);
        store(entry, admitted);
        emit({
          type: 'jwks-fetch',
          jwksUri: uri,
          durationMs: performance.now() - started,
          keys: admitted.keys.size,
        });
      } catch (err) {
        const error = isAuthError(err) ? err : new AuthError('JWKS_UNAVAILABLE', { cause: err });
        entry.lastError = error;
        emit({
          type: 'jwks-error',
          jwksUri: uri,
          durationMs: performance.now() - started,
          code: error.code,
        });
      } finally {
        entry.inflight = undefined;
      }
    })();
    return entry.inflight;
  }

  /** A fresh copy of the entry's last error, with how long until the next attempt may run. */
  function unavailable(entry: Entry): AuthError {
    const last = entry.lastError;
    return new AuthError(last?.code === 'JWKS_INVALID' ? 'JWKS_INVALID' : 'JWKS_UNAVAILABLE', {
      cause: last?.cause ?? last,
      retryAfterSeconds: retryAfter(entry),
    });
  }

  /** Whole seconds until the next fetch attempt for `entry` is allowed; at least 1. */
  function retryAfter(entry: Entry): number {
    return Math.max(1, Math.ceil((entry.attemptAt + cooldownMs - clock()) / 1000));
  }

  function isFresh(entry: Entry, now: number): boolean {
    return entry.keys !== undefined && now - entry.fetchedAt < ttlMs;
  }

  function lookup(entry: Entry, kid: string): AdmittedKey {
    const now = clock();
    const usable =
      isFresh(entry, now) ||
      // Stale-if-error: only while the latest attempt failed, and only for so long.
      (entry.keys !== undefined &&
        entry.lastError !== undefined &&
        now - entry.fetchedAt < ttlMs + staleMs);
    if (!usable) throw unavailable(entry);
    const slot = entry.keys!.get(kid);
    if (slot !== undefined) return slotToKey(slot);
    // An unknown kid while the JWKS cannot be fetched may be a key we have not seen yet.
    if (entry.lastError !== undefined) throw unavailable(entry);
    throw refusal('KEY_NOT_FOUND');
  }

  const cache: JwksCache & { [CACHE_BRAND]: true } = {
    [CACHE_BRAND]: true,

    peekKey(uri, kid) {
      const entry = entries.get(uri);
      if (entry === undefined || !isFresh(entry, clock())) return undefined;
      const slot = entry.keys!.get(kid);
      return slot === undefined || 'rejected' in slot ? undefined : slot;
    },

    async getKey(uri, kid) {
      const entry = entryFor(uri);
      const fresh = isFresh(entry, clock());
      if (fresh) {
        const slot = entry.keys!.get(kid);
        if (slot !== undefined) return slotToKey(slot);
      }
      // Unknown kid, or keys stale or absent: fetch if one is under way or the cooldown allows.
      if (entry.inflight !== undefined || clock() - entry.attemptAt >= cooldownMs) {
        await fetchInto(uri, entry);
        return lookup(entry, kid);
      }
      if (fresh && entry.lastError === undefined) {
        // Keys held and fresh, this kid not among them, and no fetch allowed yet: possibly a
        // key published since the last fetch. Retry once the cooldown ends (see above).
        throw new AuthError('JWKS_UNAVAILABLE', {
          cause: 'unknown kid; the JWKS may be fetched again after the cooldown',
          retryAfterSeconds: retryAfter(entry),
        });
      }
      return lookup(entry, kid);
    },

    wouldFetch(uri, kid) {
      const entry = entries.get(uri);
      if (entry === undefined) return true;
      if (entry.inflight !== undefined) return true;
      if (isFresh(entry, clock()) && entry.keys!.has(kid)) return false;
      return clock() - entry.attemptAt >= cooldownMs;
    },

    async refresh(uri) {
      const entry = entryFor(uri);
      await fetchInto(uri, entry);
      if (entry.lastError !== undefined) throw unavailable(entry);
    },

    // aws-jwt-verify's JwksCache interface.
    async getJwk(uri, decomposedJwt) {
      const kid = decomposedJwt.header.kid;
      if (typeof kid !== 'string') throw refusal('KID_MISSING');
      return (await cache.getKey(uri, kid)).jwk;
    },

    getCachedJwk(uri, decomposedJwt) {
      const kid = decomposedJwt.header.kid;
      if (typeof kid !== 'string') throw refusal('KID_MISSING');
      const key = cache.peekKey(uri, kid);
      if (key === undefined) throw refusal('KEY_NOT_FOUND');
      return key.jwk;
    },

    addJwks(uri, jwks) {
      // Seeding (serverless cold starts, air-gapped tests): the same rules as a fetch.
      store(entryFor(uri), admitJwks(jwks, alg));
    },

    async getJwks(uri) {
      const entry = entryFor(uri);
      if (!isFresh(entry, clock())) await cache.refresh(uri);
      return entry.jwks!;
    },
  };
  return cache;
}

/** True for hosts that never leave the machine: the only ones plain `http:` may name. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Checks a JWKS URI at configuration time: https, or http to a loopback address (tests and
 * local emulators), with no credentials in it.
 */
export function assertJwksUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TypeError('cognito-guard: jwksUri must be an absolute URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('cognito-guard: jwksUri must not carry credentials');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new TypeError('cognito-guard: jwksUri must use https (http only for a loopback address)');
}
