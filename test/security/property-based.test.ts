/**
 * Property-based tests (fast-check) of the three parsers an attacker controls the input of:
 * the bearer header (R29-R31), the compact JWS (R01-R04, R39) and the whole verify pipeline.
 * The properties: no input crashes (only AuthErrors, with the codes of its class), none hangs
 * (every run is bounded, and each verification is timed), and nothing is accepted unless it
 * is a valid token: byte mutations, segment shuffles and re-encodings of a valid token are
 * never accepted except the identical token, and a signed claims set is accepted only if every
 * Cognito rule holds.
 *
 * Runs are sized to keep the file within a few seconds; the seed is printed by fast-check on
 * failure so any counterexample can be replayed.
 */
import { createHash } from 'node:crypto';
import { AuthError, createVerifier, type ErrorCode, type Verifier } from '@cognito-guard/core';
import { extractBearerToken } from '@cognito-guard/core/http';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCompactJws } from '../../packages/core/src/compact-jws.js';
import { admitKey } from '../../packages/core/src/key-policy.js';
import { parseStrictJsonObject } from '../../packages/core/src/strict-json.js';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type ForgeKey,
  manualClock,
  segments,
} from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let forge: ForgeKey;
let verifier: Verifier<'access'>;
let valid: string;

/** Token-class codes: what `verify` may answer for a token, whatever it is. */
const TOKEN_CODES = new Set<ErrorCode>([
  'MALFORMED',
  'TOO_LARGE',
  'HEADER_NOT_ALLOWED',
  'ALG_NOT_ALLOWED',
  'KID_MISSING',
  'KEY_NOT_FOUND',
  'KEY_REJECTED',
  'SIGNATURE_INVALID',
  'ISSUER',
  'TOKEN_USE',
  'CLIENT_ID',
  'EXPIRED',
  'NOT_YET_VALID',
  'IAT_INVALID',
  'LIFETIME',
  'CLAIM_TYPE',
]);

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  forge = createForgeKey({ kid: 'forge-property' });
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
  valid = forge.sign({ alg: 'RS256', kid: forge.kid }, accessClaims(issuer, clock.seconds()));
  await verifier.verify(valid);
});

afterAll(async () => {
  await issuer?.close();
});

/**
 * A refusal `verify` may give `token`: a token-class code, or JWKS_UNAVAILABLE (503, retry
 * after the cooldown) for a kid the JWKS did not hold when it was last fetched: the keys may
 * have been rotated since, and only the next fetch allowed by the cooldown can tell.
 */
function isRefusal(result: string, token: string): boolean {
  if (TOKEN_CODES.has(result as ErrorCode)) return true;
  if (result !== 'JWKS_UNAVAILABLE') return false;
  let kid: unknown;
  try {
    kid = JSON.parse(Buffer.from(segments(token)[0], 'base64url').toString('utf8')).kid;
  } catch {
    return false;
  }
  return kid !== forge.kid;
}

/** Verifies `token` and classifies the outcome; fails on anything but an AuthError. */
async function outcome(token: string): Promise<'ACCEPT' | ErrorCode> {
  const started = performance.now();
  try {
    await verifier.verify(token);
    return 'ACCEPT';
  } catch (err) {
    if (!(err instanceof AuthError)) throw new Error(`not an AuthError: ${String(err)}`);
    return err.code;
  } finally {
    // No single verification may take long, whatever the input (generous: 2-core CI).
    expect(performance.now() - started).toBeLessThan(2000);
  }
}

// --- arbitraries ----------------------------------------------------------------------------

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters an attacker would try: the alphabet, its neighbours, separators, Unicode. */
const nastyChar = fc.oneof(
  fc.constantFrom(...B64URL.split('')),
  fc.constantFrom(
    '.',
    '=',
    '+',
    '/',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u0000',
    '\u00a0',
    '\u00e9',
    '\ufeff',
    '\u2028',
    '%',
    '!',
    '"',
    '\\',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Whitespace that is not ASCII SP: never a valid bearer separator (R29). */
const notSpace = fc.constantFrom(
  '\t',
  '\n',
  '\r',
  '\u000b',
  '\u000c',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u180e',
  '\u2000',
  '\u2002',
  '\u2007',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
);

const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,120}=*$/);
const bearerWord = fc.mixedCase(fc.constant('bearer'));

