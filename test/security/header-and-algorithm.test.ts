/**
 * Attack classes 1, 2, 4, 5 and 20 of SECURITY.md: `alg: none` in all its spellings,
 * RS/HS confusion with the public key as the HMAC secret, a legitimate key used with another
 * algorithm (PS256, RS512), embedded or remote attacker keys (`jwk`, `jku`, `x5u`, `x5c`),
 * `crit`, and the ES256 "psychic signature". Rules R07-R11, R14, decision 2.
 *
 * The header is checked before any key is looked up, so none of these tokens may cause a
 * request to any URL: an EVIL server counts connections and must stay at zero.
 */
import { constants, createHmac, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { createVerifier, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type EvilServer,
  type ForgeKey,
  manualClock,
  rejectionCode,
  segments,
  startEvilServer,
} from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let forge: ForgeKey;
let attacker: ForgeKey;
let evil: EvilServer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  evil = await startEvilServer();
  forge = createForgeKey({ kid: 'forge-alg' });
  attacker = createForgeKey({ kid: 'attacker-key' });
  issuer.setJwks({ keys: [...issuer.jwks().keys, forge.jwk] });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
    cache: false,
  });
  await verifier.hydrate();
});

afterEach(() => {
  // No token in this file may make the verifier contact a URL of the token's choosing.
  expect(evil.connections).toBe(0);
});

afterAll(async () => {
  await issuer?.close();
  await evil?.close();
});

const claims = () => accessClaims(issuer, clock.seconds());
const payloadSegment = () => b64u(JSON.stringify(claims()));
/** A real token from the pool, with its header swapped for `header` (signature kept). */
async function withHeader(header: Record<string, unknown>): Promise<string> {
  const [, p, s] = segments(await issuer.mintAccessToken());
  return `${b64u(JSON.stringify(header))}.${p}.${s}`;
}

