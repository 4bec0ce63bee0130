import { describe, expect, it } from 'vitest';
import { createTokenCache, DOORKEEPER_RESET, type TokenCache } from '../src/token-cache.js';

/** A token's second verification is the one that caches it (the doorkeeper). */
function setTwice<V>(cache: TokenCache<V>, token: string, value: V, expiresAtMs: number): void {
  cache.set(token, value, expiresAtMs, 10);
  cache.set(token, value, expiresAtMs, 10);
}

describe('createTokenCache', () => {
  const tail = 'x'.repeat(32);

  it('answers only the exact token, even when another shares its last 32 characters', () => {
    const cache = createTokenCache<{ n: number }>({}, () => 0);
    setTwice(cache, `a.b.${tail}`, { n: 1 }, 60_000);
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
    expect(cache.get(`a.c.${tail}`)).toBeUndefined();
    // Deleting a look-alike leaves the real entry alone.
    cache.delete(`a.c.${tail}`);
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
  });

  it('caches a token on its second verification, not its first', () => {
    const cache = createTokenCache<{ n: number }>({}, () => 0);
    cache.set(`a.b.${tail}`, { n: 1 }, 60_000, 10);
    expect(cache.get(`a.b.${tail}`)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set(`a.b.${tail}`, { n: 1 }, 60_000, 10);
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
  });

  it('drops an entry at its expiry, on the injected clock', () => {
    let now = 1_000;
    const cache = createTokenCache<{ n: number }>({}, () => now);
    setTwice(cache, `a.b.${tail}`, { n: 1 }, 61_000);
    now = 60_999;
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
    now = 61_001;
    expect(cache.get(`a.b.${tail}`)).toBeUndefined();
  });

  it('does not store what has already expired', () => {
    const cache = createTokenCache<{ n: number }>({}, () => 5_000);
    setTwice(cache, `a.b.${tail}`, { n: 1 }, 4_000);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, least recently used out first', () => {
    const token = (i: number) => `t${i}.${'y'.repeat(40)}${i}`;
    const cache = createTokenCache<{ n: number }>({ maxEntries: 3 }, () => 0);
    for (let i = 0; i < 10; i++) setTwice(cache, token(i), { n: i }, 60_000);
    expect(cache.size).toBe(3);
    expect([7, 8, 9].map((i) => cache.get(token(i))?.n)).toEqual([7, 8, 9]);
  });

  it('a stream of one-off tokens never enters it, so the tokens used again stay', () => {
    const token = (i: number) => `t${i}.${'z'.repeat(40)}${String(i).padStart(6, '0')}`;
    const cache = createTokenCache<{ n: number }>({ maxEntries: 4 }, () => 0);
    for (let i = 0; i < 4; i++) setTwice(cache, token(i), { n: i }, 60_000);
    for (let i = 100; i < 5_100; i++) cache.set(token(i), { n: i }, 60_000, 10);
    expect(cache.size).toBe(4);
    expect([0, 1, 2, 3].map((i) => cache.get(token(i))?.n)).toEqual([0, 1, 2, 3]);
    // A token already held is always updated.
    cache.set(token(3), { n: 33 }, 60_000, 10);
    expect(cache.get(token(3))).toEqual({ n: 33 });
  });

  it('caches every one of many tokens verified in turn, twice each', () => {
    // Interleaved users: no token's first sighting is lost to another's.
    const token = (i: number) => `u${i}.${'w'.repeat(40)}${String(i).padStart(6, '0')}`;
    const cache = createTokenCache<{ n: number }>({}, () => 0);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 5_000; i++) cache.set(token(i), { n: i }, 60_000, 10);
    }
    expect(cache.size).toBe(5_000);
  });

  it('forgets first sightings after DOORKEEPER_RESET of them', () => {
    const token = (i: number) => `v${i}.${'q'.repeat(40)}${String(i).padStart(7, '0')}`;
    const cache = createTokenCache<{ n: number }>({ maxEntries: 10 }, () => 0);
    cache.set(token(0), { n: 0 }, 60_000, 10);
    // A few of these may be false positives that do not count: a thousand more make sure.
    for (let i = 1; i < DOORKEEPER_RESET + 1_000; i++) cache.set(token(i), { n: i }, 60_000, 10);
    // Token 0's sighting went with the reset: its next verification is a first one again.
    cache.set(token(0), { n: 0 }, 60_000, 10);
    expect(cache.get(token(0))).toBeUndefined();
    cache.set(token(0), { n: 0 }, 60_000, 10);
    expect(cache.get(token(0))).toEqual({ n: 0 });
  });
});
