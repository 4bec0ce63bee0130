/**
 * Rejection flood (CPU exhaustion by forged tokens; RFC 8725 §3.x and OWASP's "JSON parser
 * denial of service"): an anonymous client sends payloads shaped to be expensive to parse
 * (thousands of members, `[{},{},...]`, deep nesting, long strings) under forged signatures.
 * A verifier that parses the payload strictly before it checks the signature spends far more
 * on such a refusal than on accepting a valid token of the same length.
 *
 * The verifier checks the signature first: before it, a payload is only decoded (base64url,
 * UTF-8) and scanned for a configured issuer; it is parsed once its signature holds. These
 * tests pin the exact code of every refused shape, and count `JSON.parse` calls to prove that
 * no forged payload is parsed. Nothing here measures time (`pnpm bench` does: the "rejection
 * flood" section).
 */
import { createVerifier, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type ForgeKey,
  manualClock,
  rejectionCode,
} from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let forge: ForgeKey;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  forge = createForgeKey({ kid: 'forge-flood' });
  issuer.setJwks({ keys: [...issuer.jwks().keys, forge.jwk] });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca, cooldownSeconds: 30 },
    clock: clock.now,
    cache: false,
  });
  await verifier.hydrate();
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await issuer?.close();
});

const header = () => ({ alg: 'RS256', kid: forge.kid });
const claims = (overrides: Record<string, unknown> = {}) =>
  accessClaims(issuer, clock.seconds(), overrides);
/** `claims()` as JSON text with `extra` spliced in before the closing brace. */
const claimsWith = (extra: string, overrides: Record<string, unknown> = {}) =>
  `${JSON.stringify(claims(overrides)).slice(0, -1)},${extra}}`;
/** The token the forge key would sign for `payload`, with another signature of the same length. */
const forged = (payload: string, head: Record<string, unknown> = header()) => {
  const signed = forge.sign(head, payload);
  const signature = Buffer.from(signed.slice(signed.lastIndexOf('.') + 1), 'base64url');
  signature[100] = (signature[100] ?? 0) ^ 0xff;
  return `${signed.slice(0, signed.lastIndexOf('.'))}.${b64u(signature)}`;
};

const MEMBERS = Array.from({ length: 1100 }, (_, i) => `"m${i}":0`).join(',');

/** About 11 KB of payload text (15 KB of token) in each expensive shape (members appended to real claims). */
const SHAPES = {
  '1,100 members': MEMBERS,
  'an array of 3,500 empty objects': `"x":[${Array(3500).fill('{}').join(',')}]`,
  'arrays nested 5,300 deep': `"x":${'['.repeat(5300)}${']'.repeat(5300)}`,
  'objects nested 1,700 deep': `"x":${'{"a":'.repeat(1700)}0${'}'.repeat(1700)}`,
  'a 10 KB string': `"x":"${'a'.repeat(10_500)}"`,
  '2,000 groups': `"cognito:groups":[${Array(2000).fill('"g"').join(',')}]`,
  'duplicate members': '"sub":"other","sub":"again"',
  '__proto__ members': '"__proto__":{"cognito:groups":["admin"]}',
  'a claim of the wrong type': '"nbf":"soon"',
  'invalid JSON after the issuer': '"x":[1,2,',
} as const;
type Shape = keyof typeof SHAPES;
const SHAPE_NAMES = Object.keys(SHAPES) as Shape[];

/**
 * The code `token` is refused with, and how many `JSON.parse` calls meanwhile read its payload
 * (the header may be parsed, or not at all once the verifier knows that header segment).
 */
async function refusal(token: string): Promise<{ code: string; payloadParses: number }> {
  const payloadText = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8');
  const spy = vi.spyOn(JSON, 'parse');
  try {
    const code = await rejectionCode(verifier.verify(token));
    const payloadParses = spy.mock.calls.filter(([text]) => text === payloadText).length;
    return { code, payloadParses };
  } finally {
    spy.mockRestore();
  }
}

