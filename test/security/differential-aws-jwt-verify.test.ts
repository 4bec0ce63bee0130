/**
 * Differential test against aws-jwt-verify 5.2.1 (CognitoJwtVerifier, the AWS reference library;
 * SECURITY.md, "Where we are stricter than aws-jwt-verify"), on named classes of mutated tokens and
 * on random mutations:
 *   - whenever cognito-guard accepts a token, aws-jwt-verify accepts it too (we are never
 *     laxer);
 *   - every class we reject and it accepts is listed below with the reason, and the list is
 *     exactly what is observed (a new divergence in either direction fails the test), and
 *     each listed class is named in SECURITY.md.
 *
 * aws-jwt-verify is a dependency of packages/core, not of the workspace root, so it does not
 * resolve from test/. It is loaded from packages/core's own resolution (the same copy the
 * core verifier imports). It fetches over https only, so it is given the key set with
 * `cacheJwks`; cognito-guard gets the same key set through an injected fetcher. Both run on
 * the real clock (aws-jwt-verify has no injectable clock), with tokens issued "now", and with
 * the same 5 s leeway (our default clockToleranceSeconds, its graceSeconds).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AuthError, createVerifier, type ErrorCode } from '@cognito-guard/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type ForgeKey,
  type Jwk,
  segments,
  withTrailingBits,
} from './helpers.js';

// --- aws-jwt-verify, loaded the way packages/core resolves it -------------------------------

interface AwsCognitoVerifier {
  verifySync(token: string): unknown;
  cacheJwks(jwks: { keys: unknown[] }): void;
}
interface AwsModule {
  CognitoJwtVerifier: {
    create(props: {
      userPoolId: string;
      tokenUse: 'access' | 'id';
      clientId: string;
      graceSeconds?: number;
    }): AwsCognitoVerifier;
  };
}

async function loadAwsJwtVerify(): Promise<AwsModule> {
  const coreRequire = createRequire(new URL('../../packages/core/package.json', import.meta.url));
  const cjsEntry = coreRequire.resolve('aws-jwt-verify'); // .../aws-jwt-verify/dist/cjs/index.js
  const esmEntry = join(dirname(cjsEntry), '..', 'esm', 'index.js');
  return (await import(pathToFileURL(esmEntry).href)) as AwsModule;
}

// --- the pool and its keys ------------------------------------------------------------------

const POOL = {
  userPoolId: 'us-east-1_Different1',
  clientId: 'differentialclient000001',
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Different1',
};

let aws: AwsModule;
let key: ForgeKey;
let weak1024: ForgeKey;
let weakE3: ForgeKey;
let stranger: ForgeKey;

beforeAll(async () => {
  aws = await loadAwsJwtVerify();
  key = createForgeKey({ kid: 'diff-key' });
  weak1024 = createForgeKey({ kid: 'diff-1024', modulusLength: 1024 });
  weakE3 = createForgeKey({ kid: 'diff-e3', publicExponent: 3 });
  stranger = createForgeKey({ kid: 'diff-key' });
});

type Outcome = 'ACCEPT' | ErrorCode;

/** Both verdicts for `token` with `keys` as the pool's JWKS. */
async function both(
  token: string,
  keys: readonly Jwk[],
): Promise<{ ours: Outcome; theirs: string }> {
  const body = Buffer.from(JSON.stringify({ keys }));
  const ours = createVerifier({
    userPoolId: POOL.userPoolId,
    clientId: POOL.clientId,
    tokenUse: 'access',
    cache: false,
    jwks: { fetcher: async () => ({ status: 200, headers: {}, body }) },
  });
  let oursOutcome: Outcome = 'ACCEPT';
  try {
    await ours.verify(token);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    oursOutcome = err.code;
  }
  const theirs = aws.CognitoJwtVerifier.create({
    userPoolId: POOL.userPoolId,
    tokenUse: 'access',
    clientId: POOL.clientId,
    // The same leeway as cognito-guard's default clockToleranceSeconds (5 s).
    graceSeconds: 5,
  });
  theirs.cacheJwks({ keys: [...keys] });
  let theirsOutcome = 'ACCEPT';
  try {
    theirs.verifySync(token);
  } catch (err) {
    theirsOutcome = (err as Error).name || 'Error';
  }
  return { ours: oursOutcome, theirs: theirsOutcome };
}

