import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../src/errors.js';
import { createVerifier, type VerifierEvent } from '../src/verifier.js';
import { manualClock, rejectionCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let other: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  other = await createTestIssuer({ userPoolId: 'eu-west-1_OtherPool', clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
  await other?.close();
});

function accessVerifier(extra: Partial<Parameters<typeof createVerifier>[0]> = {}) {
  return createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
    ...extra,
  } as Parameters<typeof createVerifier>[0]);
}

describe('createVerifier', () => {
  it('verifies an access token minted by the testing kit over HTTPS', async () => {
    const token = await issuer.mintAccessToken({
      username: 'alice',
      groups: ['readers'],
      scopes: ['orders/read'],
    });
    const auth = await accessVerifier().verify(token);
    expect(auth.tokenUse).toBe('access');
    expect(auth.userPoolId).toBe(issuer.userPoolId);
    expect(auth.clientId).toBe(issuer.clientId);
    expect(auth.username).toBe('alice');
    expect(auth.scopes).toEqual(['orders/read']);
    expect(auth.groups).toEqual(['readers']);
    expect(auth.isMachine).toBe(false);
    expect(auth.sub).toBe(auth.claims.sub);
    expect(auth.expiresAt).toBe(auth.claims.exp);
  });

  it('verifies an ID token and reads cognito:username and aud', async () => {
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'id',
      jwksUri: issuer.jwksUri,
      jwks: { ca: issuer.ca },
      clock: clock.now,
    });
    const auth = await verifier.verify(
      await issuer.mintIdToken({ username: 'bob', attributes: { 'custom:tenant': 'acme' } }),
    );
    expect(auth.tokenUse).toBe('id');
    expect(auth.username).toBe('bob');
    expect(auth.clientId).toBe(issuer.clientId);
    expect(auth.claims['custom:tenant']).toBe('acme');
    expect(auth.scopes).toEqual([]);
  });

  it('marks a client-credentials token as a machine token', async () => {
    const auth = await accessVerifier().verify(
      await issuer.mintClientCredentialsToken({ scopes: ['api/read'] }),
    );
    expect(auth.isMachine).toBe(true);
    expect(auth.username).toBeUndefined();
    expect(auth.scopes).toEqual(['api/read']);
  });

  it('accepts either kind when tokenUse is null', async () => {
    const verifier = accessVerifier({ tokenUse: null });
    expect((await verifier.verify(await issuer.mintIdToken())).tokenUse).toBe('id');
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
  });

  it('exposes claims as a deeply frozen object of own properties', async () => {
    const auth = await accessVerifier().verify(await issuer.mintAccessToken({ groups: ['a'] }));
    expect(Object.isFrozen(auth)).toBe(true);
    expect(Object.isFrozen(auth.claims)).toBe(true);
    expect(Object.isFrozen(auth.groups)).toBe(true);
    expect(() => {
      (auth.groups as string[]).push('admin');
    }).toThrow(TypeError);
    expect(Object.keys(auth.claims)).toContain('sub');
  });

  it('verifies against several pools and keeps keys bound to their issuer', async () => {
    const verifier = createVerifier({
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
          tokenUse: 'id',
          jwksUri: other.jwksUri,
        },
      ],
      jwks: { ca: issuer.ca },
      clock: clock.now,
    });
    expect((await verifier.verify(await issuer.mintAccessToken())).userPoolId).toBe(
      issuer.userPoolId,
    );
    expect((await verifier.verify(await other.mintIdToken())).userPoolId).toBe(other.userPoolId);
    // token from another pool with the same kid: signed by pool B's key, claiming pool A.
    const forged = await other.mintAccessToken({
      claims: { iss: issuer.issuer, client_id: issuer.clientId },
    });
    // Past the cooldown, so pool A's JWKS is fetched again and says the kid is not A's.
    clock.advance(31);
    const code = await rejectionCode(verifier.verify(forged));
    expect(['KEY_NOT_FOUND', 'SIGNATURE_INVALID']).toContain(code);
    // and pool A's rule (access only) is not applied to pool B's tokens or the reverse.
    expect(await rejectionCode(verifier.verify(await other.mintAccessToken()))).toBe('TOKEN_USE');
  });

  it('reports verified, rejected and JWKS events without the token, one event per verify', async () => {
    const events: VerifierEvent[] = [];
    const verifier = accessVerifier({ onEvent: (e) => events.push(e) });
    const token = await issuer.mintAccessToken();
    // Verified in full twice (the second caches it: the doorkeeper), then a cache hit.
    await verifier.verify(token);
    await verifier.verify(token);
    await verifier.verify(token);
    await rejectionCode(verifier.verify('garbage'));
    expect(events.map((e) => e.type)).toEqual([
      'jwks-fetch',
      'verified',
      'verified',
      'verified',
      'rejected',
    ]);
    expect(events.map((e) => (e.type === 'verified' ? e.cached : undefined))).toEqual([
      undefined,
      false,
      false,
      true,
      undefined,
    ]);
    expect(events.at(-1)).toEqual({ type: 'rejected', code: 'MALFORMED' });
    expect(JSON.stringify(events)).not.toContain(token.split('.')[2]);
  });

  it('ignores an onEvent hook that throws', async () => {
    const verifier = accessVerifier({
      onEvent: () => {
        throw new Error('observer bug');
      },
    });
    expect((await verifier.verify(await issuer.mintAccessToken())).tokenUse).toBe('access');
  });

  it('hydrate() fetches the JWKS ahead of the first request', async () => {
    const verifier = accessVerifier();
    const before = issuer.requestCount;
    await verifier.hydrate();
    expect(issuer.requestCount).toBe(before + 1);
    await verifier.verify(await issuer.mintAccessToken());
    expect(issuer.requestCount).toBe(before + 1);
  });
});