describe('header and algorithm', () => {
  it('control: the pool token and a forge-key token are accepted', async () => {
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
    expect(
      (await verifier.verify(forge.sign({ alg: 'RS256', kid: forge.kid }, claims()))).sub,
    ).toBe(claims().sub);
  });

  describe('alg none (class 1, R08; jwt_tool, Wycheproof 16 and 341-344)', () => {
    const spellings = ['none', 'None', 'NONE', 'nOnE'];

    it.each(spellings)(
      'alg "%s" with the original RS256 signature kept: answers ALG_NOT_ALLOWED',
      async (alg) => {
        expect(
          await rejectionCode(verifier.verify(await withHeader({ alg, kid: issuer.currentKid }))),
        ).toBe('ALG_NOT_ALLOWED');
      },
    );

    it.each(spellings)(
      'alg "%s" with a garbage signature: answers ALG_NOT_ALLOWED',
      async (alg) => {
        const h = b64u(JSON.stringify({ alg, kid: issuer.currentKid }));
        expect(await rejectionCode(verifier.verify(`${h}.${payloadSegment()}.${b64u('x')}`))).toBe(
          'ALG_NOT_ALLOWED',
        );
      },
    );

    it('alg none in all four spellings with an empty signature (the unsecured-JWT form jwt_tool sends): answers ALG_NOT_ALLOWED', async () => {
      // RFC 7519 §6.1: an Unsecured JWT is `header.payload.` with an empty signature. SECURITY.md
      // attack class 1: compare alg against the allowlist before anything else.
      for (const alg of spellings) {
        const h = b64u(JSON.stringify({ alg, kid: issuer.currentKid }));
        expect(await rejectionCode(verifier.verify(`${h}.${payloadSegment()}.`))).toBe(
          'ALG_NOT_ALLOWED',
        );
      }
    });
  });

  describe('alg allowlist is exact and case-sensitive (R07, R27)', () => {
    it.each([
      ['missing', undefined],
      ['null', null],
      ['an array', ['RS256']],
      ['an object', { name: 'RS256' }],
      ['a number', 256],
      ['"rs256"', 'rs256'],
      ['"Rs256"', 'Rs256'],
      ['"RS256 " (trailing space)', 'RS256 '],
      ['"RS256\\u0000"', 'RS256\u0000'],
      ['"RS384"', 'RS384'],
      ['"RS512"', 'RS512'],
      ['"PS256"', 'PS256'],
      ['"ES256"', 'ES256'],
      ['"EdDSA"', 'EdDSA'],
      ['"HS256"', 'HS256'],
    ])('alg %s under a valid RS256 signature: answers ALG_NOT_ALLOWED', async (_name, alg) => {
      const header: Record<string, unknown> = { kid: issuer.currentKid };
      if (alg !== undefined) header.alg = alg;
      expect(await rejectionCode(verifier.verify(await withHeader(header)))).toBe(
        'ALG_NOT_ALLOWED',
      );
    });
  });

  describe('RS/HS confusion: the public key as the HMAC secret (class 2; CVE-2015-9235, CVE-2016-10555, CVE-2023-48223, CVE-2026-34950, GHSA-g3jj-5cmm-3hxx)', () => {
    // Every serialisation of the pool's public key an attacker might try as the secret.
    const secrets = (): [string, Buffer | string][] => {
      const jwk = issuer.jwks().keys.find((k) => k.kid === issuer.currentKid)!;
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      const spki = key.export({ type: 'spki', format: 'pem' }) as string;
      const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }) as string;
      return [
        ['PEM SPKI', spki],
        ['PEM PKCS#1 (BEGIN RSA PUBLIC KEY)', pkcs1],
        ['PEM SPKI with leading whitespace', `  \n${spki}`],
        ['PEM SPKI without the trailing newline', spki.trimEnd()],
        ['DER SPKI', key.export({ type: 'spki', format: 'der' })],
        ['the JWK as JSON text', JSON.stringify(jwk)],
        ['the whole JWKS as JSON text', JSON.stringify(issuer.jwks())],
        ['the raw modulus bytes', Buffer.from(jwk.n, 'base64url')],
        ['the modulus as base64url text', jwk.n],
        ['an empty string (libjwt 2026)', ''],
      ];
    };

    it('builds HMACs that a confused verifier would accept (sanity of the attack)', () => {
      const [name, secret] = secrets()[0]!;
      expect(name).toBe('PEM SPKI');
      const input = `${b64u(JSON.stringify({ alg: 'HS256', kid: issuer.currentKid }))}.${payloadSegment()}`;
      expect(createHmac('sha256', secret).update(input).digest()).toHaveLength(32);
    });

    it.each(['HS256', 'HS384', 'HS512'])(
      '%s signed with every serialisation of the public key: answers ALG_NOT_ALLOWED',
      async (alg) => {
        const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg]!;
        for (const [, secret] of secrets()) {
          const input = `${b64u(JSON.stringify({ alg, kid: issuer.currentKid }))}.${payloadSegment()}`;
          const token = `${input}.${b64u(createHmac(hash, secret).update(input).digest())}`;
          expect(await rejectionCode(verifier.verify(token))).toBe('ALG_NOT_ALLOWED');
        }
      },
    );

    it('an RS256 header carrying an HMAC-SHA256 (PEM as secret) signature: answers SIGNATURE_INVALID', async () => {
      const [, pem] = secrets()[0]!;
      const input = `${b64u(JSON.stringify({ alg: 'RS256', kid: issuer.currentKid }))}.${payloadSegment()}`;
      const token = `${input}.${b64u(createHmac('sha256', pem).update(input).digest())}`;
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    });
  });

  describe('the served key with another algorithm (R09; RFC 8725 §3.1)', () => {
    it('PS256 signed with the served key, header PS256: answers ALG_NOT_ALLOWED', async () => {
      const token = forge.sign({ alg: 'PS256', kid: forge.kid }, claims(), 'PS256');
      const [h, p, s] = segments(token);
      // The signature is genuinely valid PS256 under the served key.
      expect(
        nodeVerify(
          'sha256',
          Buffer.from(`${h}.${p}`),
          { key: forge.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          Buffer.from(s, 'base64url'),
        ),
      ).toBe(true);
      expect(await rejectionCode(verifier.verify(token))).toBe('ALG_NOT_ALLOWED');
    });

    it('PS256 signed with the served key, header claiming RS256: answers SIGNATURE_INVALID', async () => {
      const token = forge.sign({ alg: 'RS256', kid: forge.kid }, claims(), 'PS256');
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    });

    it('RS512 signed with the served key, header RS512: answers ALG_NOT_ALLOWED', async () => {
      const token = forge.sign({ alg: 'RS512', kid: forge.kid }, claims(), 'RS512');
      const [h, p, s] = segments(token);
      expect(
        nodeVerify(
          'sha512',
          Buffer.from(`${h}.${p}`),
          forge.publicKey,
          Buffer.from(s, 'base64url'),
        ),
      ).toBe(true);
      expect(await rejectionCode(verifier.verify(token))).toBe('ALG_NOT_ALLOWED');
    });

    it('RS512 signed with the served key, header claiming RS256: answers SIGNATURE_INVALID', async () => {
      const token = forge.sign({ alg: 'RS256', kid: forge.kid }, claims(), 'RS512');
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    });

    it('ES256 with a 64-zero-byte signature (psychic signature, CVE-2022-21449): answers ALG_NOT_ALLOWED', async () => {
      const h = b64u(JSON.stringify({ alg: 'ES256', kid: issuer.currentKid }));
      expect(
        await rejectionCode(verifier.verify(`${h}.${payloadSegment()}.${b64u(Buffer.alloc(64))}`)),
      ).toBe('ALG_NOT_ALLOWED');
    });
  });

  describe('embedded and remote keys (class 4; CVE-2018-0114, R11, R14)', () => {
    it('an attacker key embedded as jwk, signed with it, kid of the attacker: answers HEADER_NOT_ALLOWED', async () => {
      const { kid, ...publicJwk } = attacker.jwk;
      const token = attacker.sign({ alg: 'RS256', kid, jwk: { ...publicJwk, kid } }, claims());
      expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
    });

    it('an attacker key embedded as jwk, signed with it, kid of the pool: answers HEADER_NOT_ALLOWED', async () => {
      const token = attacker.sign(
        { alg: 'RS256', kid: issuer.currentKid, jwk: { ...attacker.jwk, kid: issuer.currentKid } },
        claims(),
      );
      expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
    });

    it('an attacker key as x5c, signed with it: answers HEADER_NOT_ALLOWED', async () => {
      const der = attacker.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const token = attacker.sign({ alg: 'RS256', kid: issuer.currentKid, x5c: [der] }, claims());
      expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
    });

    it.each(['jku', 'x5u'])(
      '%s naming the EVIL server: answers HEADER_NOT_ALLOWED and never contacts it',
      async (name) => {
        const url = `${evil.url}/${issuer.userPoolId}/.well-known/jwks.json`;
        const token = attacker.sign({ alg: 'RS256', kid: attacker.kid, [name]: url }, claims());
        expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
        // A legitimately signed token that merely carries the URL is refused too (policy decision
        // 2).
        expect(
          await rejectionCode(
            verifier.verify(await issuer.mintAccessToken({ header: { [name]: url } })),
          ),
        ).toBe('HEADER_NOT_ALLOWED');
        expect(evil.connections).toBe(0);
      },
    );

    it('jku naming the pool own JWKS URI: answers HEADER_NOT_ALLOWED', async () => {
      const token = await issuer.mintAccessToken({ header: { jku: issuer.jwksUri } });
      expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
    });
  });

  describe('crit and other header parameters (class 5, R10, R11, decision 2)', () => {
    it.each([
      ['crit naming an unknown extension', { crit: ['x-ext'], 'x-ext': 1 }],
      ['an empty crit', { crit: [] }],
      ['crit naming a registered claim', { crit: ['exp'] }],
      ['crit with b64 false (RFC 7797)', { crit: ['b64'], b64: false }],
      ['b64 false alone', { b64: false }],
      ['x5t', { x5t: b64u(Buffer.alloc(20)) }],
      ['x5t#S256', { 'x5t#S256': b64u(Buffer.alloc(32)) }],
      ['cty JWT (nested token)', { cty: 'JWT' }],
      ['zip DEF', { zip: 'DEF' }],
      ['enc', { enc: 'A128GCM' }],
      ['p2c', { p2c: 1_000_000_000 }],
      ['an unknown parameter', { foo: 'bar' }],
      ['typ at+jwt (RFC 9068; Cognito sends no typ)', { typ: 'at+jwt' }],
      ['typ JWS', { typ: 'JWS' }],
      ['an empty typ', { typ: '' }],
      ['a non-string typ', { typ: 1 }],
    ])('%s, validly signed: answers HEADER_NOT_ALLOWED', async (_name, extra) => {
      const token = await issuer.mintAccessToken({ header: extra });
      expect(await rejectionCode(verifier.verify(token))).toBe('HEADER_NOT_ALLOWED');
    });

    it.each(['JWT', 'jwt'])('typ "%s" (RFC 7519 §5.1): accepted', async (typ) => {
      expect(
        (await verifier.verify(await issuer.mintAccessToken({ header: { typ } }))).tokenUse,
      ).toBe('access');
    });

    it('alg is judged before the other parameters: alg none with a jku answers ALG_NOT_ALLOWED', async () => {
      const token = await withHeader({
        alg: 'none',
        kid: issuer.currentKid,
        jku: `${evil.url}/jwks`,
      });
      expect(await rejectionCode(verifier.verify(token))).toBe('ALG_NOT_ALLOWED');
    });
  });
});