const now = () => Math.floor(Date.now() / 1000);
const H = () => ({ alg: 'RS256', kid: key.kid });
const claims = (overrides: Record<string, unknown> = {}) => accessClaims(POOL, now(), overrides);
const claimsText = (overrides: Record<string, unknown> = {}) => JSON.stringify(claims(overrides));
const withMember = (json: string, extra: string) => `${json.slice(0, -1)},${extra}}`;
const signed = (
  payload: Record<string, unknown> | string | Uint8Array,
  header: Record<string, unknown> = H(),
) => key.sign(header, payload);

interface TokenClass {
  readonly name: string;
  readonly build: () => string;
  /** The pool's key set for this class; the main key by default. */
  readonly keys?: () => Jwk[];
}

/** Classes we reject and aws-jwt-verify accepts: the reason is the rule that makes us stricter. */
const DOCUMENTED_DIVERGENCES: Readonly<Record<string, string>> = {
  'exp missing': 'exp is required (R19, decision 3); aws-jwt-verify only checks exp when present',
  'exp of 1e300': 'lifetime cap: exp - iat <= 86400 s and exp <= now + 86400 s (R21)',
  'iat one year in the future': 'iat must not be in the future beyond the tolerance (R21)',
  'lifetime of two days': 'Cognito tokens live at most one day; exp - iat <= 86400 s (R21)',
  'iat missing': 'iat is required (R21, decision 3)',
  'sub missing': 'sub is a required non-empty string (R26, decision 3)',
  'sub empty': 'sub is a required non-empty string (R26)',
  'header with = padding, signed over it': 'strict unpadded base64url (R02)',
  'signature with = padding appended':
    'strict unpadded base64url (R02); otherwise one token has several spellings',
  'signature with non-zero trailing bits':
    'canonical base64url only (R02): "QQ" and "QR" must not both decode to "A"',
  'duplicate token_use (id first, access last)':
    'duplicate JSON members are rejected (R04, decision 1)',
  'unknown crit header': 'crit is rejected (R10, RFC 7515 §4.1.11, decision 2)',
  'jku header': 'header allowlist alg/kid/typ (R11, decision 2); aws-jwt-verify ignores jku',
  'x5u header': 'header allowlist (R11, decision 2)',
  'embedded jwk header (key still the pool key)': 'header allowlist (R11, decision 2)',
  'typ at+jwt': 'typ, if present, must be JWT (R11; Cognito sends no typ)',
  'unknown header member': 'header allowlist (R11, decision 2)',
  'cognito:groups as a string':
    'claim types are strict: cognito:groups is an array of strings (R26, decision 6)',
  'cognito:groups holding a number': 'cognito:groups is an array of strings (R26)',
  'auth_time as a string': 'NumericDate claims are numbers (R26)',
  'username as a number': 'username is a string (R26)',
  'constructor member in the payload':
    'constructor/prototype/__proto__ member names are refused, not stripped (R28)',
  '__proto__ carrying groups':
    'a __proto__ member is refused (R28); aws-jwt-verify strips it and accepts the rest of the token',
  'invalid UTF-8 inside a claim value':
    'header and payload must be valid UTF-8 (R03, decision 9); aws-jwt-verify decodes leniently, replacing bad bytes with U+FFFD',
  'custom claim nested 40 levels deep':
    'JSON nesting is capped at 32 levels before parsing (pitfall 6)',
  'kid with a space (served by the pool)':
    'kid is 1-256 printable ASCII characters without spaces (R12)',
  'token of 20 KB': 'total token size cap of 16 KiB, checked before decoding (R39, decision 10)',
  'key of 1024 bits': 'RSA modulus >= 2048 bits (R16, RFC 7518 §3.3)',
  'key with e = 3': 'e = 65537 only (R16, decision 5)',
  'key with e = 1 and a signature forged without the private key':
    'e = 65537 only (R16): with e = 1 anyone can forge an RS256 signature, and node:crypto verifies it (pitfall 1)',
  'kid listed twice in the JWKS': 'a duplicate kid is ambiguous: neither key is used (R17)',
};