describe('createVerifier rejects', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['a token that is not a JWT', async () => 'not-a-jwt', 'MALFORMED'],
    ['a token over maxTokenBytes', async () => 'a'.repeat(20_000), 'TOO_LARGE'],
    [
      'a header carrying jku',
      () => issuer.mintAccessToken({ header: { jku: 'https://evil.example/jwks' } }),
      'HEADER_NOT_ALLOWED',
    ],
    ['alg none', () => issuer.mintAccessToken({ header: { alg: 'none' } }), 'ALG_NOT_ALLOWED'],
    ['alg HS256', () => issuer.mintAccessToken({ header: { alg: 'HS256' } }), 'ALG_NOT_ALLOWED'],
    [
      'a header without kid',
      () => issuer.mintAccessToken({ header: { kid: undefined } }),
      'KID_MISSING',
    ],
    [
      'an unknown kid',
      () => issuer.mintAccessToken({ header: { kid: 'no-such-key' } }),
      'KEY_NOT_FOUND',
    ],
    ['a token from another pool', () => other.mintAccessToken(), 'ISSUER'],
    [
      'the issuer-cognito-idp issuer form',
      () =>
        issuer.mintAccessToken({
          claims: { iss: issuer.issuer.replace('cognito-idp', 'issuer-cognito-idp') },
        }),
      'ISSUER',
    ],
    [
      'an issuer with a trailing slash',
      () => issuer.mintAccessToken({ claims: { iss: `${issuer.issuer}/` } }),
      'ISSUER',
    ],
    ['an id token where access is expected', () => issuer.mintIdToken(), 'TOKEN_USE'],
    ['another client', () => issuer.mintAccessToken({ clientId: 'someotherclient' }), 'CLIENT_ID'],
    ['an expired token', () => issuer.mintAccessToken({ expiresIn: -60 }), 'EXPIRED'],
    [
      'a token not valid yet',
      () => issuer.mintAccessToken({ claims: { nbf: clock.now() / 1000 + 600 } }),
      'NOT_YET_VALID',
    ],
    [
      'iat in the future',
      () => issuer.mintAccessToken({ issuedAt: clock.now() / 1000 + 600 }),
      'IAT_INVALID',
    ],
    ['a lifetime over a day', () => issuer.mintAccessToken({ expiresIn: 2 * 86_400 }), 'LIFETIME'],
    ['exp of 1e300', () => issuer.mintAccessToken({ claims: { exp: 1e300 } }), 'LIFETIME'],
    ['a missing exp', () => issuer.mintAccessToken({ claims: { exp: undefined } }), 'CLAIM_TYPE'],
    [
      'exp as a string',
      () => issuer.mintAccessToken({ claims: { exp: String(clock.now() / 1000 + 60) } }),
      'CLAIM_TYPE',
    ],
    ['a missing iat', () => issuer.mintAccessToken({ claims: { iat: undefined } }), 'CLAIM_TYPE'],
    [
      'cognito:groups as a string',
      () => issuer.mintAccessToken({ claims: { 'cognito:groups': 'admin' } }),
      'CLAIM_TYPE',
    ],
    [
      'client_id as an array',
      () => issuer.mintAccessToken({ claims: { client_id: [issuer.clientId] } }),
      'CLAIM_TYPE',
    ],
    ['a missing sub', () => issuer.mintAccessToken({ claims: { sub: undefined } }), 'CLAIM_TYPE'],
    [
      'an access token without client_id',
      () => issuer.mintAccessToken({ claims: { client_id: undefined } }),
      'CLAIM_TYPE',
    ],
  ];

  it.each(cases)('%s', async (_name, mint, code) => {
    expect(await rejectionCode(accessVerifier().verify(await mint()))).toBe(code);
  });

  it('a token whose signature was changed (SIGNATURE_INVALID)', async () => {
    const token = await issuer.mintAccessToken();
    const [h, p, s] = token.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 1;
    expect(
      await rejectionCode(accessVerifier().verify(`${h}.${p}.${sig.toString('base64url')}`)),
    ).toBe('SIGNATURE_INVALID');
  });

  it('a payload swapped under a valid signature (SIGNATURE_INVALID)', async () => {
    const reader = (await issuer.mintAccessToken({ groups: ['readers'] })).split('.');
    const admin = (await issuer.mintAccessToken({ groups: ['admin'] })).split('.');
    expect(
      await rejectionCode(accessVerifier().verify(`${reader[0]}.${admin[1]}.${reader[2]}`)),
    ).toBe('SIGNATURE_INVALID');
  });

  it('a token signed by a weak key the JWKS serves (KEY_REJECTED)', async () => {
    const weak = await createTestIssuer({ modulusLength: 1024, clock: clock.now });
    try {
      const verifier = createVerifier({
        userPoolId: weak.userPoolId,
        clientId: weak.clientId,
        tokenUse: 'access',
        jwksUri: weak.jwksUri,
        clock: clock.now,
      });
      expect(await rejectionCode(verifier.verify(await weak.mintAccessToken()))).toBe(
        'KEY_REJECTED',
      );
    } finally {
      await weak.close();
    }
  });

  it('a revoked token, on a miss and on a cache hit (REVOKED)', async () => {
    const revoked = new Set<string>();
    const verifier = accessVerifier({ isRevoked: (claims) => revoked.has(claims.jti ?? '') });
    const token = await issuer.mintAccessToken();
    const auth = await verifier.verify(token);
    revoked.add(auth.claims.jti!);
    expect(await rejectionCode(verifier.verify(token))).toBe('REVOKED');
    expect(await rejectionCode(accessVerifier({ isRevoked: () => true }).verify(token))).toBe(
      'REVOKED',
    );
  });

  it('fails closed when isRevoked throws (REVOKED)', async () => {
    const verifier = accessVerifier({
      isRevoked: async () => {
        throw new Error('deny list down');
      },
    });
    expect(await rejectionCode(verifier.verify(await issuer.mintAccessToken()))).toBe('REVOKED');
  });

  it('keeps the code of an AuthError thrown by isRevoked (REVOCATION_UNAVAILABLE), on a miss and on a hit', async () => {
    let down = false;
    const verifier = accessVerifier({
      isRevoked: () => {
        if (down) throw new AuthError('REVOCATION_UNAVAILABLE', { retryAfterSeconds: 2 });
        return false;
      },
    });
    const token = await issuer.mintAccessToken();
    await verifier.verify(token);
    down = true;
    const err = await verifier.verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).code).toBe('REVOCATION_UNAVAILABLE');
    expect((err as AuthError).status).toBe(503);
    expect((err as AuthError).retryAfterSeconds).toBe(2);
    const fresh = await issuer.mintAccessToken();
    expect(await rejectionCode(verifier.verify(fresh))).toBe('REVOCATION_UNAVAILABLE');
    down = false;
    expect((await verifier.verify(token)).sub).toBeTypeOf('string');
  });

  it('answers a cache hit without awaiting when isRevoked answers synchronously', async () => {
    const verifier = accessVerifier({ isRevoked: () => false });
    const token = await issuer.mintAccessToken();
    await verifier.verify(token);
    // A settled promise: its callback runs before a callback queued after it in the same turn.
    const order: string[] = [];
    const hit = verifier.verify(token).then(() => order.push('hit'));
    await Promise.resolve().then(() => order.push('tick'));
    await hit;
    expect(order).toEqual(['hit', 'tick']);
  });

  it('a validly signed __proto__ claim (MALFORMED), leaving Object.prototype alone', async () => {
    // JSON.parse makes "__proto__" an own member; an object literal would set the prototype.
    const claims = JSON.parse('{"__proto__":{"cognito:groups":["admin"]}}');
    const token = await issuer.mintAccessToken({ claims });
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString()).toContain('"__proto__"');
    expect(await rejectionCode(accessVerifier().verify(token))).toBe('MALFORMED');
    expect(({} as Record<string, unknown>)['cognito:groups']).toBeUndefined();
  });

  it('a validly signed, deeply nested payload (MALFORMED), not a stack overflow', async () => {
    const base = JSON.parse(
      Buffer.from((await issuer.mintAccessToken()).split('.')[1]!, 'base64url').toString(),
    );
    const nested = JSON.parse(`${'['.repeat(3000)}${']'.repeat(3000)}`);
    const token = await issuer.sign({ ...base, deep: nested });
    expect(await rejectionCode(accessVerifier().verify(token))).toBe('MALFORMED');
  });

  it('rejects non-string input without crashing', async () => {
    const verifier = accessVerifier();
    for (const input of [undefined, null, 42, {}, [], Buffer.from('x')]) {
      expect(await rejectionCode(verifier.verify(input as unknown as string))).toBe('MALFORMED');
    }
  });
});

