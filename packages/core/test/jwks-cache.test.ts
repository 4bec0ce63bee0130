import { generateKeyPairSync } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache } from '../src/jwks-cache.js';
import { createVerifier, type VerifierEvent } from '../src/verifier.js';
import { manualClock, rejectionCode } from './helpers.js';

// Every test here talks to a real JWKS server on 127.0.0.1 (the testing kit's), and moves an
// injected clock instead of sleeping through TTLs and cooldowns.
let issuer: TestIssuer;
let plain: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: () => Date.UTC(2026, 10, 1) });
  plain = await createTestIssuer({
    userPoolId: 'us-west-2_PlainHttp',
    clock: () => Date.UTC(2026, 10, 1),
  });
});

afterEach(() => {
  issuer.misbehave(null);
  issuer.setJwks(undefined);
  plain.misbehave(null);
  plain.setJwks(undefined);
});

afterAll(async () => {
  await issuer?.close();
  await plain?.close();
});

function setup(jwks: Record<string, unknown> = {}, target: TestIssuer = issuer) {
  const clock = manualClock();
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    userPoolId: target.userPoolId,
    clientId: target.clientId,
    tokenUse: 'access',
    jwksUri: target.jwksUri,
    clock: clock.now,
    cache: false,
    jwks: { ...(target.ca === undefined ? {} : { ca: target.ca }), ...jwks },
    onEvent: (e) => events.push(e),
  });
  const fetches = () =>
    events.filter((e) => e.type === 'jwks-fetch' || e.type === 'jwks-error').length;
  return { clock, verifier, events, fetches };
}