const CLASSES: readonly TokenClass[] = [
  { name: 'valid access token', build: () => signed(claims()) },
  { name: 'exp as a fraction', build: () => signed(claims({ exp: now() + 600.25 })) },
  {
    name: 'header spelled with JSON escapes',
    build: () => key.sign(`{"\\u0061lg":"RS256","kid":"${key.kid}"}`, claimsText()),
  },
  // Stricter claims (SECURITY.md, "Where we are stricter")
  { name: 'exp missing', build: () => signed(claims({ exp: undefined })) },
  { name: 'exp of 1e300', build: () => signed(claims({ exp: 1e300 })) },
  {
    name: 'iat one year in the future',
    build: () => signed(claims({ iat: now() + 31_536_000, exp: now() + 31_536_000 + 3600 })),
  },
  { name: 'lifetime of two days', build: () => signed(claims({ exp: now() + 2 * 86_400 })) },
  { name: 'iat missing', build: () => signed(claims({ iat: undefined })) },
  { name: 'sub missing', build: () => signed(claims({ sub: undefined })) },
  { name: 'sub empty', build: () => signed(claims({ sub: '' })) },
  {
    name: 'cognito:groups as a string',
    build: () => signed(claims({ 'cognito:groups': 'admin' })),
  },
  {
    name: 'cognito:groups holding a number',
    build: () => signed(claims({ 'cognito:groups': [1] })),
  },
  { name: 'auth_time as a string', build: () => signed(claims({ auth_time: String(now()) })) },
  { name: 'username as a number', build: () => signed(claims({ username: 42 })) },
  {
    name: 'constructor member in the payload',
    build: () => signed(withMember(claimsText(), '"constructor":{"a":1}')),
  },
  {
    name: 'custom claim nested 40 levels deep',
    build: () =>
      signed(withMember(claimsText(), `"custom:deep":${'['.repeat(40)}${']'.repeat(40)}`)),
  },
  {
    name: 'duplicate token_use (id first, access last)',
    build: () => signed(withMember(claimsText({ token_use: 'id' }), '"token_use":"access"')),
  },
  { name: 'token of 20 KB', build: () => signed(claims({ 'custom:pad': 'x'.repeat(20_000) })) },
  // Stricter encoding (R02)
  {
    name: 'header with = padding, signed over it',
    build: () => {
      const h = b64u(JSON.stringify(H()));
      const padded = h + '='.repeat((4 - (h.length % 4)) % 4 || 4);
      return key.signInput(`${padded}.${b64u(claimsText())}`);
    },
  },
  { name: 'signature with = padding appended', build: () => `${signed(claims())}=` },
  {
    name: 'signature with non-zero trailing bits',
    build: () => {
      const [h, p, s] = segments(signed(claims()));
      return `${h}.${p}.${withTrailingBits(s)}`;
    },
  },
  {
    name: 'signature in the standard alphabet',
    build: () => {
      let token = signed(claims());
      for (let i = 0; !/[-_]/.test(segments(token)[2]) && i < 20; i += 1)
        token = signed(claims({ jti: `j${i}` }));
      const [h, p, s] = segments(token);
      return `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')}`;
    },
  },
  { name: 'token with a trailing space', build: () => `${signed(claims())} ` },
  {
    name: 'invalid UTF-8 inside a claim value',
    build: () => {
      const [before, after] = claimsText({ username: '\u0000' }).split('\\u0000') as [
        string,
        string,
      ];
      return signed(Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]));
    },
  },
  {
    name: 'UTF-8 BOM before the payload',
    build: () =>
      signed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(claimsText())])),
  },
  // Stricter header (R10, R11)
  {
    name: 'unknown crit header',
    build: () => signed(claims(), { ...H(), crit: ['x-ext'], 'x-ext': 1 }),
  },
  {
    name: 'jku header',
    build: () => signed(claims(), { ...H(), jku: 'https://evil.example/jwks.json' }),
  },
  {
    name: 'x5u header',
    build: () => signed(claims(), { ...H(), x5u: 'https://evil.example/cert.pem' }),
  },
  {
    name: 'embedded jwk header (key still the pool key)',
    build: () => signed(claims(), { ...H(), jwk: key.jwk }),
  },
  { name: 'typ at+jwt', build: () => signed(claims(), { ...H(), typ: 'at+jwt' }) },
  { name: 'unknown header member', build: () => signed(claims(), { ...H(), foo: 'bar' }) },
  {
    name: 'kid with a space (served by the pool)',
    build: () => signed(claims(), { alg: 'RS256', kid: 'diff key' }),
    keys: () => [{ ...key.jwk, kid: 'diff key' }],
  },
  // Keys (R16, R17)
  {
    name: 'key of 1024 bits',
    build: () => weak1024.sign({ alg: 'RS256', kid: weak1024.kid }, claims()),
    keys: () => [weak1024.jwk],
  },
  {
    name: 'key with e = 3',
    build: () => weakE3.sign({ alg: 'RS256', kid: weakE3.kid }, claims()),
    keys: () => [weakE3.jwk],
  },
  {
    name: 'key with e = 1 and a signature forged without the private key',
    build: () => {
      // With e = 1 the "signature" is the PKCS#1 v1.5 encoding of the hash (pitfall 1).
      const input = `${b64u(JSON.stringify({ alg: 'RS256', kid: 'diff-e1' }))}.${b64u(claimsText())}`;
      const digestInfo = Buffer.concat([
        Buffer.from('3031300d060960864801650304020105000420', 'hex'),
        createHash('sha256').update(input).digest(),
      ]);
      const k = Buffer.from(String(key.jwk.n), 'base64url').length;
      const em = Buffer.concat([
        Buffer.from([0, 1]),
        Buffer.alloc(k - 3 - digestInfo.length, 0xff),
        Buffer.from([0]),
        digestInfo,
      ]);
      return `${input}.${b64u(em)}`;
    },
    keys: () => [{ ...key.jwk, kid: 'diff-e1', e: 'AQ' }],
  },
  {
    name: 'key with use enc',
    build: () => signed(claims()),
    keys: () => [{ ...key.jwk, use: 'enc' }],
  },
  {
    name: 'key with alg RS512',
    build: () => signed(claims()),
    keys: () => [{ ...key.jwk, alg: 'RS512' }],
  },
  {
    name: 'kid listed twice in the JWKS',
    build: () => signed(claims()),
    keys: () => [key.jwk, stranger.jwk],
  },
  // Both reject
  {
    name: 'alg none, empty signature',
    build: () => `${b64u(JSON.stringify({ alg: 'none', kid: key.kid }))}.${b64u(claimsText())}.`,
  },
  {
    name: 'HS256 with the PEM public key as secret',
    build: () => {
      const input = `${b64u(JSON.stringify({ alg: 'HS256', kid: key.kid }))}.${b64u(claimsText())}`;
      const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
      return `${input}.${b64u(createHmac('sha256', pem).update(input).digest())}`;
    },
  },
  {
    name: 'PS256 with the pool key',
    build: () => key.sign({ alg: 'PS256', kid: key.kid }, claims(), 'PS256'),
  },
  { name: 'RS256 header over an RS512 signature', build: () => key.sign(H(), claims(), 'RS512') },
  { name: 'signature by another key with the same kid', build: () => stranger.sign(H(), claims()) },
  { name: 'unknown kid', build: () => signed(claims(), { alg: 'RS256', kid: 'nope' }) },
  { name: 'iss with a trailing slash', build: () => signed(claims({ iss: `${POOL.issuer}/` })) },
  { name: 'iss as an array', build: () => signed(claims({ iss: [POOL.issuer] })) },
  {
    name: 'id token',
    build: () => signed(claims({ token_use: 'id', aud: POOL.clientId, client_id: undefined })),
  },
  { name: 'another client_id', build: () => signed(claims({ client_id: 'someone-else' })) },
  { name: 'client_id as an array', build: () => signed(claims({ client_id: [POOL.clientId] })) },
  { name: 'expired', build: () => signed(claims({ iat: now() - 7200, exp: now() - 3600 })) },
  { name: 'nbf an hour ahead', build: () => signed(claims({ nbf: now() + 3600 })) },
  { name: 'exp as a numeric string', build: () => signed(claims({ exp: String(now() + 600) })) },
  { name: 'nbf as a string', build: () => signed(claims({ nbf: String(now()) })) },
  { name: 'scope as an array', build: () => signed(claims({ scope: ['a'] })) },
  { name: 'payload is a JSON array', build: () => signed(JSON.stringify([claims()])) },
  {
    name: '__proto__ carrying groups',
    build: () => signed(withMember(claimsText(), '"__proto__":{"cognito:groups":["admin"]}')),
  },
  {
    name: 'five segments (JWE shape)',
    build: () => `${signed(claims())}.${b64u('x')}.${b64u('y')}`,
  },
];