describe('createVerifier configuration', () => {
  const base = { userPoolId: 'us-east-1_Example', clientId: 'c', tokenUse: 'access' as const };

  it.each([
    ['a bad pool id', { ...base, userPoolId: 'not-a-pool' }],
    ['a missing tokenUse', { userPoolId: 'us-east-1_Example', clientId: 'c' }],
    ['a missing clientId', { userPoolId: 'us-east-1_Example', tokenUse: 'access' }],
    ['an empty clientId list', { ...base, clientId: [] }],
    ['a tolerance over 300 s', { ...base, clockToleranceSeconds: 301 }],
    ['a negative tolerance', { ...base, clockToleranceSeconds: -1 }],
    ['an http JWKS URI that is not loopback', { ...base, jwksUri: 'http://example.com/jwks.json' }],
    ['a JWKS URI with credentials', { ...base, jwksUri: 'https://u:p@example.com/jwks.json' }],
    ['a relative JWKS URI', { ...base, jwksUri: '/jwks.json' }],
    ['an empty userPools list', { userPools: [] }],
    ['a pool configured twice', { userPools: [base, base] }],
    ['a non-function isRevoked', { ...base, isRevoked: true }],
    [
      'a JWKS ttl shorter than the cooldown',
      { ...base, jwks: { ttlSeconds: 10, cooldownSeconds: 30 } },
    ],
    ['a cache of zero entries', { ...base, cache: { maxEntries: 0 } }],
    ['cache: true', { ...base, cache: true }],
    ['cache: null', { ...base, cache: null }],
    ['cache as a string', { ...base, cache: 'lru' }],
  ])('throws a TypeError at creation for %s', (_name, options) => {
    expect(() => createVerifier(options as Parameters<typeof createVerifier>[0])).toThrow(
      TypeError,
    );
  });
});