describe('JWKS cache', () => {
  it('makes one fetch for 200 concurrent cold verifies', async () => {
    const { verifier, fetches } = setup();
    const before = issuer.requestCount;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => issuer.mintAccessToken({ username: `u${i}` })),
    );
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => verifier.verify(tokens[i % 20]!)),
    );
    expect(results).toHaveLength(200);
    expect(issuer.requestCount - before).toBe(1);
    expect(fetches()).toBe(1);
  });

  it('makes at most one fetch per cooldown for a flood of unknown kids', async () => {
    const { verifier, clock } = setup({ cooldownSeconds: 30 });
    await verifier.hydrate();
    const before = issuer.requestCount;
    const flood = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        issuer.mintAccessToken({ header: { kid: `random-${i}` } }),
      ),
    );
    clock.advance(31);
    const codes = await Promise.all(flood.map((t) => rejectionCode(verifier.verify(t))));
    expect(new Set(codes)).toEqual(new Set(['KEY_NOT_FOUND']));
    expect(issuer.requestCount - before).toBe(1);
    // Within the cooldown: no fetch at all.
    clock.advance(10);
    await Promise.all(flood.map((t) => rejectionCode(verifier.verify(t))));
    expect(issuer.requestCount - before).toBe(1);
    // After it: one more.
    clock.advance(30);
    await Promise.all(flood.map((t) => rejectionCode(verifier.verify(t))));
    expect(issuer.requestCount - before).toBe(2);
  });

  it('serves known keys while the JWKS server is down, within staleIfErrorSeconds', async () => {
    const { verifier, clock } = setup({ ttlSeconds: 600, staleIfErrorSeconds: 3600 });
    const token = await issuer.mintAccessToken({ expiresIn: 86_000 });
    await verifier.verify(token);
    issuer.misbehave({ kind: 'down' });
    clock.advance(700);
    expect((await verifier.verify(token)).sub).toBeTruthy();
    // An unknown kid during the outage is a 503-class error, not a 401 that drops good tokens.
    const unknown = await issuer.mintAccessToken({ header: { kid: 'not-yet-seen' } });
    clock.advance(60);
    expect(await rejectionCode(verifier.verify(unknown))).toBe('JWKS_UNAVAILABLE');
    // Past the stale window even known keys stop working.
    clock.advance(600 + 3600);
    expect(await rejectionCode(verifier.verify(token))).toBe('JWKS_UNAVAILABLE');
    // Recovery once the server is back (after the cooldown).
    issuer.misbehave(null);
    clock.advance(31);
    expect((await verifier.verify(token)).sub).toBeTruthy();
  });

  it('answers JWKS_UNAVAILABLE on a cold start with the server down, and retries after the cooldown', async () => {
    plain.misbehave({ kind: 'down' });
    const { verifier: httpVerifier, clock: httpClock } = setup({ cooldownSeconds: 30 }, plain);
    const token = await plain.mintAccessToken();
    const before = plain.requestCount;
    expect(await rejectionCode(httpVerifier.verify(token))).toBe('JWKS_UNAVAILABLE');
    expect(await rejectionCode(httpVerifier.verify(token))).toBe('JWKS_UNAVAILABLE');
    expect(plain.requestCount - before).toBe(1);
    plain.misbehave(null);
    httpClock.advance(31);
    expect((await httpVerifier.verify(token)).tokenUse).toBe('access');
  });

  it('picks up a rotated key through an unknown-kid refetch', async () => {
    const { verifier, clock } = setup();
    await verifier.verify(await issuer.mintAccessToken());
    await issuer.rotateKeys({ keepPrevious: true });
    clock.advance(31);
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
  });

  it('rejects a removed key after the TTL refresh', async () => {
    const { verifier, clock } = setup({ ttlSeconds: 600 });
    const oldKid = issuer.currentKid;
    const old = await issuer.mintAccessToken({ expiresIn: 86_000 });
    await verifier.verify(old);
    await issuer.rotateKeys({ keepPrevious: true });
    issuer.removeKey(oldKid);
    clock.advance(100);
    expect((await verifier.verify(old)).tokenUse).toBe('access');
    clock.advance(600);
    expect(await rejectionCode(verifier.verify(old))).toBe('KEY_NOT_FOUND');
  });

  it.each([
    [
      'a redirect',
      { kind: 'redirect', location: 'https://127.0.0.1:1/evil' } as const,
      'JWKS_UNAVAILABLE',
    ],
    ['a 500', { kind: 'status', status: 500 } as const, 'JWKS_UNAVAILABLE'],
    ['a 404', { kind: 'status', status: 404 } as const, 'JWKS_UNAVAILABLE'],
    ['an oversized JWKS', { kind: 'oversized', bytes: 200_000 } as const, 'JWKS_INVALID'],
    [
      'an HTML page',
      { kind: 'raw', body: '<html>hi</html>', headers: { 'content-type': 'text/html' } } as const,
      'JWKS_INVALID',
    ],
    [
      'invalid UTF-8',
      { kind: 'raw', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) } as const,
      'JWKS_INVALID',
    ],
    ['a body without keys', { kind: 'raw', body: '{"kets":[]}' } as const, 'JWKS_INVALID'],
    [
      'a JWKS with duplicate members',
      { kind: 'raw', body: '{"keys":[],"keys":[]}' } as const,
      'JWKS_INVALID',
    ],
  ])('refuses %s', async (_name, mode, code) => {
    const { verifier } = setup();
    issuer.misbehave(mode);
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(code);
  });

  it('refuses a gzip-encoded JWKS instead of inflating it', async () => {
    const { verifier } = setup();
    issuer.misbehave({
      kind: 'raw',
      body: gzipSync(JSON.stringify(issuer.jwks())),
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
    });
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'JWKS_INVALID',
    );
  });

  it('gives up on a hanging server at the deadline', async () => {
    const { verifier } = setup({ timeoutMs: 300 });
    issuer.misbehave({ kind: 'hang' });
    const started = performance.now();
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'JWKS_UNAVAILABLE',
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
    });
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'JWKS_UNAVAILABLE',
    );
  });

  it.each([
    ['a duplicate kid', (jwk: Record<string, unknown>) => ({ keys: [jwk, jwk] })],
    ['e = 3', (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, e: 'Aw' }] })],
    ['e = 1', (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, e: 'AQ' }] })],
    ['use: enc', (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, use: 'enc' }] })],
    ['alg RS512', (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, alg: 'RS512' }] })],
    [
      'key_ops without verify',
      (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, key_ops: ['encrypt'] }] }),
    ],
    ['kty EC', (jwk: Record<string, unknown>) => ({ keys: [{ ...jwk, kty: 'EC' }] })],
  ])('rejects a key served with %s (KEY_REJECTED)', async (_name, build) => {
    const { verifier } = setup();
    const current = issuer.jwks().keys.find((k) => k.kid === issuer.currentKid)!;
    issuer.setJwks(build(current as unknown as Record<string, unknown>));
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'KEY_REJECTED',
    );
  });

  it('is shared between verifiers: one fetch serves both', async () => {
    const clock = manualClock();
    const jwks = createJwksCache({ ca: issuer.ca, clock: clock.now });
    const make = (tokenUse: 'access' | 'id') =>
      createVerifier({
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse,
        jwksUri: issuer.jwksUri,
        jwks,
        clock: clock.now,
      });
    const before = issuer.requestCount;
    await make('access').verify(await issuer.mintAccessToken());
    await make('id').verify(await issuer.mintIdToken());
    expect(issuer.requestCount - before).toBe(1);
  });

  it('can be seeded with addJwks and then verifies without any fetch', async () => {
    const jwks = createJwksCache({ fetcher: () => Promise.reject(new Error('no network here')) });
    jwks.addJwks(issuer.jwksUri, issuer.jwks() as never);
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
      jwks,
      clock: manualClock().now,
    });
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
  });

  it('keeps the admitted key object when a refresh serves the same key material, and replaces it when the material changes', async () => {
    const clock = manualClock();
    const jwks = createJwksCache({ clock: clock.now, ca: issuer.ca });
    await jwks.refresh(issuer.jwksUri);
    const kid = issuer.currentKid;
    const first = jwks.peekKey(issuer.jwksUri, kid);
    expect(first).toBeDefined();
    const before = issuer.requestCount;
    await jwks.refresh(issuer.jwksUri);
    // The refresh did fetch the JWKS again, and kept the key object.
    expect(issuer.requestCount - before).toBe(1);
    expect(jwks.peekKey(issuer.jwksUri, kid)).toBe(first);
    // Another modulus under the same kid: a new key object.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { n, e } = publicKey.export({ format: 'jwk' });
    jwks.addJwks(issuer.jwksUri, { keys: [{ kty: 'RSA', kid, n, e }] } as never);
    const changed = jwks.peekKey(issuer.jwksUri, kid);
    expect(changed).toBeDefined();
    expect(changed).not.toBe(first);
  });

  it('answers an unknown kid within the cooldown with JWKS_UNAVAILABLE and the remaining cooldown, without fetching', async () => {
    const clock = manualClock();
    const jwks = createJwksCache({ clock: clock.now, ca: issuer.ca, cooldownSeconds: 30 });
    await jwks.refresh(issuer.jwksUri);
    const before = issuer.requestCount;
    expect(jwks.wouldFetch(issuer.jwksUri, 'unknown')).toBe(false);
    expect(jwks.wouldFetch(issuer.jwksUri, issuer.currentKid)).toBe(false);
    clock.advance(12);
    const early = await jwks.getKey(issuer.jwksUri, 'unknown').catch((err: unknown) => err);
    expect(early).toMatchObject({ code: 'JWKS_UNAVAILABLE', retryAfterSeconds: 18 });
    expect(issuer.requestCount).toBe(before);
    // Once the cooldown is over the kid may cause one fetch, after which it is KEY_NOT_FOUND.
    clock.advance(18);
    expect(jwks.wouldFetch(issuer.jwksUri, 'unknown')).toBe(true);
    expect(jwks.wouldFetch(issuer.jwksUri, issuer.currentKid)).toBe(false);
    const late = await jwks.getKey(issuer.jwksUri, 'unknown').catch((err: unknown) => err);
    expect(late).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(issuer.requestCount).toBe(before + 1);
  });

  it('applies every rule to what an injected fetcher returns', async () => {
    const jwks = createJwksCache({
      fetcher: async () => ({ status: 200, headers: {}, body: new Uint8Array(100_000).fill(0x20) }),
    });
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
      jwks,
    });
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'JWKS_INVALID',
    );
  });

  it('enforces the deadline on an injected fetcher that ignores its signal', async () => {
    const jwks = createJwksCache({ timeoutMs: 100, fetcher: () => new Promise(() => {}) });
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
      jwks,
    });
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
      'JWKS_UNAVAILABLE',
    );
  });

  it('tells hydrate() callers when the JWKS cannot be fetched', async () => {
    const { verifier } = setup();
    issuer.misbehave({ kind: 'status', status: 503 });
    expect(await rejectionCode(verifier.hydrate())).toBe('JWKS_UNAVAILABLE');
  });
});

