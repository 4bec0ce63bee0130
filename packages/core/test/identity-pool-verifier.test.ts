import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/errors.js';
import {
  createIdentityPoolVerifier,
  IDENTITY_POOL_ARN_CLAIM,
  IDENTITY_POOL_ISSUER,
  type IdentityPoolTokenClaims,
  type IdentityPoolVerifierEvent,
  type IdentityPoolVerifierOptions,
} from '../src/identity-pool.js';
import type { JwksFetcher } from '../src/jwks-fetch.js';
import { manualClock, rejectionCode } from './helpers.js';

/**
 * The identity-pool verifier's verified-token cache and `isRevoked` hook: the guarantees of
 * `createVerifier`'s (token-cache.ts), for RS512 identity-pool OpenID tokens. Keys are the
 * test's own, served through an in-process JWKS fetcher the tests can change, so a refresh
 * with the same key, a new key under the same kid, and an expired token are all driven by
 * hand; the clock is injected, nothing sleeps.
 */

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const IDENTITY = 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce';
const KID = 'us-east-11';

interface TestKey {
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

function newKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS512', use: 'sig' },
  };
}

const keyA = newKey();
const keyB = newKey();

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs an identity-pool OpenID token as Cognito does: RS512, `typ: JWS`. */
function sign(key: TestKey, claims: Record<string, unknown>): string {
  const input = `${encode({ kid: KID, typ: 'JWS', alg: 'RS512' })}.${encode(claims)}`;
  const signature = createSign('sha512').update(input).sign(key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** The JWKS the fetcher serves, changed by the tests; every fetch is counted. */
function jwksServer(initial: TestKey) {
  let served: TestKey = initial;
  let fetches = 0;
  const fetcher: JwksFetcher = async () => {
    fetches += 1;
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ keys: [served.jwk] })),
    };
  };
  return {
    fetcher,
    serve: (key: TestKey) => {
      served = key;
    },
    get fetches() {
      return fetches;
    },
  };
}

type Extra = Partial<Omit<IdentityPoolVerifierOptions, 'identityPoolId'>>;

/** A verifier over `server`, its clock, and the events it reported. */
function setUp(extra: Extra = {}, server = jwksServer(keyA)) {
  const clock = manualClock();
  const events: IdentityPoolVerifierEvent[] = [];
  const { jwks, ...rest } = extra;
  const verifier = createIdentityPoolVerifier({
    identityPoolId: POOL,
    allowGuests: true,
    clock: clock.now,
    jwks: { fetcher: server.fetcher, ...jwks },
    onEvent: (event) => events.push(event),
    ...rest,
  });
  const now = () => Math.floor(clock.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: IDENTITY,
    aud: POOL,
    amr: ['authenticated', 'accounts.google.com', 'accounts.google.com:1098765'],
    iss: IDENTITY_POOL_ISSUER,
    [IDENTITY_POOL_ARN_CLAIM]: `arn:aws:cognito-identity:us-east-1:123456789012:identitypool/${POOL}`,
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });
  /** The `cached` flag of every verification reported so far. */
  const cachedFlags = () =>
    events.flatMap((e) => (e.type === 'identity-verified' ? [e.cached] : []));
  return { verifier, clock, events, server, claims, cachedFlags };
}

/**
 * Verifies `token` until its outcome is cached: the first verification only leaves a
 * fingerprint (the token cache's doorkeeper), the second caches the outcome.
 */
async function cacheIt(verifier: { verify(token: string): Promise<unknown> }, token: string) {
  await verifier.verify(token);
  await verifier.verify(token);
}

