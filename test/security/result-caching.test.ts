/**
 * Attack class 23 of SECURITY.md: result caching beyond validity (fast-jwt GHSA-x937-hj6v-793p, a
 * cached token accepted after exp) and cache-key collisions (fast-jwt CVE-2026-35039, another
 * token's claims returned). SECURITY.md decision 12: the verified-token cache is keyed by the exact
 * token string, an entry lives no longer than the token, and the time checks and isRevoked still
 * run on a hit.
 */
import { createJwksCache, createVerifier, type VerifierEvent } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  manualClock,
  rejectionCode,
  segments,
  toStandardBase64,
  withTrailingBits,
} from './helpers.js';

const T0 = 1_793_491_200;
const clock = manualClock(T0 * 1000);
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
});

afterEach(() => {
  clock.set(T0);
  issuer.misbehave(null);
  issuer.setJwks(undefined);
});

afterAll(async () => {
  await issuer?.close();
});

function cachingVerifier({ jwks: jwksOptions, ...extra }: Record<string, unknown> = {}) {
  const events: VerifierEvent[] = [];
  // The test's own JWKS cache, shared with the verifier, so it can force a refresh.
  const jwks = createJwksCache({
    ca: issuer.ca,
    clock: clock.now,
    ...(jwksOptions as Parameters<typeof createJwksCache>[0]),
  });
  const verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks,
    clock: clock.now,
    onEvent: (e) => events.push(e),
    ...extra,
  } as Parameters<typeof createVerifier<'access'>>[0]);
  const hits = () => events.filter((e) => e.type === 'verified' && e.cached).length;
  return { verifier, jwks, events, hits };
}

/**
 * Verifies `token` until its outcome is cached: the first verification only leaves a
 * fingerprint (the cache's doorkeeper), the second caches the outcome.
 */
async function cacheIt(verifier: { verify(token: string): Promise<unknown> }, token: string) {
  await verifier.verify(token);
  await verifier.verify(token);
}

const mint = (options: Parameters<TestIssuer['mintAccessToken']>[0] = {}) =>
  issuer.mintAccessToken({ issuedAt: T0, expiresIn: 600, ...options });

