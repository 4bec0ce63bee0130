import { LRUCache } from 'lru-cache';

/**
 * The verified-token cache (DESIGN.md §4). Verifying an RS256 signature costs tens of
 * microseconds; a service sees the same token many times, so the result is kept:
 * - keyed by the exact token string, so two spellings can never share an entry and one
 *   token can never read another's claims (fast-jwt CVE-2026-35039);
 * - an entry lives no longer than the token's `exp` (fast-jwt GHSA-x937-hj6v-793p), and the
 *   verifier re-runs the time checks and `isRevoked` on every hit anyway;
 * - bounded in entries and in estimated bytes, least recently used out first.
 */

/** Options of the verified-token cache (`cache` in `createVerifier`). */
export interface TokenCacheOptions {
  /** Most entries held. Default 10000. */
  readonly maxEntries?: number;
  /** Most estimated bytes held (token and claims). Default 64 MiB. */
  readonly maxBytes?: number;
}

/** A bounded token-to-result map whose entries expire with their tokens. */
export interface TokenCache<V> {
  get(token: string): V | undefined;
  set(token: string, value: V, expiresAtMs: number, payloadChars: number): void;
  delete(token: string): void;
  readonly size: number;
}

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`cognito-guard: cache.${name} must be a positive integer`);
  }
  return value;
}

/** Creates the cache; `clock` (epoch ms) drives expiry so tests never sleep. */
export function createTokenCache<V extends object>(
  options: TokenCacheOptions,
  clock: () => number,
): TokenCache<V> {
  const lru = new LRUCache<string, V>({
    max: checkLimit('maxEntries', options.maxEntries, 10_000),
    maxSize: checkLimit('maxBytes', options.maxBytes, 64 * 1024 * 1024),
    ttlAutopurge: false,
    perf: { now: clock },
  });
  return {
    get: (token) => lru.get(token),
    set(token, value, expiresAtMs, payloadChars) {
      const ttl = Math.floor(expiresAtMs - clock());
      if (ttl <= 0) return;
      // Strings are two bytes a character; parsed claims take roughly three times their text.
      const size = token.length * 2 + payloadChars * 6 + 512;
      lru.set(token, value, { ttl, size });
    },
    delete: (token) => {
      lru.delete(token);
    },
    get size() {
      return lru.size;
    },
  };
}