/** Mutations of a token, as functions of the original. */
type Mutation = (token: string) => string;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // replace one character
  fc
    .tuple(fc.nat(), nastyChar)
    .map(
      ([i, ch]): Mutation =>
        (t) => {
          const at = i % t.length;
          return t.slice(0, at) + ch + t.slice(at + 1);
        },
    ),
  // insert one character
  fc
    .tuple(fc.nat(), nastyChar)
    .map(
      ([i, ch]): Mutation =>
        (t) => {
          const at = i % (t.length + 1);
          return t.slice(0, at) + ch + t.slice(at);
        },
    ),
  // delete a run of characters
  fc
    .tuple(fc.nat(), fc.integer({ min: 1, max: 8 }))
    .map(
      ([i, n]): Mutation =>
        (t) => {
          const at = i % t.length;
          return t.slice(0, at) + t.slice(at + n);
        },
    ),
  // swap two characters
  fc
    .tuple(fc.nat(), fc.nat())
    .map(
      ([i, j]): Mutation =>
        (t) => {
          const a = i % t.length;
          const b = j % t.length;
          const chars = t.split('');
          [chars[a], chars[b]] = [chars[b]!, chars[a]!];
          return chars.join('');
        },
    ),
  // shuffle, drop or duplicate segments
  fc
    .shuffledSubarray([0, 1, 2, 0, 1, 2], { minLength: 1, maxLength: 6 })
    .map(
      (order): Mutation =>
        (t) => {
          const parts = t.split('.');
          return order.map((k) => parts[k % parts.length]!).join('.');
        },
    ),
  // respell one segment non-canonically (same bytes)
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('pad', 'std', 'space', 'bits'))
    .map(
      ([i, how]): Mutation =>
        (t) => {
          const parts = t.split('.');
          const k = i % parts.length;
          const seg = parts[k]!;
          const respelled =
            how === 'pad'
              ? `${seg}${'='.repeat((4 - (seg.length % 4)) % 4 || 1)}`
              : how === 'std'
                ? Buffer.from(seg, 'base64url').toString('base64')
                : how === 'space'
                  ? `${seg.slice(0, 4)} ${seg.slice(4)}`
                  : seg.length % 4 >= 2 && B64URL.includes(seg.at(-1)!)
                    ? seg.slice(0, -1) + B64URL[B64URL.indexOf(seg.at(-1)!) | 1]
                    : `${seg}A`;
          parts[k] = respelled;
          return parts.join('.');
        },
    ),
  // flip a bit in the decoded bytes of one segment, re-encoded canonically
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 }))
    .map(
      ([j, i, bit]): Mutation =>
        (t) => {
          const parts = t.split('.');
          const k = j % parts.length;
          const bytes = Buffer.from(parts[k]!, 'base64url');
          if (bytes.length === 0) return t;
          bytes[i % bytes.length]! ^= 1 << bit;
          parts[k] = b64u(bytes);
          return parts.join('.');
        },
    ),
);

