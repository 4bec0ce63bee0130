import { describe, expect, it } from 'vitest';
import { checkHttpAdapterOptions } from '../src/http-adapter.js';
import { createJwksCache } from '../src/jwks-cache.js';
import { checkOptionKeys, optionKeys } from '../src/option-keys.js';
import { createVerifier, type VerifierOptions } from '../src/verifier.js';

const pool = { userPoolId: 'us-east-1_Example', clientId: 'client', tokenUse: 'access' } as const;

/** The TypeError `make` throws; fails when it throws nothing or something else. */
function typeErrorOf(make: () => unknown): TypeError {
  try {
    make();
  } catch (err) {
    if (err instanceof TypeError) return err;
    throw new Error(`expected a TypeError, got ${String(err)}`);
  }
  throw new Error('expected a TypeError, but nothing was thrown');
}

const verifierWith = (options: Record<string, unknown>) => () =>
  createVerifier(options as unknown as VerifierOptions<'access'>);

describe('checkOptionKeys', () => {
  const known = optionKeys<{ tokenUse?: string; clientId?: string; realm?: string }>({
    tokenUse: true,
    clientId: true,
    realm: true,
  });

  it('accepts an object of known keys, and leaves non-objects to the caller', () => {
    expect(() =>
      checkOptionKeys({ tokenUse: 'x', realm: undefined }, known, 'thing'),
    ).not.toThrow();
    for (const value of [undefined, null, 'text', 1]) {
      expect(() => checkOptionKeys(value, known, 'thing')).not.toThrow();
    }
  });

  it('names an unknown key, and the known key it differs from only in case', () => {
    expect(typeErrorOf(() => checkOptionKeys({ tokenuse: 'x' }, known, 'thing')).message).toBe(
      'cognito-guard: unknown thing option "tokenuse" (did you mean "tokenUse"?)',
    );
    expect(typeErrorOf(() => checkOptionKeys({ clientID: 'x' }, known, 'thing')).message).toBe(
      'cognito-guard: unknown thing option "clientID" (did you mean "clientId"?)',
    );
  });

  it('suggests a known key two edits away, and nothing for an unrelated key', () => {
    expect(typeErrorOf(() => checkOptionKeys({ relm: 'x' }, known, 'thing')).message).toContain(
      '(did you mean "realm"?)',
    );
    expect(typeErrorOf(() => checkOptionKeys({ issuer: 'x' }, known, 'thing')).message).toBe(
      'cognito-guard: unknown thing option "issuer"',
    );
  });

  it('refuses an unknown key even when its value is undefined', () => {
    expect(() => checkOptionKeys({ optinal: undefined }, known, 'thing')).toThrow(TypeError);
  });

  it('shortens a very long key in the message', () => {
    const message = typeErrorOf(() =>
      checkOptionKeys({ ['k'.repeat(10_000)]: 1 }, known, 't'),
    ).message;
    expect(message.length).toBeLessThan(200);
  });

  it('says why a misplaced key is refused', () => {
    const misplaced = { keys: new Set(['userPoolId']), why: 'belongs elsewhere' };
    expect(
      typeErrorOf(() => checkOptionKeys({ userPoolId: 'x' }, known, 'thing', misplaced)).message,
    ).toBe('cognito-guard: thing option "userPoolId" belongs elsewhere');
  });
});