describe('the verified-token cache and the JWKS', () => {
  it('stops answering a cached token once its key is removed from the JWKS', async () => {
    const clock = manualClock();
    const verifier = createVerifier({
      userPoolId: plain.userPoolId,
      clientId: plain.clientId,
      tokenUse: 'access',
      jwksUri: plain.jwksUri,
      clock: clock.now,
      jwks: { ttlSeconds: 600 },
    });
    const oldKid = plain.currentKid;
    const token = await plain.mintAccessToken({ expiresIn: 86_000 });
    await verifier.verify(token);
    await plain.rotateKeys({ keepPrevious: false });
    expect(plain.jwks().keys.map((k) => k.kid)).not.toContain(oldKid);
    clock.advance(300);
    // Within the TTL the cached outcome stands.
    expect((await verifier.verify(token)).tokenUse).toBe('access');
    clock.advance(301);
    // After the refresh the key is gone, and so is the cached outcome.
    expect(await rejectionCode(verifier.verify(token))).toBe('KEY_NOT_FOUND');
  });
});

describe('the JWKS cache behind aws-jwt-verify', () => {
  it('serves aws-jwt-verify through its JwksCache interface, with the key policy applied', async () => {
    const { CognitoJwtVerifier } = await import('aws-jwt-verify');
    const jwks = createJwksCache({ fetcher: () => Promise.reject(new Error('no network here')) });
    const awsUri = CognitoJwtVerifier.parseUserPoolId(plain.userPoolId).jwksUri;
    jwks.addJwks(awsUri, plain.jwks() as never);
    const aws = CognitoJwtVerifier.create(
      { userPoolId: plain.userPoolId, clientId: plain.clientId, tokenUse: 'access' },
      { jwksCache: jwks },
    );
    const token = await plain.mintAccessToken({ issuedAt: Math.floor(Date.now() / 1000) });
    expect((await aws.verify(token)).token_use).toBe('access');
    const current = plain.jwks().keys.find((k) => k.kid === plain.currentKid)!;
    jwks.addJwks(awsUri, { keys: [{ ...current, e: 'Aw' }] } as never);
    await expect(aws.verify(token)).rejects.toMatchObject({ code: 'KEY_REJECTED' });
  });
});