describe('the verified-token cache', () => {
  it('answers a repeated token from the cache and still checks expiry with the clock', async () => {
    const local = manualClock();
    const verifier = accessVerifier({ clock: local.now });
    const token = await issuer.mintAccessToken({ issuedAt: local.now() / 1000, expiresIn: 300 });
    await verifier.verify(token);
    // The second verification caches the outcome (the doorkeeper); the third is a hit.
    const cached = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(cached);
    local.advance(300 + 5);
    expect(await rejectionCode(verifier.verify(token))).toBe('EXPIRED');
  });

  it('verifies every time when the cache is off', async () => {
    const cached: boolean[] = [];
    const verifier = accessVerifier({
      cache: false,
      onEvent: (e) => e.type === 'verified' && cached.push(e.cached),
    });
    const token = await issuer.mintAccessToken();
    const a = await verifier.verify(token);
    const b = await verifier.verify(token);
    expect(a).not.toBe(b);
    expect(cached).toEqual([false, false]);
  });

  it('holds at most maxEntries tokens', async () => {
    const events: string[] = [];
    const verifier = accessVerifier({
      cache: { maxEntries: 2 },
      onEvent: (e) => e.type === 'verified' && e.cached && events.push('hit'),
    });
    const tokens = await Promise.all(
      [1, 2, 3].map((n) => issuer.mintAccessToken({ username: `u${n}` })),
    );
    // Each token verified twice (the second caches it); the third evicts the first.
    for (const t of tokens) {
      await verifier.verify(t);
      await verifier.verify(t);
    }
    events.length = 0;
    for (const t of tokens.slice(1)) await verifier.verify(t);
    expect(events).toEqual(['hit', 'hit']);
    await verifier.verify(tokens[0]!);
    expect(events).toEqual(['hit', 'hit']);
  });
});

