/**
 * Attack classes 3, 13 (keys), 17 and 21 of SECURITY.md: kid injection, a key from
 * another pool, duplicate kids, and weak keys (1024 bits, e = 1 with an actual forgery,
 * e = 3, use: enc, ...). Rules R12, R15-R18, decision 5.
 *
 * Node's crypto accepts every weak key below and verifies their signatures (pitfall 1); each
 * weak-key test shows that first, so the KEY_REJECTED that follows is the verifier's own
 * policy and not an accident of OpenSSL.
 */
import { createHash, createHmac, verify as nodeVerify, randomBytes } from 'node:crypto';
import { AuthError, createVerifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type EvilServer,
  type ForgeKey,
  type Jwk,
  keyObjectOf,
  manualClock,
  rejectionCode,
  segments,
  startEvilServer,
} from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let other: TestIssuer;
let evil: EvilServer;
let forge: ForgeKey;

beforeAll(async () => {
  [issuer, other] = await Promise.all([
    createTestIssuer({ https: true, clock: clock.now }),
    createTestIssuer({ https: true, clock: clock.now, userPoolId: 'eu-west-1_OtherPool' }),
  ]);
  evil = await startEvilServer();
  forge = createForgeKey({ kid: 'forge-keys' });
});

afterEach(() => {
  issuer.setJwks(undefined);
  other.setJwks(undefined);
  expect(evil.connections).toBe(0);
});

afterAll(async () => {
  await issuer?.close();
  await other?.close();
  await evil?.close();
});

function poolVerifier(target: TestIssuer = issuer, extra: Record<string, unknown> = {}) {
  return createVerifier({
    userPoolId: target.userPoolId,
    clientId: target.clientId,
    tokenUse: 'access',
    jwksUri: target.jwksUri,
    jwks: { ca: target.ca },
    clock: clock.now,
    cache: false,
    ...extra,
  } as Parameters<typeof createVerifier<'access'>>[0]);
}

/** A real pool token with its header replaced (signature kept: irrelevant before key lookup). */
async function withKid(kid: unknown, alg = 'RS256'): Promise<string> {
  const [, p, s] = segments(await issuer.mintAccessToken());
  return `${b64u(JSON.stringify({ alg, kid }))}.${p}.${s}`;
}

/** Serves `keys` (plus nothing else) from the pool's JWKS server. */
function serve(...keys: object[]): void {
  issuer.setJwks({ keys });
}

const claims = () => accessClaims(issuer, clock.seconds());

