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
 *   Admission Policy", ACM TOS 2017, https://doi.org/10.1145/3149371). The first verification
 *   only sets three bits of a Bloom filter ({@link DOORKEEPER_BITS} bits, 128 KiB, allocated
 *   once, no garbage), cleared after {@link DOORKEEPER_RESET} first sightings so that it keeps
 *   a false-positive rate of a few percent at most (a false positive only caches a token one
 *   verification early; the cache itself still matches the exact token). A stream of tokens
 *   each seen once (distinct-token traffic, or a flood of many valid tokens) then neither
 *   flushes the tokens that are used again and again nor pays for an insert, an eviction and
 *   the garbage of both on every request: measured in `pnpm bench`, caching every outcome cost
 *   about 10% of a verification on a miss-only workload. A token used many times pays one
 *   extra verification in its lifetime.
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

/** Bits of the doorkeeper's Bloom filter (see above): a power of two. */
export const DOORKEEPER_BITS = 1 << 20;

/**
 * First sightings after which the doorkeeper starts empty again: ten times the default cache
 * size, TinyLFU's sample size. With three bits per token, its false-positive rate stays under
 * 2%: (1 - e^(-3n/m))^3 for n = 100,000 tokens and m = 2^20 bits.
 */
export const DOORKEEPER_RESET = 100_000;

/**
 * FNV-1a over a token's last 32 characters (192 bits of its RSA signature), from `seed`, then
 * MurmurHash3's finalizer so that every bit of the result depends on every character (FNV's low
 * bits alone mix poorly, and the filter indexes with them).
 */
function hashTail(token: string, seed: number): number {
  let hash = seed;
  for (let i = Math.max(0, token.length - 32); i < token.length; i++) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/**
 * The doorkeeper: `true` when `token` was (probably) seen before; records it otherwise. Three
 * bit positions by double hashing (Kirsch, Mitzenmacher, "Less Hashing, Same Performance",
 * 2006), two FNV-1a hashes of the signature's tail.
 */
function createDoorkeeper(): (token: string) => boolean {
  const words = new Int32Array(DOORKEEPER_BITS / 32);
  let recorded = 0;
  return (token) => {
    const h1 = hashTail(token, 0x811c9dc5);
    const h2 = hashTail(token, 0x050c5d1f) | 1;
    let seen = true;
    for (let i = 0; i < 3; i++) {
      const bit = (h1 + Math.imul(i, h2)) & (DOORKEEPER_BITS - 1);
      const index = bit >>> 5;
      const word = words[index] ?? 0;
      const mask = 1 << (bit & 31);
      if ((word & mask) === 0) {
        seen = false;
        words[index] = word | mask;
      }
    }
    if (!seen && ++recorded >= DOORKEEPER_RESET) {
      words.fill(0);
      recorded = 0;
    }
    return seen;
  };
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
  const seenBefore = createDoorkeeper();
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
      // The first verification of a token is only remembered (the doorkeeper, see above).
      if (!lru.has(key) && !seenBefore(token)) return;
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
