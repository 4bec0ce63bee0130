import { describe, expect, it } from 'vitest';
import { ADMIT_ONE_IN, createTokenCache } from '../src/token-cache.js';

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

  it('once full, admits one new token in ADMIT_ONE_IN, so a stream of one-off tokens cannot flush it', () => {
    const token = (i: number) => `t${i}.${'z'.repeat(40)}${String(i).padStart(4, '0')}`;
    const cache = createTokenCache<{ n: number }>({ maxEntries: 4 }, () => 0);
    for (let i = 0; i < 4; i++) cache.set(token(i), { n: i }, 60_000, 10);
    // A stream of one-off tokens: only every ADMIT_ONE_IN-th gets in, evicting the oldest.
    for (let i = 100; i < 100 + 2 * ADMIT_ONE_IN; i++) cache.set(token(i), { n: i }, 60_000, 10);
    expect(cache.size).toBe(4);
    const held = [0, 1, 2, 3].filter((i) => cache.get(token(i)) !== undefined);
    expect(held).toEqual([2, 3]);
    expect(cache.get(token(100 + ADMIT_ONE_IN - 1))).toEqual({ n: 100 + ADMIT_ONE_IN - 1 });
    expect(cache.get(token(100 + 2 * ADMIT_ONE_IN - 1))).toEqual({ n: 100 + 2 * ADMIT_ONE_IN - 1 });
    expect(cache.get(token(100))).toBeUndefined();
    // A token already held is always updated, full or not.
    cache.set(token(3), { n: 33 }, 60_000, 10);
    expect(cache.get(token(3))).toEqual({ n: 33 });
  });
});