describe('rejection flood (CPU exhaustion by forged payloads)', () => {
  it('control: each shape stays under the 16,384-character token limit', () => {
    for (const name of SHAPE_NAMES) {
      expect(forged(claimsWith(SHAPES[name])).length).toBeLessThan(16_384);
    }
  });

  it.each(SHAPE_NAMES)(
    '%s under a forged signature: answers SIGNATURE_INVALID without parsing the payload',
    async (name) => {
      const token = forged(claimsWith(SHAPES[name]));
      // At most the header (under 1 KB) is parsed; the payload never is.
      expect(await refusal(token)).toEqual({ code: 'SIGNATURE_INVALID', payloadParses: 0 });
    },
  );

  it.each([
    ['1,100 members', undefined],
    ['an array of 3,500 empty objects', undefined],
    ['a 10 KB string', undefined],
    ['2,000 groups', undefined],
    ['arrays nested 5,300 deep', 'MALFORMED'],
    ['objects nested 1,700 deep', 'MALFORMED'],
    ['duplicate members', 'MALFORMED'],
    ['__proto__ members', 'MALFORMED'],
    ['a claim of the wrong type', 'CLAIM_TYPE'],
    ['invalid JSON after the issuer', 'MALFORMED'],
  ] as const)(
    '%s, validly signed: the strict rules still apply once the signature holds',
    async (name, code) => {
      const token = forge.sign(header(), claimsWith(SHAPES[name]));
      if (code === undefined) expect((await verifier.verify(token)).sub).toBeTruthy();
      else expect(await rejectionCode(verifier.verify(token))).toBe(code);
    },
  );

  it('1,100 members naming another issuer: answers ISSUER without parsing the payload', async () => {
    const other = issuer.issuer.replace(/_[A-Za-z0-9]+$/, '_Elsewhere1');
    const token = forged(claimsWith(MEMBERS, { iss: other }));
    expect(await refusal(token)).toEqual({ code: 'ISSUER', payloadParses: 0 });
  });

  it.each([
    ['a JSON string', () => '"{}"'],
    ['an array', () => `[${JSON.stringify(claims())}]`],
    ['null', () => 'null'],
    ['an object followed by garbage', () => `${JSON.stringify(claims())}x`],
  ])('a payload that is %s: answers MALFORMED without parsing it', async (_name, payload) => {
    const token = forged(payload());
    expect(await refusal(token)).toEqual({ code: 'MALFORMED', payloadParses: 0 });
  });

  it('an unknown kid within the cooldown: answers JWKS_UNAVAILABLE without parsing the payload or fetching', async () => {
    const before = issuer.requestCount;
    const token = forged(claimsWith(MEMBERS), { alg: 'RS256', kid: 'never-served-kid' });
    expect(await refusal(token)).toEqual({ code: 'JWKS_UNAVAILABLE', payloadParses: 0 });
    expect(issuer.requestCount).toBe(before);
  });

  it('an unknown kid that may cause a fetch: the exact issuer is checked first, so another pool never makes us fetch (attack class 13)', async () => {
    clock.advance(31);
    const before = issuer.requestCount;
    // The configured issuer appears, but not as `iss`.
    const other = issuer.issuer.replace(/_[A-Za-z0-9]+$/, '_Elsewhere1');
    const token = forged(claimsWith(`"note":${JSON.stringify(issuer.issuer)}`, { iss: other }), {
      alg: 'RS256',
      kid: 'never-served-kid',
    });
    expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    expect(issuer.requestCount).toBe(before);
    // With its own issuer, the unknown kid costs one fetch and answers KEY_NOT_FOUND.
    const own = forged(JSON.stringify(claims()), { alg: 'RS256', kid: 'never-served-kid' });
    expect(await rejectionCode(verifier.verify(own))).toBe('KEY_NOT_FOUND');
    expect(issuer.requestCount).toBe(before + 1);
  });

  it('a payload that names the issuer only through JSON escapes: answers ISSUER (the issuer is compared as Cognito spells it)', async () => {
    const escaped = JSON.stringify(claims()).replace(
      JSON.stringify(issuer.issuer),
      JSON.stringify(issuer.issuer).replaceAll('/', '\\/'),
    );
    expect(JSON.parse(escaped).iss).toBe(issuer.issuer);
    expect(await rejectionCode(verifier.verify(forge.sign(header(), escaped)))).toBe('ISSUER');
  });
});
