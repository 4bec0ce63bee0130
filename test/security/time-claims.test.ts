/**
 * Attack classes 16 and 17 of SECURITY.md: exp/nbf/iat edge cases and skew, absurd
 * lifetimes, and `exp` as a string, a float, huge, or not a number. Rules R19-R22, decision 3,
 * decision 4. Every check runs against the injected clock, never the machine's.
 *
 * Tokens with numbers JSON.stringify cannot write (`1e400`, `2^53 + 1` as typed) are signed
 * over their raw text by the pool's own key (the kit's `sign` takes bytes).
 */
import { createJwksCache, createVerifier, type JwksCache } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock, rejectionCode } from './helpers.js';

const T0 = 1_793_491_200; // 2026-11-01T00:00:00Z, in seconds
let clock: ManualClock;
let issuer: TestIssuer;
let jwks: JwksCache;

beforeAll(async () => {
  clock = manualClock(T0 * 1000);
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  // One JWKS cache for the file: every verifier below differs only in its time rules.
  jwks = createJwksCache({ ca: issuer.ca, clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
});

function verifier(
  extra: { clockToleranceSeconds?: number; maxTokenLifetimeSeconds?: number } = {},
) {
  return createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks,
    clock: clock.now,
    cache: false,
    ...extra,
  });
}

/** A pool token issued at T0 (one hour of validity) with `claims` merged in. */
const mint = (claims: Record<string, unknown> = {}, issuedAt = T0, expiresIn = 3600) =>
  issuer.mintAccessToken({ issuedAt, expiresIn, claims });

/** A pool token whose payload text has `member` replaced by raw JSON `raw`. */
async function mintRaw(member: string, raw: string): Promise<string> {
  const claims: Record<string, unknown> = {
    sub: 's-1',
    iss: issuer.issuer,
    client_id: issuer.clientId,
    token_use: 'access',
    scope: 'a',
    iat: T0,
    exp: T0 + 3600,
    username: 'u',
  };
  delete claims[member];
  const text = `${JSON.stringify(claims).slice(0, -1)},"${member}":${raw}}`;
  return issuer.sign(Buffer.from(text));
}