describe('property-based', () => {
  describe('the bearer header parser (R29-R31)', () => {
    it('returns a b64token or throws NO_CREDENTIALS / BAD_REQUEST, for any header values and query', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 60 }),
            fc
              .tuple(bearerWord, fc.string({ unit: 'binary', maxLength: 60 }))
              .map(([b, s]) => `${b} ${s}`),
            fc.array(fc.string({ maxLength: 30 }), { minLength: 0, maxLength: 3 }),
          ),
          fc.option(
            fc.oneof(
              fc.string({ maxLength: 30 }),
              fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
            ),
            { nil: undefined },
          ),
          fc.boolean(),
          fc.boolean(),
          (authorization, query, allowQuery, allowBareToken) => {
            try {
              const token = extractBearerToken(
                { authorization, query },
                { allowQuery, allowBareToken },
              );
              expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
            } catch (err) {
              expect(err).toBeInstanceOf(AuthError);
              expect(['NO_CREDENTIALS', 'BAD_REQUEST']).toContain((err as AuthError).code);
            }
          },
        ),
        { numRuns: 3000 },
      );
    });

    it('returns exactly the token for any case of "Bearer", any run of spaces, and optional whitespace around', () => {
      fc.assert(
        fc.property(
          bearerWord,
          fc.integer({ min: 1, max: 8 }),
          fc.stringMatching(/^[ \t]{0,3}$/),
          fc.stringMatching(/^[ \t]{0,3}$/),
          b64token,
          (scheme, spaces, before, after, token) => {
            expect(
              extractBearerToken({
                authorization: `${before}${scheme}${' '.repeat(spaces)}${token}${after}`,
              }),
            ).toBe(token);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it('never returns a token when the separator holds any whitespace other than ASCII SP (TAB, NBSP, Unicode spaces)', () => {
      fc.assert(
        fc.property(
          bearerWord,
          fc.integer({ min: 0, max: 3 }),
          notSpace,
          fc.integer({ min: 0, max: 3 }),
          b64token,
          (scheme, a, bad, b, token) => {
            const header = `${scheme}${' '.repeat(a)}${bad}${' '.repeat(b)}${token}`;
            expect(() => extractBearerToken({ authorization: header })).toThrow(AuthError);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it('answers BAD_REQUEST for two or more Authorization values, and for a bearer header next to a query token', () => {
      fc.assert(
        fc.property(
          fc.array(fc.string({ maxLength: 40 }), { minLength: 2, maxLength: 4 }),
          b64token,
          b64token,
          fc.boolean(),
          (many, token, queryToken, allowQuery) => {
            const code = (fn: () => unknown) => {
              try {
                fn();
                return 'RETURNED';
              } catch (err) {
                return (err as AuthError).code;
              }
            };
            expect(code(() => extractBearerToken({ authorization: many }))).toBe('BAD_REQUEST');
            expect(
              code(() =>
                extractBearerToken(
                  { authorization: `Bearer ${token}`, query: queryToken },
                  { allowQuery },
                ),
              ),
            ).toBe('BAD_REQUEST');
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('the compact JWS parser (R01-R04, R39)', () => {
    const limits = { maxTokenBytes: 16_384, maxHeaderBytes: 1024 };
    const decode = (input: string) => {
      try {
        return { ok: decodeCompactJws(input, limits) } as const;
      } catch (err) {
        if (!(err instanceof AuthError)) throw new Error(`not an AuthError: ${String(err)}`);
        return { code: err.code } as const;
      }
    };

    it('throws only MALFORMED or TOO_LARGE on arbitrary input, and accepts only canonical segments', () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 300 }),
            fc.string({ unit: fc.constantFrom(...`${B64URL}.=`.split('')), maxLength: 2000 }),
            fc
              .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 64 }))
              .map(
                ([h, p, s]) =>
                  `${b64u(JSON.stringify(h) ?? '')}.${b64u(JSON.stringify(p) ?? '')}.${b64u(s)}`,
              ),
            fc.integer({ min: 16_000, max: 40_000 }).map((n) => '.'.repeat(n)),
          ),
          (input) => {
            const result = decode(input);
            if ('code' in result) {
              expect(['MALFORMED', 'TOO_LARGE']).toContain(result.code);
            } else {
              for (const segment of input.split('.')) {
                expect(Buffer.from(segment, 'base64url').toString('base64url')).toBe(segment);
              }
            }
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('accepts exactly the JSON objects (no forbidden names) as header and payload, and reads them as JSON.parse does', () => {
      const hasForbiddenName = (value: unknown): boolean =>
        typeof value === 'object' &&
        value !== null &&
        (Array.isArray(value)
          ? value.some(hasForbiddenName)
          : Object.keys(value).some(
              (k) =>
                ['__proto__', 'constructor', 'prototype'].includes(k) ||
                hasForbiddenName((value as Record<string, unknown>)[k]),
            ));
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
          const text = JSON.stringify(value);
          const token = `${b64u(text)}.${b64u(text)}.${b64u('sig')}`;
          const result = decode(token);
          const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
          if (
            isObject &&
            !hasForbiddenName(value) &&
            token.length <= 16_384 &&
            b64u(text).length <= 1024
          ) {
            expect('ok' in result).toBe(true);
            if ('ok' in result) expect(result.ok.payload).toEqual(JSON.parse(text));
          } else {
            expect('code' in result).toBe(true);
          }
        }),
        { numRuns: 1000 },
      );
    });

    it('detects a duplicate member at any depth however it is spelled (escapes, colons and quotes in names and values), and nothing else', () => {
      // A JSON tree written by hand, so duplicates can be put in on purpose; names come from a
      // tiny alphabet (duplicates are frequent) that includes the characters the duplicate
      // detector has to step over: colon, quote, backslash.
      type Node =
        | { kind: 'object'; members: [string, boolean, Node][] }
        | { kind: 'array'; items: Node[] }
        | { kind: 'leaf'; value: unknown };
      const name = fc.string({
        unit: fc.constantFrom('a', 'b', ':', '"', '\\', 'é'),
        minLength: 1,
        maxLength: 3,
      });
      const tree = fc.letrec<{ node: Node; object: Node }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.jsonValue({ maxDepth: 0 }).map((value): Node => ({ kind: 'leaf', value })),
          tie('object'),
          fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ kind: 'array', items })),
        ),
        object: fc
          .array(fc.tuple(name, fc.boolean(), tie('node')), { maxLength: 4 })
          .map((members): Node => ({ kind: 'object', members })),
      })).object;
      const write = (node: Node): string => {
        if (node.kind === 'leaf') return JSON.stringify(node.value);
        if (node.kind === 'array') return `[${node.items.map(write).join(',')}]`;
        return `{${node.members
          .map(([key, escaped, value]) => {
            // Spell the name with \u escapes when asked: the same member, another spelling.
            const spelled = escaped
              ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
              : JSON.stringify(key);
            return `${spelled} : ${write(value)}`;
          })
          .join(', ')}}`;
      };
      const hasDuplicate = (node: Node): boolean => {
        if (node.kind === 'leaf') return false;
        if (node.kind === 'array') return node.items.some(hasDuplicate);
        const keys = node.members.map(([key]) => key);
        return (
          new Set(keys).size !== keys.length ||
          node.members.some(([, , value]) => hasDuplicate(value))
        );
      };
      fc.assert(
        fc.property(tree, (root) => {
          const text = write(root);
          expect(JSON.parse(text)).toBeTypeOf('object');
          let threw = false;
          try {
            parseStrictJsonObject(text);
          } catch {
            threw = true;
          }
          expect(threw, text).toBe(hasDuplicate(root));
        }),
        { numRuns: 3000 },
      );
    });

    it('refuses every non-canonical respelling of a valid token (padding, standard alphabet, whitespace, trailing bits)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 }),
          fc.constantFrom('pad', 'std', 'space', 'bits', 'lower'),
          (k, how) => {
            const parts = segments(valid);
            const seg = parts[k]!;
            let respelled: string;
            if (how === 'pad') respelled = `${seg}=`;
            else if (how === 'std')
              respelled = Buffer.from(seg, 'base64url').toString('base64').replace(/=+$/, '');
            else if (how === 'space') respelled = `${seg.slice(0, 3)}\n${seg.slice(3)}`;
            else if (how === 'bits' && seg.length % 4 >= 2)
              respelled = seg.slice(0, -1) + B64URL[B64URL.indexOf(seg.at(-1)!) | 1];
            else respelled = seg.replace(/[A-Z]/, (c) => c.toLowerCase());
            fc.pre(respelled !== seg);
            parts[k] = respelled;
            const mutated = parts.join('.');
            const result = decode(mutated);
            // Either the decoder refuses it, or (a changed letter) it decodes to other bytes.
            if ('ok' in result) {
              expect(how).toBe('lower');
            } else {
              expect(result.code).toBe('MALFORMED');
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe('the verify pipeline', () => {
    it('control: the valid token is accepted', async () => {
      expect(await outcome(valid)).toBe('ACCEPT');
    });

    it('never accepts a mutated, shuffled or re-encoded token unless it is identical to the valid one', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const mutated = mutations.reduce((t, m) => m(t), valid);
          const result = await outcome(mutated);
          if (mutated === valid) {
            expect(result).toBe('ACCEPT');
          } else {
            expect(isRefusal(result, mutated), `${result}`).toBe(true);
          }
        }),
        { numRuns: 1000 },
      );
    });

    it('never accepts a token with another header, even validly signed, unless it is {alg RS256, kid, typ JWT?}', async () => {
      const headerArb = fc.record(
        {
          alg: fc.oneof(
            fc.constantFrom('RS256', 'rs256', 'none', 'HS256', 'PS256', 'RS512', ''),
            fc.jsonValue(),
          ),
          kid: fc.oneof(
            fc.constant(forge.kid),
            fc.constant(issuer.currentKid),
            fc.string({ maxLength: 20 }),
            fc.jsonValue(),
          ),
          typ: fc.oneof(fc.constantFrom('JWT', 'jwt', 'at+jwt', 'JOSE'), fc.jsonValue()),
          extra: fc.dictionary(
            fc.constantFrom('jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64', 'cty', 'zip', 'foo'),
            fc.jsonValue(),
            { maxKeys: 2 },
          ),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(headerArb, async ({ extra, ...header }) => {
          const full = { ...header, ...extra } as Record<string, unknown>;
          const token = forge.sign(full, accessClaims(issuer, clock.seconds()));
          const result = await outcome(token);
          const plain =
            full.alg === 'RS256' &&
            full.kid === forge.kid &&
            Object.keys(full).every((k) => ['alg', 'kid', 'typ'].includes(k)) &&
            (!Object.hasOwn(full, 'typ') ||
              (typeof full.typ === 'string' && full.typ.toUpperCase() === 'JWT'));
          if (plain) expect(result).toBe('ACCEPT');
          else expect(isRefusal(result, token), `${result}`).toBe(true);
        }),
        { numRuns: 400 },
      );
    });

    it('accepts a validly signed claims set only when every Cognito rule holds', async () => {
      const now = clock.seconds();
      const interesting = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(
          now,
          now + 1,
          now - 1,
          now + 5,
          now + 6,
          now + 3600,
          now + 86_400,
          now + 86_401,
          now - 86_401,
          1e300,
          -1,
          0,
          0.5,
          Number.MAX_SAFE_INTEGER,
          `${now + 60}`,
          'access',
          'id',
          'Access',
          issuer.issuer,
          `${issuer.issuer}/`,
          issuer.clientId,
          `${issuer.clientId} `,
          ['admin'],
          'admin',
          [1],
          '',
          null,
          true,
        ),
      );
      const names = fc.constantFrom(
        'sub',
        'iss',
        'client_id',
        'aud',
        'token_use',
        'scope',
        'exp',
        'iat',
        'nbf',
        'auth_time',
        'username',
        'jti',
        'cognito:groups',
        'custom:x',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(names, fc.option(interesting, { nil: undefined }), { maxKeys: 3 }),
          async (changes) => {
            const claims = accessClaims(issuer, now, changes);
            const token = forge.sign({ alg: 'RS256', kid: forge.kid }, claims);
            const result = await outcome(token);
            if (result !== 'ACCEPT') {
              expect(TOKEN_CODES.has(result), `${result}`).toBe(true);
              return;
            }
            // Accepted: every rule must hold for the claims as signed.
            const c = claims;
            expect(c.iss).toBe(issuer.issuer);
            expect(c.token_use).toBe('access');
            expect(c.client_id).toBe(issuer.clientId);
            expect(typeof c.sub === 'string' && c.sub.length > 0).toBe(true);
            for (const name of ['exp', 'iat']) expect(Number.isFinite(c[name])).toBe(true);
            const exp = c.exp as number;
            const iat = c.iat as number;
            expect(now).toBeLessThan(exp + 5);
            expect(iat).toBeLessThanOrEqual(now + 5);
            expect(exp - iat).toBeLessThanOrEqual(86_400);
            if (c.nbf !== undefined) expect(c.nbf as number).toBeLessThanOrEqual(now + 5);
            for (const name of ['scope', 'username', 'jti', 'aud']) {
              if (c[name] !== undefined) expect(typeof c[name]).toBe('string');
            }
            const groups = c['cognito:groups'];
            if (groups !== undefined) {
              expect(Array.isArray(groups) && groups.every((g) => typeof g === 'string')).toBe(
                true,
              );
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe('the key policy (R16)', () => {
    it('admits a JWK only when kty RSA, e AQAB, n canonical of 2048-8192 bits, use sig/absent, key_ops with verify/absent, alg RS256/absent', () => {
      const base = forge.jwk;
      const values = fc.oneof(
        fc.jsonValue({ maxDepth: 1 }),
        fc.constantFrom(
          'RSA',
          'EC',
          'oct',
          'AQAB',
          'AQ',
          'Aw',
          'AAEAAQ',
          'sig',
          'enc',
          'RS256',
          'RS512',
          'PS256',
          ['verify'],
          ['sign'],
          ['verify', 'encrypt'],
          'verify',
        ),
      );
      const member = fc.constantFrom('kty', 'e', 'n', 'use', 'key_ops', 'alg');
      fc.assert(
        fc.property(
          fc.dictionary(member, fc.option(values, { nil: undefined }), { maxKeys: 3 }),
          (changes) => {
            const jwk: Record<string, unknown> = { ...base };
            for (const [name, value] of Object.entries(changes)) {
              if (value === undefined) delete jwk[name];
              else jwk[name] = value;
            }
            const admitted = admitKey(jwk, 'k');
            const shouldAdmit =
              jwk.kty === 'RSA' &&
              jwk.e === 'AQAB' &&
              jwk.n === base.n &&
              (jwk.use === undefined || jwk.use === 'sig') &&
              (jwk.key_ops === undefined ||
                (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) &&
              (jwk.alg === undefined || jwk.alg === 'RS256');
            expect(typeof admitted !== 'string', JSON.stringify(changes)).toBe(shouldAdmit);
            if (typeof admitted !== 'string') {
              expect(createHash('sha256').update(admitted.jwk.n).digest('hex')).toBe(
                createHash('sha256').update(String(base.n)).digest('hex'),
              );
            }
          },
        ),
        { numRuns: 1000 },
      );
    });
  });
});
