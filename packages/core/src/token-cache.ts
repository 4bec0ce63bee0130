import { LRUCache } from 'lru-cache';
import { checkOptionKeys, optionKeys } from './option-keys.js';

/**
 * The verified-token cache (SECURITY.md, decision 12). Verifying an RS256 signature costs tens of
 * microseconds; a service sees the same token many times, so the result is kept:
 * - matched on the exact token string, so two spellings can never share an entry and one
 *   token can never read another's claims (fast-jwt CVE-2026-35039). The map is keyed by the
 *   token's last 32 characters (192 bits of its RSA signature): hashing a 32-character key
 *   costs far less than hashing a 1 KB token that arrives as a new string on every request.
 *   A hit whose stored token is not the exact token is a miss;
 * - an entry lives no longer than the token's `exp` (fast-jwt GHSA-x937-hj6v-793p), and the
 *   verifier re-runs the time checks and `isRevoked` on every hit anyway;
 * - bounded in entries and in estimated bytes, least recently used out first;
 * - a token's outcome is cached the second time it is verified, not the first (the
 *   "doorkeeper" of TinyLFU: Einziger, Friedman, Manes, "TinyLFU: A Highly Efficient Cache
 *   Admission Policy", ACM TOS 2017). The first verification only leaves a 32-bit fingerprint
 *   of the token in a fixed table ({@link DOORKEEPER_SLOTS} slots, 64 KiB, no garbage). A
 *   stream of tokens each seen once (distinct-token traffic, or a flood of many valid tokens)
 *   then neither flushes the tokens that are used again and again nor pays for an insert, an
 *   eviction and the garbage of both on every request: measured in `pnpm bench`, caching every
 *   outcome cost about 10% of a verification on a miss-only workload. A token used many
 *   times pays one extra verification in its lifetime. A fingerprint shared by two tokens
 *   only lets the second in early: the cache itself still matches the exact token.
 */

/** Options of the verified-token cache (`cache` in `createVerifier`). */
export interface TokenCacheOptions {
  /** Most entries held. Default 10000. */
  readonly maxEntries?: number;
  /** Most estimated bytes held (token and claims). Default 64 MiB. */
  readonly maxBytes?: number;
}

/** The keys of {@link TokenCacheOptions}: anything else is refused. */
const TOKEN_CACHE_KEYS = optionKeys<TokenCacheOptions>({ maxEntries: true, maxBytes: true });

/** A bounded token-to-result map whose entries expire with their tokens. */
export interface TokenCache<V> {
  get(token: string): V | undefined;
  set(token: string, value: V, expiresAtMs: number, payloadChars: number): void;
  delete(token: string): void;
  readonly size: number;
}

/**
 * The `cache` option of a verifier, checked: options, `false`, or absent. Anything else (`true`,
 * `null`, a string) is a `TypeError`, never a silent default.
 */
export function checkTokenCacheOption(value: unknown): TokenCacheOptions | false | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      'cognito-guard: cache must be verified-token cache options ({ maxEntries, maxBytes }) or false',
    );
  }
  return value as TokenCacheOptions;
}

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`cognito-guard: cache.${name} must be a positive integer`);
  }
  return value;
}

/** Slots of the doorkeeper's fingerprint table (see above): a power of two. */
export const DOORKEEPER_SLOTS = 1 << 14;

/**
 * A 32-bit fingerprint of a verified token (FNV-1a over its last 32 characters: 192 bits of
 * its RSA signature), never 0, so that an empty slot matches no token.
 */
function fingerprint(token: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, token.length - 32); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash | 1;
}

/** The map key of a token: its last 32 characters (see above). */
function keyOf(token: string): string {
  return token.length > 32 ? token.slice(-32) : token;
}

/** Creates the cache; `clock` (epoch ms) drives expiry so tests never sleep. */
export function createTokenCache<V extends object>(
  options: TokenCacheOptions,
  clock: () => number,
): TokenCache<V> {
  checkOptionKeys(options, TOKEN_CACHE_KEYS, 'cache');
  const maxEntries = checkLimit('maxEntries', options.maxEntries, 10_000);
  const maxBytes = checkLimit('maxBytes', options.maxBytes, 64 * 1024 * 1024);
  const seen = new Int32Array(DOORKEEPER_SLOTS);
  const lru = new LRUCache<string, { readonly token: string; readonly value: V }>({
    max: maxEntries,
    maxSize: maxBytes,
    ttlAutopurge: false,
    // lru-cache otherwise reuses one reading of the clock for a while (a timer refreshes it);
    // the injected clock must be read on every lookup.
    ttlResolution: 0,
    perf: { now: clock },
  });
  return {
    get(token) {
      const entry = lru.get(keyOf(token));
      return entry !== undefined && entry.token === token ? entry.value : undefined;
    },
    set(token, value, expiresAtMs, payloadChars) {
      const ttl = Math.floor(expiresAtMs - clock());
      if (ttl <= 0) return;
      // Measured in the benchmark: about 2.7 KiB of heap per entry for a 1 KB token (the token,
      // its frozen claims and result). Strings are one byte a character here (Latin-1).
      const size = token.length + payloadChars * 2 + 512;
      const key = keyOf(token);
      if (!lru.has(key)) {
        const print = fingerprint(token);
        const slot = print & (DOORKEEPER_SLOTS - 1);
        if (seen[slot] !== print) {
          // The first verification: remembered, not cached.
          seen[slot] = print;
          return;
        }
        seen[slot] = 0;
      }
      lru.set(key, { token, value }, { ttl, size });
    },
    delete(token) {
      const key = keyOf(token);
      if (lru.get(key)?.token === token) lru.delete(key);
    },
    get size() {
      return lru.size;
    },
  };
}