describe('result caching', () => {
  describe('a cached token beyond its validity (GHSA-x937-hj6v-793p)', () => {
    it('a cached token is accepted from the cache until exp + tolerance and EXPIRED from then on', async () => {
      const { verifier, hits } = cachingVerifier();
      const token = await mint();
      await cacheIt(verifier, token);
      clock.set(T0 + 600 + 4.999);
      expect((await verifier.verify(token)).sub).toBeTruthy();
      expect(hits()).toBe(1);
      clock.set(T0 + 605);
      expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
      // ...and stays rejected: the entry is gone, the full path says the same.
      expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
    });

    it('a cached token is rejected after exp even with no other request in between (clock jump of a day)', async () => {
      const { verifier } = cachingVerifier();
      const token = await mint();
      await cacheIt(verifier, token);
      clock.set(T0 + 86_400);
      expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
    });

    it('a token without iat is never cached: CLAIM_TYPE at first sight and after exp', async () => {
      const { verifier, hits } = cachingVerifier();
      const token = await mint({ claims: { iat: undefined } });
      expect(await rejectionCode(verifier.verify(token))).toBe('CLAIM_TYPE');
      clock.set(T0 + 10);
      expect(await rejectionCode(verifier.verify(token))).toBe('CLAIM_TYPE');
      clock.set(T0 + 700);
      expect(await rejectionCode(verifier.verify(token))).toBe('CLAIM_TYPE');
      expect(hits()).toBe(0);
    });

    it('a cache hit re-runs the nbf check: the clock moved back before nbf answers NOT_YET_VALID', async () => {
      const { verifier } = cachingVerifier();
      const token = await mint({ issuedAt: T0, claims: { nbf: T0 } });
      await cacheIt(verifier, token);
      clock.set(T0 - 60);
      expect(await rejectionCode(verifier.verify(token))).toBe('NOT_YET_VALID');
    });

    it('a cache hit re-runs isRevoked, and a failing revocation check fails closed', async () => {
      let mode: 'ok' | 'revoked' | 'down' = 'ok';
      const { verifier, hits } = cachingVerifier({
        isRevoked: () => {
          if (mode === 'down') throw new Error('deny list unreachable');
          return mode === 'revoked';
        },
      });
      const token = await mint();
      await cacheIt(verifier, token);
      await verifier.verify(token);
      expect(hits()).toBe(1);
      mode = 'down';
      expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
      mode = 'revoked';
      expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    });

    it('a thenable from isRevoked that is not a native Promise is awaited: REVOKED', async () => {
      const { verifier } = cachingVerifier({
        // biome-ignore lint/suspicious/noThenProperty: a promise of another library is the point
        isRevoked: () => ({ then: (ok: (revoked: boolean) => void) => ok(true) }),
      });
      expect(await rejectionCode(verifier.verify(await mint()))).toBe('REVOKED');
    });

    it('a rejection is never cached: JWKS_UNAVAILABLE during an outage, accepted once the keys can be fetched', async () => {
      const { verifier } = cachingVerifier({ jwks: { ca: issuer.ca, cooldownSeconds: 30 } });
      const token = await mint();
      issuer.misbehave({ kind: 'status', status: 503 });
      expect(await rejectionCode(verifier.verify(token))).toBe('JWKS_UNAVAILABLE');
      issuer.misbehave(null);
      clock.advance(31);
      expect((await verifier.verify(token)).sub).toBeTruthy();
    });
  });

  describe('a cached token whose key changed upstream (R37)', () => {
    it('a cached token whose key was removed from the JWKS answers KEY_NOT_FOUND once the JWKS is refreshed', async () => {
      const key = createForgeKey({ kid: 'cached-removed' });
      issuer.setJwks({ keys: [...issuer.jwks().keys, key.jwk] });
      const { verifier, hits } = cachingVerifier({ jwks: { ca: issuer.ca, ttlSeconds: 600 } });
      const token = key.sign(
        { alg: 'RS256', kid: key.kid },
        accessClaims(issuer, T0, { exp: T0 + 3600 }),
      );
      await cacheIt(verifier, token);
      await verifier.verify(token);
      expect(hits()).toBe(1);
      issuer.setJwks(undefined);
      clock.set(T0 + 601);
      expect(await rejectionCode(verifier.verify(token))).toBe('KEY_NOT_FOUND');
    });

    it('a cached token whose kid now names another key answers SIGNATURE_INVALID once the JWKS is refreshed', async () => {
      const before = createForgeKey({ kid: 'cached-reused' });
      const after = createForgeKey({ kid: 'cached-reused' });
      issuer.setJwks({ keys: [before.jwk] });
      const { verifier } = cachingVerifier({ jwks: { ca: issuer.ca, ttlSeconds: 600 } });
      const token = before.sign(
        { alg: 'RS256', kid: 'cached-reused' },
        accessClaims(issuer, T0, { exp: T0 + 3600 }),
      );
      await cacheIt(verifier, token);
      issuer.setJwks({ keys: [after.jwk] });
      clock.set(T0 + 601);
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    });
  });

  describe('an anonymous unknown-kid request that forces a JWKS refresh (cache flush)', () => {
    /** 20 distinct valid tokens, verified twice each so their outcomes are cached. */
    async function warmed(verifier: { verify(token: string): Promise<unknown> }) {
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => mint({ username: `cached-${i}`, expiresIn: 3600 })),
      );
      for (const token of tokens) await cacheIt(verifier, token);
      return tokens;
    }

    it('a refresh that serves the same key material keeps every cached outcome', async () => {
      const { verifier, hits } = cachingVerifier();
      const tokens = await warmed(verifier);
      const before = issuer.requestCount;
      // Past the cooldown, a random kid makes the verifier fetch the (unchanged) JWKS again.
      clock.advance(31);
      const random = await mint({ header: { kid: 'random-kid-forcing-a-refetch' } });
      expect(await rejectionCode(verifier.verify(random))).toBe('KEY_NOT_FOUND');
      expect(issuer.requestCount - before).toBe(1);
      for (const token of tokens) await verifier.verify(token);
      expect(hits()).toBe(tokens.length);
    });

    it('the same key material respelled by the server (member order, extra members) still counts as the same key', async () => {
      const { verifier, jwks, hits } = cachingVerifier();
      const tokens = await warmed(verifier);
      issuer.setJwks({
        keys: issuer.jwks().keys.map(({ n, e, kid, kty }) => ({ x5t: 'ignored', n, e, kid, kty })),
      });
      await jwks.refresh(issuer.jwksUri);
      for (const token of tokens) await verifier.verify(token);
      expect(hits()).toBe(tokens.length);
    });

    it('a kid that now names other key material drops the outcomes cached under the old key: SIGNATURE_INVALID', async () => {
      const before = createForgeKey({ kid: 'refresh-reused' });
      const after = createForgeKey({ kid: 'refresh-reused' });
      issuer.setJwks({ keys: [before.jwk] });
      const { verifier, jwks, hits } = cachingVerifier();
      const token = before.sign(
        { alg: 'RS256', kid: 'refresh-reused' },
        accessClaims(issuer, T0, { exp: T0 + 3600 }),
      );
      await cacheIt(verifier, token);
      await verifier.verify(token);
      expect(hits()).toBe(1);
      issuer.setJwks({ keys: [after.jwk] });
      await jwks.refresh(issuer.jwksUri);
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
      expect(hits()).toBe(1);
    });

    it('a key the policy refuses on the refresh (same kid, e = 3) drops the cached outcomes: KEY_REJECTED', async () => {
      const good = createForgeKey({ kid: 'refresh-weakened' });
      issuer.setJwks({ keys: [good.jwk] });
      const { verifier, jwks, hits } = cachingVerifier();
      const token = good.sign(
        { alg: 'RS256', kid: 'refresh-weakened' },
        accessClaims(issuer, T0, { exp: T0 + 3600 }),
      );
      await cacheIt(verifier, token);
      issuer.setJwks({ keys: [{ ...good.jwk, e: 'Aw' }] });
      await jwks.refresh(issuer.jwksUri);
      expect(await rejectionCode(verifier.verify(token))).toBe('KEY_REJECTED');
      expect(hits()).toBe(0);
    });
  });

  describe('different spellings and cache-key collisions (CVE-2026-35039)', () => {
    it('other spellings of a cached token never share its entry', async () => {
      const { verifier, hits } = cachingVerifier();
      let token = await mint();
      for (let i = 0; !/[-_]/.test(segments(token)[2]) && i < 20; i += 1) {
        token = await mint({ claims: { jti: `j${i}` } });
      }
      await cacheIt(verifier, token);
      const [h, p, s] = segments(token);
      const spellings = [
        `${token}=`,
        `${h}.${p}.${withTrailingBits(s)}`,
        `${h}.${p}.${toStandardBase64(s)}`,
        `${token} `,
        ` ${token}`,
        `${token}\n`,
        `${h}.${p}.${s}.`,
        `${h.replace(/^eyJ/, 'eyAi')}.${p}.${s}`,
      ];
      for (const spelling of spellings) {
        expect(spelling !== token).toBe(true);
        expect(['MALFORMED', 'SIGNATURE_INVALID']).toContain(
          await rejectionCode(verifier.verify(spelling)),
        );
      }
      expect(hits()).toBe(0);
      expect((await verifier.verify(token)).sub).toBeTruthy();
      expect(hits()).toBe(1);
    });

    it('a token equal to a cached one up to its signature: answers SIGNATURE_INVALID', async () => {
      const { verifier } = cachingVerifier();
      const token = await mint();
      await cacheIt(verifier, token);
      const [h, p, s] = segments(token);
      const sig = Buffer.from(s, 'base64url');
      sig[sig.length - 1]! ^= 1;
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${b64u(sig)}`))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('a cached token payload under another token signature: answers SIGNATURE_INVALID', async () => {
      const { verifier } = cachingVerifier();
      const alice = await mint({ username: 'alice', groups: ['admin'] });
      const bob = await mint({ username: 'bob' });
      await cacheIt(verifier, alice);
      await cacheIt(verifier, bob);
      const [h, pAlice] = segments(alice);
      const [, , sBob] = segments(bob);
      expect(await rejectionCode(verifier.verify(`${h}.${pAlice}.${sBob}`))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('fifty users with near-identical tokens each get their own claims from the cache', async () => {
      const { verifier, hits } = cachingVerifier();
      const users = Array.from({ length: 50 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
      const tokens = await Promise.all(users.map((username) => mint({ username })));
      await Promise.all(tokens.map((t) => verifier.verify(t)));
      const first = await Promise.all(tokens.map((t) => verifier.verify(t)));
      const second = await Promise.all(tokens.map((t) => verifier.verify(t)));
      expect(hits()).toBe(50);
      expect(first.map((a) => a.username)).toEqual(users);
      expect(second.map((a) => a.username)).toEqual(users);
      expect(new Set(second.map((a) => a.sub)).size).toBe(50);
    });

    it('verifiers sharing a JWKS cache keep their own result caches and rules: an access-cached token is TOKEN_USE for an ID verifier', async () => {
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
      const accessVerifier = make('access');
      const idVerifier = make('id');
      const token = await mint();
      await cacheIt(accessVerifier, token);
      await accessVerifier.verify(token);
      expect(await rejectionCode(idVerifier.verify(token))).toBe('TOKEN_USE');
    });
  });
});