describe('differential: cognito-guard vs aws-jwt-verify', () => {
  it('aws-jwt-verify 5.2.1 is the copy packages/core resolves (the one the verifier imports)', () => {
    const coreRequire = createRequire(new URL('../../packages/core/package.json', import.meta.url));
    const root = join(dirname(coreRequire.resolve('aws-jwt-verify')), '..', '..');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    // SECURITY.md ("Where we are stricter") records the observed behaviour of exactly this version.
    expect(manifest.version).toBe('5.2.1');
    expect(typeof aws.CognitoJwtVerifier.create).toBe('function');
  });

  it('on every named class: whenever we accept, aws-jwt-verify accepts; our extra rejections are exactly the documented ones', async () => {
    const divergent: string[] = [];
    const laxer: string[] = [];
    const table: string[] = [];
    for (const tokenClass of CLASSES) {
      const token = tokenClass.build();
      const keys = tokenClass.keys?.() ?? [key.jwk];
      const { ours, theirs } = await both(token, keys);
      table.push(`${tokenClass.name}: ours ${ours}, aws-jwt-verify ${theirs}`);
      if (ours === 'ACCEPT' && theirs !== 'ACCEPT') laxer.push(tokenClass.name);
      if (ours !== 'ACCEPT' && theirs === 'ACCEPT') divergent.push(tokenClass.name);
    }
    expect(laxer, table.join('\n')).toEqual([]);
    expect(divergent.sort(), table.join('\n')).toEqual(Object.keys(DOCUMENTED_DIVERGENCES).sort());
    // The controls: both accept.
    for (const control of [
      'valid access token',
      'exp as a fraction',
      'header spelled with JSON escapes',
    ]) {
      expect(table).toContain(`${control}: ours ACCEPT, aws-jwt-verify ACCEPT`);
    }
  });

  it('every documented divergence is listed in SECURITY.md with its reason', () => {
    const security = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
    for (const name of Object.keys(DOCUMENTED_DIVERGENCES)) {
      expect(security, `SECURITY.md lacks "${name}"`).toContain(name);
    }
  });

  it('on random byte mutations of a valid token: we accept only the identical token, and aws-jwt-verify accepts whatever we accept', async () => {
    const valid = signed(claims({ exp: now() + 3600 }));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom(...alphabet.split('')),
        fc.constantFrom('replace', 'insert', 'delete'),
        async (i, ch, how) => {
          const at = i % valid.length;
          const mutated =
            how === 'replace'
              ? valid.slice(0, at) + ch + valid.slice(at + 1)
              : how === 'insert'
                ? valid.slice(0, at) + ch + valid.slice(at)
                : valid.slice(0, at) + valid.slice(at + 1);
          const { ours, theirs } = await both(mutated, [key.jwk]);
          if (mutated !== valid) expect(ours).not.toBe('ACCEPT');
          if (ours === 'ACCEPT') expect(theirs).toBe('ACCEPT');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random signed claim sets: aws-jwt-verify accepts whatever we accept', async () => {
    const t = now();
    const values = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom(
        t,
        t + 60,
        t - 60,
        t + 86_401,
        1e300,
        'access',
        'id',
        POOL.issuer,
        POOL.clientId,
        ['g'],
        'g',
        '',
      ),
    );
    const names = fc.constantFrom(
      'sub',
      'iss',
      'client_id',
      'token_use',
      'scope',
      'exp',
      'iat',
      'nbf',
      'username',
      'cognito:groups',
      'jti',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(names, fc.option(values, { nil: undefined }), { maxKeys: 3 }),
        async (changes) => {
          const { ours, theirs } = await both(signed(accessClaims(POOL, t, changes)), [key.jwk]);
          if (ours === 'ACCEPT') expect(theirs).toBe('ACCEPT');
        },
      ),
      { numRuns: 200 },
    );
  });
});