describe('createIdentityPoolVerifier token cache', () => {
  it('answers a repeated token from the cache, with the same frozen identity', async () => {
    const { verifier, server, claims, cachedFlags } = setUp();
    const token = sign(keyA, claims());
    await verifier.verify(token);
    // The second verification caches the outcome (the doorkeeper); the third is a hit.
    const cached = await verifier.verify(token);
    const hit = await verifier.verify(token);
    expect(hit).toBe(cached);
    expect(Object.isFrozen(hit)).toBe(true);
    expect(cachedFlags()).toEqual([false, false, true]);
    expect(server.fetches).toBe(1);
  });

  it('refuses a cached token once exp plus the tolerance has passed on the injected clock (EXPIRED)', async () => {
    const { verifier, clock, claims, cachedFlags, events } = setUp({ clockToleranceSeconds: 5 });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    clock.advance(600 + 4);
    await verifier.verify(token);
    expect(cachedFlags()).toEqual([false, false, true]);
    clock.advance(2);
    expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
    expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
    expect(cachedFlags()).toEqual([false, false, true]);
    expect(events.filter((e) => e.type === 'identity-rejected')).toEqual([
      { type: 'identity-rejected', code: 'EXPIRED' },
      { type: 'identity-rejected', code: 'EXPIRED' },
    ]);
  });

  it('re-checks the time claims on every hit, against the clock now (NOT_YET_VALID)', async () => {
    const { verifier, clock, claims } = setUp({ clockToleranceSeconds: 0 });
    const token = sign(keyA, claims({ nbf: Math.floor(clock.now() / 1000) }));
    await cacheIt(verifier, token);
    clock.advance(-10);
    expect(await rejectionCode(verifier.verify(token))).toBe('NOT_YET_VALID');
  });

  it('keeps answering from the cache after a JWKS refresh that serves the same key', async () => {
    const { verifier, server, claims, cachedFlags } = setUp();
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    await verifier.hydrate();
    expect(server.fetches).toBe(2);
    await verifier.verify(token);
    expect(cachedFlags()).toEqual([false, false, true]);
  });

  it('drops a cached outcome once the JWKS serves another key under the same kid (SIGNATURE_INVALID)', async () => {
    const server = jwksServer(keyA);
    const { verifier, claims, cachedFlags } = setUp({}, server);
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    server.serve(keyB);
    await verifier.hydrate();
    expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    expect(cachedFlags()).toEqual([false, false]);
    // A token of the new key is verified, and then cached, as usual.
    const fresh = sign(keyB, claims());
    await cacheIt(verifier, fresh);
    await verifier.verify(fresh);
    expect(cachedFlags()).toEqual([false, false, false, false, true]);
  });

  it('verifies in full again once the keys are stale, refetching them', async () => {
    const { verifier, server, clock, claims, cachedFlags } = setUp({ jwks: { ttlSeconds: 60 } });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    clock.advance(61);
    await verifier.verify(token);
    // The keys were stale, so the cache did not vouch for the token; the refetch served the
    // same key, and the next verify is a hit again.
    await verifier.verify(token);
    expect(cachedFlags()).toEqual([false, false, false, true]);
    expect(server.fetches).toBe(2);
  });

  it('never answers a forged payload under a cached token signature (SIGNATURE_INVALID)', async () => {
    const { verifier, claims } = setUp();
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${encode(claims({ sub: 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce' }))}.${signature}`;
    expect(forged.slice(-32)).toBe(token.slice(-32));
    expect(await rejectionCode(verifier.verify(forged))).toBe('SIGNATURE_INVALID');
  });

  it('verifies every time when cache is false', async () => {
    const { verifier, server, claims, cachedFlags } = setUp({ cache: false });
    const token = sign(keyA, claims());
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(cachedFlags()).toEqual([false, false]);
    expect(server.fetches).toBe(1);
  });

  it('takes the cache options of createVerifier', async () => {
    const { verifier, claims, cachedFlags } = setUp({ cache: { maxEntries: 1, maxBytes: 65_536 } });
    const one = sign(keyA, claims());
    const two = sign(keyA, claims({ sub: 'us-east-1:5f291106-8703-466b-8f2b-3ecee1ca56ce' }));
    await cacheIt(verifier, one);
    await verifier.verify(one); // a hit
    await cacheIt(verifier, two); // full at one entry: `one` goes
    await verifier.verify(one);
    expect(cachedFlags()).toEqual([false, false, true, false, false, false]);
  });

  it.each([
    ['an unknown cache key', { cache: { maxEntrys: 10 } }, /unknown cache option "maxEntrys"/],
    ['cache: true', { cache: true }, /cache must be/],
    ['cache: null', { cache: null }, /cache must be/],
    ['a cache of zero entries', { cache: { maxEntries: 0 } }, /maxEntries/],
    ['a non-function isRevoked', { isRevoked: true }, /isRevoked must be a function/],
  ])('throws a TypeError at creation for %s', (_name, extra, message) => {
    expect(() =>
      createIdentityPoolVerifier({
        identityPoolId: POOL,
        allowGuests: false,
        ...(extra as Extra),
      }),
    ).toThrow(message);
  });
});

describe('createIdentityPoolVerifier isRevoked', () => {
  it('passes the verified, frozen claims: sub is the identity id, aud the identity pool', async () => {
    const seen: IdentityPoolTokenClaims[] = [];
    const { verifier, claims } = setUp({
      isRevoked: (c) => {
        seen.push(c);
        return false;
      },
    });
    const identity = await verifier.verify(sign(keyA, claims()));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(identity.claims);
    expect(seen[0]).toMatchObject({ sub: IDENTITY, aud: POOL, iss: IDENTITY_POOL_ISSUER });
    expect(Object.isFrozen(seen[0]!.amr)).toBe(true);
  });

  it('refuses a token the hook answers true for synchronously (REVOKED), and does not cache it', async () => {
    let calls = 0;
    const { verifier, claims, cachedFlags } = setUp({
      isRevoked: () => {
        calls += 1;
        return true;
      },
    });
    const token = sign(keyA, claims());
    expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    expect(calls).toBe(2);
    expect(cachedFlags()).toEqual([]);
  });

  it('refuses a token revoked after it was cached, on the hit (REVOKED)', async () => {
    const revoked = new Set<string>();
    const { verifier, claims, cachedFlags } = setUp({ isRevoked: (c) => revoked.has(c.sub) });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    await verifier.verify(token);
    revoked.add(IDENTITY);
    expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    expect(cachedFlags()).toEqual([false, false, true]);
  });

  it('awaits a promise answer, on a miss and on a hit', async () => {
    let revoked = false;
    const { verifier, claims, cachedFlags } = setUp({ isRevoked: async () => revoked });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    await verifier.verify(token);
    expect(cachedFlags()).toEqual([false, false, true]);
    revoked = true;
    expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    const other = sign(keyA, claims({ sub: 'us-east-1:6f291106-8703-466b-8f2b-3ecee1ca56ce' }));
    expect(await rejectionCode(verifier.verify(other))).toBe('REVOKED');
  });

  it('fails closed when the hook throws or rejects with anything but an AuthError (REVOKED)', async () => {
    const throwing = setUp({
      isRevoked: () => {
        throw new Error('deny list down');
      },
    });
    expect(await rejectionCode(throwing.verifier.verify(sign(keyA, throwing.claims())))).toBe(
      'REVOKED',
    );
    const rejecting = setUp({ isRevoked: () => Promise.reject(new Error('timeout')) });
    expect(await rejectionCode(rejecting.verifier.verify(sign(keyA, rejecting.claims())))).toBe(
      'REVOKED',
    );
  });

  it('keeps the code of an AuthError from the hook (REVOCATION_UNAVAILABLE), on a miss and on a hit', async () => {
    let down = false;
    const { verifier, claims, cachedFlags } = setUp({
      isRevoked: () => {
        if (down) throw new AuthError('REVOCATION_UNAVAILABLE', { retryAfterSeconds: 2 });
        return false;
      },
    });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    down = true;
    const onHit = await verifier.verify(token).catch((e: unknown) => e);
    expect(onHit).toBeInstanceOf(AuthError);
    expect((onHit as AuthError).code).toBe('REVOCATION_UNAVAILABLE');
    expect((onHit as AuthError).status).toBe(503);
    expect((onHit as AuthError).retryAfterSeconds).toBe(2);
    const fresh = sign(keyA, claims({ sub: 'us-east-1:7f291106-8703-466b-8f2b-3ecee1ca56ce' }));
    expect(await rejectionCode(verifier.verify(fresh))).toBe('REVOCATION_UNAVAILABLE');
    const asyncDown = setUp({
      isRevoked: async () => {
        throw new AuthError('REVOCATION_UNAVAILABLE');
      },
    });
    expect(await rejectionCode(asyncDown.verifier.verify(sign(keyA, asyncDown.claims())))).toBe(
      'REVOCATION_UNAVAILABLE',
    );
    // The hit was dropped when the hook failed: once the list is back, the token is verified
    // in full again (and cached at once: the doorkeeper has seen it), then answered from the
    // cache.
    down = false;
    await verifier.verify(token);
    await verifier.verify(token);
    expect(cachedFlags()).toEqual([false, false, false, true]);
  });

  it('runs the hook with the cache off too', async () => {
    const { verifier, claims } = setUp({ cache: false, isRevoked: () => true });
    expect(await rejectionCode(verifier.verify(sign(keyA, claims())))).toBe('REVOKED');
  });

  it('never runs the hook for a token the verifier refuses', async () => {
    let calls = 0;
    const { verifier, claims } = setUp({
      allowGuests: false,
      isRevoked: () => {
        calls += 1;
        return false;
      },
    });
    const guest = sign(keyA, claims({ amr: ['unauthenticated'] }));
    expect(await rejectionCode(verifier.verify(guest))).toBe('TOKEN_USE');
    expect(calls).toBe(0);
  });

  it('answers a cache hit without awaiting when the hook answers synchronously', async () => {
    const { verifier, claims } = setUp({ isRevoked: () => false });
    const token = sign(keyA, claims());
    await cacheIt(verifier, token);
    // A settled promise: its callback runs before a callback queued after it in the same turn.
    const order: string[] = [];
    const hit = verifier.verify(token).then(() => order.push('hit'));
    await Promise.resolve().then(() => order.push('tick'));
    await hit;
    expect(order).toEqual(['hit', 'tick']);
  });
});
