import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternsOverlap, resourceMatches } from '../src/resource-glob.js';

describe('resourceMatches', () => {
  it.each([
    ['GET/orders', 'GET/orders', true],
    ['GET/orders', 'GET/orders/1', false],
    ['GET/orders/*', 'GET/orders/1', true],
    // `*` crosses `/` in IAM resources (SECURITY.md, decision 13).
    ['GET/orders/*', 'GET/orders/1/items/2', true],
    ['GET/orders/*', 'GET/orders', false],
    ['GET/orders/*/items', 'GET/orders/a/b/items', true],
    ['*/*', 'GET/', true],
    ['GET/users*', 'GET/usersX', true],
    ['GET/?', 'GET/a', true],
    ['GET/?', 'GET/ab', false],
    // A `*` in the subject is just a character.
    ['GET/orders/1', 'GET/orders/*', false],
  ])('matches %s against %s: %s', (pattern, subject, expected) => {
    expect(resourceMatches(pattern, subject)).toBe(expected);
  });

  it('stays fast on adversarial inputs', () => {
    const pattern = `${'*a'.repeat(30)}b`;
    const subject = 'a'.repeat(1500);
    const started = performance.now();
    expect(resourceMatches(pattern, subject)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

/** Every string over `alphabet` up to `max` characters. */
function* strings(alphabet: readonly string[], max: number): Generator<string> {
  yield '';
  let level = [''];
  for (let length = 1; length <= max; length += 1) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

describe('patternsOverlap', () => {
  it('agrees with brute force on small patterns', () => {
    const pattern = fc.stringMatching(/^[ab/*]{0,4}$/);
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        // A common string, if any, needs at most the literal characters of both patterns.
        let brute = false;
        for (const s of strings(['a', 'b', '/'], 8)) {
          if (resourceMatches(a, s) && resourceMatches(b, s)) {
            brute = true;
            break;
          }
        }
        expect(patternsOverlap(a, b)).toBe(brute);
        expect(patternsOverlap(b, a)).toBe(brute);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['GET/orders/*', 'GET/*/secret', true],
    ['GET/orders/*', 'POST/*', false],
    ['GET/orders', 'GET/orders', true],
    ['GET/a/*', 'GET/b/*', false],
    ['*/*', 'DELETE/x', true],
  ])('%s and %s overlap: %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
  });
});