describe('key selection', () => {
  describe('kid injection (class 3; jwt_tool playbook, PortSwigger "kid path traversal")', () => {
    it.each([
      ['path traversal to /dev/null', '../../../../../../dev/null'],
      ['an absolute path', '/dev/null'],
      ['an invalid path', '/invalid_path'],
      ['a file URL', 'file:///etc/passwd'],
      ['SQL without spaces', "x'/**/UNION/**/SELECT/**/'1';--"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell payload, not a template
      ['a shell substitution without spaces', '$(sleep${IFS}10)'],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['toString', 'toString'],
      ['hasOwnProperty', 'hasOwnProperty'],
      ['__defineGetter__', '__defineGetter__'],
      ['a kid of 256 characters', 'k'.repeat(256)],
    ])(
      'kid %s: answers KEY_NOT_FOUND (an opaque Map key, no file, DB or URL access)',
      async (_name, kid) => {
        const started = performance.now();
        expect(await rejectionCode(poolVerifier().verify(await withKid(kid)))).toBe(
          'KEY_NOT_FOUND',
        );
        // A `sleep 10` that ran anywhere would show here (generous: a fresh HTTPS fetch included).
        expect(performance.now() - started).toBeLessThan(5000);
      },
    );

    it('kid naming the EVIL server URL: answers KEY_NOT_FOUND and never contacts it', async () => {
      const kid = `${evil.url}/${issuer.userPoolId}/.well-known/jwks.json`;
      expect(await rejectionCode(poolVerifier().verify(await withKid(kid)))).toBe('KEY_NOT_FOUND');
      expect(evil.connections).toBe(0);
    });

    it.each([
      ['SQL injection with spaces (jwt_tool)', "x' UNION SELECT '1';--"],
      ['command injection (jwt_tool)', '|sleep 10'],
      ['CR/LF header injection', 'k\r\nX-Injected: 1'],
      ['a lone LF', 'k\nx'],
      ['a NUL byte', 'k\u0000'],
      ['a tab', 'k\tx'],
      ['non-ASCII', 'k\u00e9'],
      ['an empty string', ''],
      ['257 characters', 'k'.repeat(257)],
      ['a number', 1],
      ['an array', ['k']],
      ['an object', { kid: 'k' }],
      ['null', null],
      ['true', true],
    ])('kid %s: answers KID_MISSING (R12: 1-256 printable ASCII)', async (_name, kid) => {
      expect(await rejectionCode(poolVerifier().verify(await withKid(kid)))).toBe('KID_MISSING');
    });

    it('no kid at all: answers KID_MISSING', async () => {
      const token = await issuer.mintAccessToken({ header: { kid: undefined } });
      expect(await rejectionCode(poolVerifier().verify(token))).toBe('KID_MISSING');
    });

    it('the jwt_tool forms signed HS256 with the empty key and with "1": answer ALG_NOT_ALLOWED', async () => {
      for (const [kid, secret] of [
        ['../../../../../../dev/null', ''],
        ["x' UNION SELECT '1';--", '1'],
      ] as const) {
        const input = `${b64u(JSON.stringify({ alg: 'HS256', kid }))}.${b64u(JSON.stringify(claims()))}`;
        const token = `${input}.${b64u(createHmac('sha256', secret).update(input).digest())}`;
        expect(await rejectionCode(poolVerifier().verify(token))).toBe('ALG_NOT_ALLOWED');
      }
    });

    it('the pool kid in another case, or with its padding changed: answers KEY_NOT_FOUND (R27)', async () => {
      const kid = issuer.currentKid;
      const variants = [kid.toLowerCase(), kid.toUpperCase(), kid.replace(/=+$/, ''), `${kid}=`];
      for (const variant of variants.filter((v) => v !== kid)) {
        expect(await rejectionCode(poolVerifier().verify(await withKid(variant)))).toBe(
          'KEY_NOT_FOUND',
        );
      }
    });

    it('the rejection never echoes the injected kid (R34)', async () => {
      const kid = '<script>x</script>';
      try {
        await poolVerifier().verify(await withKid(kid));
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AuthError);
        expect(`${(err as Error).message} ${String((err as Error).cause)}`).not.toContain('script');
      }
    });

    it('a flood of injected kids costs at most one JWKS fetch per cooldown (class 6)', async () => {
      const verifier = poolVerifier(issuer, { jwks: { ca: issuer.ca, cooldownSeconds: 30 } });
      await verifier.hydrate();
      const before = issuer.requestCount;
      const kids = Array.from({ length: 200 }, (_, i) => `../../${i}/etc/passwd`);
      const tokens = await Promise.all(kids.map((kid) => withKid(kid)));
      clock.advance(31);
      const codes = await Promise.all(tokens.map((t) => rejectionCode(verifier.verify(t))));
      expect(new Set(codes)).toEqual(new Set(['KEY_NOT_FOUND']));
      expect(issuer.requestCount - before).toBe(1);
    });

    it.each(['__proto__', 'constructor'])(
      'a pool that really serves kid "%s": the key is found by exact match',
      async (kid) => {
        const key = createForgeKey({ kid });
        serve(...issuer.jwks().keys, key.jwk);
        const verifier = poolVerifier();
        expect((await verifier.verify(key.sign({ alg: 'RS256', kid }, claims()))).sub).toBe(
          claims().sub,
        );
        // ...and only by exact match (past the cooldown, so the JWKS is fetched again and
        // the answer is that no such kid exists).
        clock.advance(31);
        expect(await rejectionCode(verifier.verify(await withKid('toString')))).toBe(
          'KEY_NOT_FOUND',
        );
      },
    );
  });

  describe('keys bound to their issuer (class 13, R18)', () => {
    function twoPools() {
      return createVerifier({
        userPools: [
          {
            userPoolId: issuer.userPoolId,
            clientId: issuer.clientId,
            tokenUse: 'access',
            jwksUri: issuer.jwksUri,
          },
          {
            userPoolId: other.userPoolId,
            clientId: other.clientId,
            tokenUse: 'access',
            jwksUri: other.jwksUri,
          },
        ],
        // One extra CA per pool: both throwaway CAs are trusted.
        jwks: { ca: [issuer.ca!, other.ca!] },
        clock: clock.now,
        cache: false,
      });
    }

    it('control: each pool own tokens are accepted by the two-pool verifier', async () => {
      const verifier = twoPools();
      expect((await verifier.verify(await issuer.mintAccessToken())).userPoolId).toBe(
        issuer.userPoolId,
      );
      expect((await verifier.verify(await other.mintAccessToken())).userPoolId).toBe(
        other.userPoolId,
      );
    });

    it('kid from another pool: a token claiming pool A, signed by pool B key under B kid, answers KEY_NOT_FOUND', async () => {
      const forged = await other.mintAccessToken({
        claims: { iss: issuer.issuer, client_id: issuer.clientId },
      });
      expect(await rejectionCode(twoPools().verify(forged))).toBe('KEY_NOT_FOUND');
    });

    it('token from another pool with the same kid: B key served under A kid by pool B, token claiming A, answers SIGNATURE_INVALID', async () => {
      const aKid = issuer.currentKid;
      const bJwk = other.jwks().keys[0]!;
      other.setJwks({ keys: [{ ...bJwk, kid: aKid }] });
      const forged = await other.sign(accessClaims(issuer, clock.seconds()), {
        header: { kid: aKid },
      });
      const verifier = twoPools();
      await verifier.hydrate();
      expect(await rejectionCode(verifier.verify(forged))).toBe('SIGNATURE_INVALID');
    });

    it('token from an unconfigured pool: answers ISSUER without fetching that pool keys', async () => {
      const before = other.requestCount;
      expect(await rejectionCode(poolVerifier(issuer).verify(await other.mintAccessToken()))).toBe(
        'ISSUER',
      );
      expect(other.requestCount).toBe(before);
    });
  });

  describe('duplicate kid (R17; Wycheproof DuplicateKid)', () => {
    it('the pool key listed twice: answers KEY_REJECTED (ambiguous, pick neither)', async () => {
      const jwk = issuer.jwks().keys[0]!;
      serve(jwk, jwk);
      expect(await rejectionCode(poolVerifier().verify(await issuer.mintAccessToken()))).toBe(
        'KEY_REJECTED',
      );
    });

    it('the pool kid shared by the pool key and an attacker key: both signers get KEY_REJECTED', async () => {
      const jwk = issuer.jwks().keys[0]!;
      const impostor = { ...forge.jwk, kid: jwk.kid };
      serve(jwk, impostor);
      const verifier = poolVerifier();
      expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe(
        'KEY_REJECTED',
      );
      expect(
        await rejectionCode(verifier.verify(forge.sign({ alg: 'RS256', kid: jwk.kid }, claims()))),
      ).toBe('KEY_REJECTED');
    });

    it('a duplicated kid does not poison the other kids of the set', async () => {
      const jwk = issuer.jwks().keys[0]!;
      serve(forge.jwk, forge.jwk, jwk);
      const verifier = poolVerifier();
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
      expect(
        await rejectionCode(
          verifier.verify(forge.sign({ alg: 'RS256', kid: forge.kid }, claims())),
        ),
      ).toBe('KEY_REJECTED');
    });
  });

  describe('weak and misused keys (class 21, R16, decision 5)', () => {
    /** Serves `jwk` next to the pool key and returns the verifier's answer for `token`. */
    async function answerFor(jwk: Record<string, unknown>, token: string) {
      serve(...issuer.jwks().keys, jwk);
      return rejectionCode(poolVerifier().verify(token));
    }
    const signedBy = (key: ForgeKey) => key.sign({ alg: 'RS256', kid: key.kid }, claims());
    const verifiesInNode = (jwk: Record<string, unknown>, token: string) => {
      const [h, p, s] = segments(token);
      return nodeVerify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        keyObjectOf(jwk),
        Buffer.from(s, 'base64url'),
      );
    };

    it('a 1024-bit key with a genuine signature: answers KEY_REJECTED', async () => {
      const weak = createForgeKey({ kid: 'rsa-1024', modulusLength: 1024 });
      const token = signedBy(weak);
      expect(verifiesInNode(weak.jwk, token)).toBe(true);
      expect(await answerFor(weak.jwk, token)).toBe('KEY_REJECTED');
    });

    it('a 2047-bit key: answers KEY_REJECTED, and a 2048-bit key is accepted (boundary, RFC 7518 §3.3)', async () => {
      const short = createForgeKey({ kid: 'rsa-2047', modulusLength: 2047 });
      expect(keyObjectOf(short.jwk).asymmetricKeyDetails?.modulusLength).toBe(2047);
      expect(await answerFor(short.jwk, signedBy(short))).toBe('KEY_REJECTED');
      serve(forge.jwk);
      expect((await poolVerifier().verify(signedBy(forge))).sub).toBe(claims().sub);
    });

    it('e = 1 with a signature forged without any private key: node:crypto accepts it, the verifier answers KEY_REJECTED', async () => {
      // With e = 1, s^e mod n = s: the "signature" is the PKCS#1 v1.5 encoding of the hash.
      const n = Buffer.from(forge.jwk.n as string, 'base64url');
      const k = n.length;
      const input = `${b64u(JSON.stringify({ alg: 'RS256', kid: 'e-is-one' }))}.${b64u(JSON.stringify({ ...claims(), 'cognito:groups': ['admin'] }))}`;
      const digestInfo = Buffer.concat([
        Buffer.from('3031300d060960864801650304020105000420', 'hex'),
        createHash('sha256').update(input).digest(),
      ]);
      const encoded = Buffer.concat([
        Buffer.from([0x00, 0x01]),
        Buffer.alloc(k - 3 - digestInfo.length, 0xff),
        Buffer.from([0x00]),
        digestInfo,
      ]);
      const forgedToken = `${input}.${b64u(encoded)}`;
      const eOne: Jwk = {
        alg: 'RS256',
        e: 'AQ',
        kid: 'e-is-one',
        kty: 'RSA',
        n: forge.jwk.n,
        use: 'sig',
      };
      expect(verifiesInNode(eOne, forgedToken)).toBe(true);
      expect(await answerFor(eOne, forgedToken)).toBe('KEY_REJECTED');
    });

    it('e = 3 with a genuine signature: answers KEY_REJECTED', async () => {
      const three = createForgeKey({ kid: 'rsa-e3', publicExponent: 3 });
      expect(three.jwk.e).toBe('Aw');
      const token = signedBy(three);
      expect(verifiesInNode(three.jwk, token)).toBe(true);
      expect(await answerFor(three.jwk, token)).toBe('KEY_REJECTED');
    });

    it.each([
      ['use: enc', { use: 'enc' }],
      ['key_ops without verify', { key_ops: ['encrypt', 'wrapKey'] }],
      ['key_ops of sign only', { key_ops: ['sign'] }],
      ['key_ops as a string', { key_ops: 'verify' }],
      ['alg RS512', { alg: 'RS512' }],
      ['alg PS256', { alg: 'PS256' }],
      ['alg RSA1_5', { alg: 'RSA1_5' }],
      ['kty EC', { kty: 'EC' }],
      ['kty oct', { kty: 'oct' }],
      ['e = 65537 spelled with a leading zero byte ("AAEAAQ")', { e: 'AAEAAQ' }],
      ['e missing', { e: undefined }],
      ['n missing', { n: undefined }],
      ['a zero modulus (jsrsasign GHSA-464q-cqxq-xhgr)', { n: 'AA' }],
      [
        'a padded modulus',
        {
          get n() {
            return `${forge.jwk.n}=`;
          },
        },
      ],
    ])(
      'the served key with %s, under a genuine signature: answers KEY_REJECTED',
      async (_name, change) => {
        const jwk: Record<string, unknown> = { ...forge.jwk };
        for (const [name, value] of Object.entries(change)) {
          if (value === undefined) delete jwk[name];
          else jwk[name] = value;
        }
        expect(await answerFor(jwk, signedBy(forge))).toBe('KEY_REJECTED');
      },
    );

    it('a modulus over 8192 bits: answers KEY_REJECTED', async () => {
      const n = randomBytes(1025);
      n[0] = 0x80;
      n[n.length - 1]! |= 1;
      const huge = { ...forge.jwk, kid: 'rsa-huge', n: b64u(n) };
      expect(keyObjectOf(huge).asymmetricKeyDetails?.modulusLength).toBe(8200);
      expect(await answerFor(huge, forge.sign({ alg: 'RS256', kid: 'rsa-huge' }, claims()))).toBe(
        'KEY_REJECTED',
      );
    });

    it('a weak key does not stop the good keys of the same set (R15)', async () => {
      const three = createForgeKey({ kid: 'rsa-e3-b', publicExponent: 3 });
      serve(
        three.jwk,
        { kty: 'EC', kid: 'ec-key', crv: 'P-256', x: 'AA', y: 'AA' },
        ...issuer.jwks().keys,
      );
      const verifier = poolVerifier();
      expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
      expect(await rejectionCode(verifier.verify(signedBy(three)))).toBe('KEY_REJECTED');
    });
  });
});