describe('known header segments', () => {
  /** `JSON.parse` calls on the header text of `token` while `run` runs. */
  async function headerParses(token: string, run: () => Promise<unknown>): Promise<number> {
    const headerText = Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8');
    const spy = vi.spyOn(JSON, 'parse');
    try {
      await run().catch(() => undefined);
      return spy.mock.calls.filter(([text]) => text === headerText).length;
    } finally {
      spy.mockRestore();
    }
  }

  it('decodes the header of an accepted token once, and not for the next token with it', async () => {
    const verifier = accessVerifier({ cache: false });
    const first = await issuer.mintAccessToken({ username: 'h1' });
    const second = await issuer.mintAccessToken({ username: 'h2' });
    expect(first.split('.')[0]).toBe(second.split('.')[0]);
    expect(await headerParses(first, () => verifier.verify(first))).toBe(1);
    expect(await headerParses(second, () => verifier.verify(second))).toBe(0);
    expect((await verifier.verify(second)).username).toBe('h2');
  });

  it('never remembers the header of a refused token', async () => {
    const verifier = accessVerifier({ cache: false });
    const token = await issuer.mintAccessToken({ header: { typ: 'JWT' } });
    const [h, p, sig] = token.split('.');
    const forged = `${h}.${p}.${sig!.slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) {
      expect(await headerParses(forged, () => verifier.verify(forged))).toBe(1);
    }
    expect(await rejectionCode(verifier.verify(forged))).toBe('SIGNATURE_INVALID');
  });
});

describe('the verify pipeline under arbitrary input (property)', () => {
  it('never crashes, hangs or accepts a mutated token', async () => {
    const verifier = accessVerifier();
    const token = await issuer.mintAccessToken();
    await verifier.verify(token);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom(...'AZaz09-_.=+/ \u00e9'.split('')),
        async (index, ch) => {
          fc.pre(token[index] !== ch);
          const mutated = token.slice(0, index) + ch + token.slice(index + 1);
          const code = await rejectionCode(verifier.verify(mutated));
          expect(code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers random strings with an AuthError', async () => {
    const verifier = accessVerifier();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 2000 }), async (input) => {
        await expect(verifier.verify(input)).rejects.toBeInstanceOf(AuthError);
      }),
      { numRuns: 300 },
    );
  });
});
