import { describe, expect, it } from 'vitest';
import { createTokenCache } from '../src/token-cache.js';

describe('createTokenCache', () => {
  const tail = 'x'.repeat(32);

  it('answers only the exact token, even when another shares its last 32 characters', () => {
    const cache = createTokenCache<{ n: number }>({}, () => 0);
    cache.set(`a.b.${tail}`, { n: 1 }, 60_000, 10);
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
    expect(cache.get(`a.c.${tail}`)).toBeUndefined();
    // Deleting a look-alike leaves the real entry alone.
    cache.delete(`a.c.${tail}`);
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
  });

  it('drops an entry at its expiry, on the injected clock', () => {
    let now = 1_000;
    const cache = createTokenCache<{ n: number }>({}, () => now);
    cache.set(`a.b.${tail}`, { n: 1 }, 61_000, 10);
    now = 60_999;
    expect(cache.get(`a.b.${tail}`)).toEqual({ n: 1 });
    now = 61_001;
    expect(cache.get(`a.b.${tail}`)).toBeUndefined();
  });

  it('does not store what has already expired', () => {
    const cache = createTokenCache<{ n: number }>({}, () => 5_000);
    cache.set(`a.b.${tail}`, { n: 1 }, 4_000, 10);
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries', () => {
    const cache = createTokenCache<{ n: number }>({ maxEntries: 3 }, () => 0);
    for (let i = 0; i < 10; i++) cache.set(`t${i}.${'y'.repeat(40)}${i}`, { n: i }, 60_000, 10);
    expect(cache.size).toBe(3);
  });
});