describe('createVerifier unknown options', () => {
  it.each([
    ['iss', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example' }],
    ['tokenuse', { tokenuse: 'id' }],
    ['clientID', { clientID: 'other' }],
    ['clockTolerance', { clockTolerance: 5 }],
  ])('throws a TypeError naming "%s" at the top level', (key, extra) => {
    expect(typeErrorOf(verifierWith({ ...pool, ...extra })).message).toContain(
      `unknown verifier option "${key}"`,
    );
  });

  it('throws a TypeError naming an unknown key of the emulator option', () => {
    const make = verifierWith({
      userPoolId: 'local_abc',
      clientId: 'client',
      tokenUse: 'access',
      emulator: { issuer: 'http://localhost:9229/local_abc', jwksURI: 'x' },
    });
    expect(typeErrorOf(make).message).toBe(
      'cognito-guard: unknown emulator option "jwksURI" (did you mean "jwksUri"?)',
    );
  });

  it('throws a TypeError naming an unknown key in an entry of userPools', () => {
    const make = verifierWith({
      userPools: [pool, { ...pool, userPoolId: 'us-east-1_B', tokenuse: 'id' }],
    });
    expect(typeErrorOf(make).message).toBe(
      'cognito-guard: unknown userPools[1] option "tokenuse" (did you mean "tokenUse"?)',
    );
  });

  it('says a pool option next to userPools belongs in each entry', () => {
    const make = verifierWith({ userPools: [pool], clientId: 'ignored-before' });
    expect(typeErrorOf(make).message).toBe(
      'cognito-guard: verifier option "clientId" goes in each entry of userPools, not next to it',
    );
  });

  it('throws a TypeError naming an unknown jwks or cache option', () => {
    expect(typeErrorOf(verifierWith({ ...pool, jwks: { ttl: 60 } })).message).toContain(
      'unknown jwks option "ttl"',
    );
    expect(typeErrorOf(verifierWith({ ...pool, cache: { maxSize: 10 } })).message).toContain(
      'unknown cache option "maxSize"',
    );
  });

  it('still accepts every documented option', () => {
    expect(() =>
      createVerifier({
        ...pool,
        jwksUri: 'https://example.com/jwks.json',
        clockToleranceSeconds: 1,
        maxTokenLifetimeSeconds: 3600,
        maxTokenBytes: 4096,
        clock: Date.now,
        jwks: { ttlSeconds: 60, cooldownSeconds: 1, timeoutMs: 100, maxBytes: 4096 },
        cache: { maxEntries: 10, maxBytes: 100_000 },
        isRevoked: () => false,
        onEvent: () => {},
      }),
    ).not.toThrow();
  });
});

describe('createJwksCache unknown options', () => {
  it('throws a TypeError naming the key', () => {
    expect(typeErrorOf(() => createJwksCache({ timeout: 10 } as never)).message).toBe(
      'cognito-guard: unknown jwks option "timeout" (did you mean "timeoutMs"?)',
    );
  });
});

describe('checkHttpAdapterOptions unknown options', () => {
  const verifier = createVerifier(pool);

  it('names an unknown key in the words of the adapter', () => {
    expect(
      typeErrorOf(() =>
        checkHttpAdapterOptions({ verifier, optinal: true } as never, 'cognitoAuth'),
      ).message,
    ).toBe('cognito-guard: unknown cognitoAuth option "optinal" (did you mean "optional"?)');
  });

  it('accepts verifier options mixed in, and refuses a typo among them', () => {
    expect(() => checkHttpAdapterOptions({ ...pool, realm: 'r' }, 'x')).not.toThrow();
    expect(
      typeErrorOf(() => checkHttpAdapterOptions({ ...pool, clientID: 'c' } as never, 'x')).message,
    ).toContain('unknown x option "clientID"');
  });

  it('says a verifier option next to a verifier belongs to createVerifier', () => {
    expect(
      typeErrorOf(() => checkHttpAdapterOptions({ verifier, tokenUse: 'id' } as never, 'x'))
        .message,
    ).toBe(
      'cognito-guard: x option "tokenUse" is an option of createVerifier: with `verifier`, give it to createVerifier',
    );
  });

  it('accepts keys the framework passes along when the adapter names them', () => {
    expect(() =>
      checkHttpAdapterOptions({ verifier, prefix: '/v1' } as never, 'x', ['prefix']),
    ).not.toThrow();
    expect(() => checkHttpAdapterOptions({ verifier, prefix: '/v1' } as never, 'x')).toThrow(
      TypeError,
    );
  });
});