describe('time claims', () => {
  it('control: a token issued now for an hour is accepted', async () => {
    clock.set(T0);
    expect((await verifier().verify(await mint())).expiresAt).toBe(T0 + 3600);
  });

  describe('exp type and range (class 17, R19)', () => {
    it('exp missing: answers CLAIM_TYPE (required, decision 3; aws-jwt-verify accepts it)', async () => {
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(await mint({ exp: undefined })))).toBe(
        'CLAIM_TYPE',
      );
    });

    it.each([
      ['a numeric string', `"${T0 + 3600}"`],
      ['true', 'true'],
      ['null', 'null'],
      ['an empty array', '[]'],
      ['an object', '{}'],
      ['1e400 (parses to Infinity)', '1e400'],
      ['-1e400 (parses to -Infinity)', '-1e400'],
    ])('exp as %s: answers CLAIM_TYPE', async (_name, raw) => {
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(await mintRaw('exp', raw)))).toBe('CLAIM_TYPE');
    });

    it.each([
      ['1e300', '1e300'],
      ['in milliseconds', String((T0 + 3600) * 1000)],
      ['2^53 + 1', '9007199254740993'],
    ])('exp %s: answers LIFETIME', async (_name, raw) => {
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(await mintRaw('exp', raw)))).toBe('LIFETIME');
    });

    it('exp as a fraction (RFC 7519 §2 NumericDate): accepted', async () => {
      clock.set(T0);
      const auth = await verifier().verify(await mintRaw('exp', String(T0 + 600.25)));
      expect(auth.expiresAt).toBe(T0 + 600.25);
    });

    it.each([
      ['zero', '0'],
      ['negative', '-1'],
    ])('exp %s: answers EXPIRED', async (_name, raw) => {
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(await mintRaw('exp', raw)))).toBe('EXPIRED');
    });
  });

  describe('expiry boundary with the clock tolerance (class 16, R19, R22)', () => {
    it('tolerance 5 s (default): accepted at now == exp and at exp + 4.999 s, EXPIRED at exp + 5 s', async () => {
      const token = await mint();
      const v = verifier();
      clock.set(T0 + 3600);
      expect((await v.verify(token)).sub).toBeTruthy();
      clock.advance(4.999);
      expect((await v.verify(token)).sub).toBeTruthy();
      clock.set(T0 + 3605);
      expect(await rejectionCode(v.verify(token))).toBe('EXPIRED');
    });

    it('tolerance 0: EXPIRED at now == exp, accepted 1 ms before', async () => {
      const token = await mint();
      const v = verifier({ clockToleranceSeconds: 0 });
      clock.set(T0 + 3600);
      expect(await rejectionCode(v.verify(token))).toBe('EXPIRED');
      clock.advance(-0.001);
      expect((await v.verify(token)).sub).toBeTruthy();
    });

    it('tolerance 300 s (the maximum): accepted at exp + 299 s, EXPIRED at exp + 300 s', async () => {
      const token = await mint();
      const v = verifier({ clockToleranceSeconds: 300 });
      clock.set(T0 + 3600 + 299);
      expect((await v.verify(token)).sub).toBeTruthy();
      clock.set(T0 + 3600 + 300);
      expect(await rejectionCode(v.verify(token))).toBe('EXPIRED');
    });

    it('a tolerance above 300 s is refused at creation (R22)', () => {
      expect(() => verifier({ clockToleranceSeconds: 301 })).toThrow(TypeError);
    });
  });

  describe('nbf (R20)', () => {
    it('nbf 5 s ahead (within the tolerance): accepted; 5.001 s ahead: answers NOT_YET_VALID', async () => {
      clock.set(T0);
      expect((await verifier().verify(await mint({ nbf: T0 + 5 }))).sub).toBeTruthy();
      expect(await rejectionCode(verifier().verify(await mint({ nbf: T0 + 5.001 })))).toBe(
        'NOT_YET_VALID',
      );
    });

    it('nbf an hour ahead: answers NOT_YET_VALID, and the token is accepted once it is reached', async () => {
      const token = await mint({ nbf: T0 + 1800 });
      const v = verifier();
      clock.set(T0);
      expect(await rejectionCode(v.verify(token))).toBe('NOT_YET_VALID');
      clock.set(T0 + 1800);
      expect((await v.verify(token)).sub).toBeTruthy();
    });

    it.each([
      ['a string', `"${T0}"`],
      ['1e400', '1e400'],
      ['null', 'null'],
    ])('nbf as %s: answers CLAIM_TYPE', async (_name, raw) => {
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(await mintRaw('nbf', raw)))).toBe('CLAIM_TYPE');
    });
  });

  describe('iat (R21, decision 3)', () => {
    it('iat 5 s ahead: accepted; 5.001 s ahead: answers IAT_INVALID', async () => {
      clock.set(T0);
      expect(await verifier().verify(await mint({}, T0 + 5))).toBeTruthy();
      expect(await rejectionCode(verifier().verify(await mint({}, T0 + 5.001)))).toBe(
        'IAT_INVALID',
      );
    });

    it('iat one year in the future with a one-hour lifetime: answers IAT_INVALID (aws-jwt-verify accepts it)', async () => {
      clock.set(T0);
      const token = await mint({}, T0 + 365 * 86_400, 3600);
      expect(await rejectionCode(verifier().verify(token))).toBe('IAT_INVALID');
    });

    it.each([
      ['missing', undefined],
      ['a string', `"${T0}"`],
      ['1e400', '1e400'],
    ])('iat %s: answers CLAIM_TYPE', async (_name, raw) => {
      clock.set(T0);
      const token = raw === undefined ? await mint({ iat: undefined }) : await mintRaw('iat', raw);
      expect(await rejectionCode(verifier().verify(token))).toBe('CLAIM_TYPE');
    });
  });

  describe('lifetime (R21; Cognito validity is 5 minutes to 1 day)', () => {
    it('exp - iat of exactly 86400 s: accepted; 86401 s: answers LIFETIME', async () => {
      clock.set(T0);
      expect((await verifier().verify(await mint({}, T0, 86_400))).sub).toBeTruthy();
      expect(await rejectionCode(verifier().verify(await mint({}, T0, 86_401)))).toBe('LIFETIME');
    });

    it('a two-day-old iat with an exp still ahead: answers LIFETIME', async () => {
      clock.set(T0);
      const token = await mint({}, T0 - 2 * 86_400, 2 * 86_400 + 3600);
      expect(await rejectionCode(verifier().verify(token))).toBe('LIFETIME');
    });

    it('a configured maximum of 3600 s: 3600 accepted, 3601 answers LIFETIME', async () => {
      clock.set(T0);
      const v = verifier({ maxTokenLifetimeSeconds: 3600 });
      expect((await v.verify(await mint({}, T0, 3600))).sub).toBeTruthy();
      expect(await rejectionCode(v.verify(await mint({}, T0, 3601)))).toBe('LIFETIME');
    });
  });

  describe('the injected clock, not the machine clock, decides', () => {
    it('a token from 2001 is accepted under a 2001 clock and rejected as EXPIRED under a 2026 clock', async () => {
      const y2001 = 1_000_000_000;
      const token = await issuer.mintAccessToken({ issuedAt: y2001, expiresIn: 3600 });
      clock.set(y2001 + 60);
      expect((await verifier().verify(token)).sub).toBeTruthy();
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(token))).toBe('EXPIRED');
    });

    it('a token from 2099 is accepted under a 2099 clock and answers IAT_INVALID under a 2026 clock', async () => {
      const y2099 = 4_070_908_800;
      const token = await issuer.mintAccessToken({ issuedAt: y2099, expiresIn: 3600 });
      clock.set(y2099 + 60);
      expect((await verifier().verify(token)).sub).toBeTruthy();
      clock.set(T0);
      expect(await rejectionCode(verifier().verify(token))).toBe('IAT_INVALID');
    });
  });
});
