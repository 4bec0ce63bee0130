/**
 * C2SP/wycheproof vectors (commit dac1dd4, Apache License 2.0), driven through the verifier's
 * own layers. The data is copied unedited into test/fixtures/wycheproof, with the upstream
 * LICENSE and a README of where each file came from.
 *
 * How each file maps onto cognito-guard (SECURITY.md, "Wycheproof"):
 *
 * json_web_signature_test.json (401) and json_web_key_test.json (26): compact JWS strings.
 *   1. Whole-token layer: `decodeCompactJws` (what `verify` runs first). No Wycheproof payload
 *      is a JSON object (they are "foo", "123400", RFC 7520 prose...), and a JWT payload must
 *      be one (R03), so this layer answers MALFORMED for every vector.
 *   2. JOSE layers, in the rules' order, with the payload treated as opaque bytes so that the
 *      header, key and signature checks are exercised on every vector: exactly three segments
 *      (R01); the header segment strictly decoded (R02, R03, R04) and checked by `checkHeader` (alg
 *      exactly RS256 first, RFC 8725 §3.1; parameter allowlist; kid, R07-R12); the payload and
 *      signature segments strictly decoded (an empty payload is a valid JWS payload, RFC 7515; an
 *      empty signature is not); the group's key set served through our JWKS cache (an injected
 *      fetcher) and the key admitted by `admitKey` (R15-R17); then `crypto.verify('sha256')` over
 *      the exact received signing input (R05, R06), as the verifier does.
 *   Every vector's answer either matches its label or is listed below with its tcId and why.
 *
 * rsa_signature_2048_sha256_test.json (259): raw PKCS#1 v1.5 signatures over messages. The
 *   group's JWK goes through `admitKey`, then `crypto.verify('sha256', msg, key, sig)`.
 */
import { createHmac, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuthError, createJwksCache, type ErrorCode } from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';
import { decodeBase64UrlStrict, decodeCompactJws } from '../../packages/core/src/compact-jws.js';
import { checkHeader } from '../../packages/core/src/header.js';
import { admitKey } from '../../packages/core/src/key-policy.js';
import { parseStrictJsonObject } from '../../packages/core/src/strict-json.js';

const DIR = fileURLToPath(new URL('../fixtures/wycheproof/', import.meta.url));

interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  jws?: string;
  msg?: string;
  sig?: string;
}
interface Group {
  comment?: string;
  public?: Record<string, unknown>;
  private?: Record<string, unknown>;
  keyJwk?: Record<string, unknown>;
  tests: Vector[];
}
interface VectorFile {
  numberOfTests: number;
  testGroups: Group[];
}

function load(name: string): VectorFile {
  return JSON.parse(readFileSync(`${DIR}${name}`, 'utf8')) as VectorFile;
}

type Verdict = 'ACCEPT' | ErrorCode;

const LIMITS = { maxTokenBytes: 16_384, maxHeaderBytes: 1024 };
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const JWKS_URI = 'https://wycheproof.invalid/.well-known/jwks.json';

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return undefined;
}

/** A key set as a JWKS: a JWK set as is, or a single JWK wrapped. */
function asKeySet(keys: Record<string, unknown> | undefined): unknown {
  if (keys === undefined) return { keys: [] };
  return Array.isArray(keys.keys) ? keys : { keys: [keys] };
}

/** Layer 1: the whole-token decoder `verify` runs first. */
function wholeTokenVerdict(jws: string): Verdict {
  return codeOf(() => decodeCompactJws(jws, LIMITS)) ?? 'ACCEPT';
}

/** Layer 2: the JOSE layers in the rules' order, payload opaque (see the file comment). */
async function joseVerdict(jws: string, keySet: unknown): Promise<Verdict> {
  if (jws.length > LIMITS.maxTokenBytes) return 'TOO_LARGE';
  const parts = jws.split('.');
  if (parts.length !== 3) return 'MALFORMED';
  const [h, p, s] = parts as [string, string, string];
  if (h.length > LIMITS.maxHeaderBytes) return 'TOO_LARGE';
  const headerBytes = decodeBase64UrlStrict(h);
  if (headerBytes === undefined) return 'MALFORMED';
  let header: Record<string, unknown>;
  try {
    header = parseStrictJsonObject(utf8.decode(headerBytes));
  } catch {
    return 'MALFORMED';
  }
  let kid = '';
  const headerCode = codeOf(() => {
    kid = checkHeader(header);
  });
  if (headerCode !== undefined) return headerCode;
  if (p !== '' && decodeBase64UrlStrict(p) === undefined) return 'MALFORMED';
  const signature = decodeBase64UrlStrict(s);
  if (signature === undefined) return 'MALFORMED';
  const cache = createJwksCache({
    fetcher: async () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(keySet)),
    }),
  });
  let key: Awaited<ReturnType<typeof cache.getKey>>;
  try {
    key = await cache.getKey(JWKS_URI, kid);
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  const ok = nodeVerify('sha256', Buffer.from(`${h}.${p}`, 'ascii'), key.keyObject, signature);
  return ok ? 'ACCEPT' : 'SIGNATURE_INVALID';
}

/** A label override: vectors whose label we do not follow, with our answer and the reason. */
interface Override {
  readonly tcIds: readonly number[];
  readonly ours: Verdict;
  readonly why: string;
}

interface Row {
  tcId: number;
  group: string;
  label: Vector['result'];
  whole: Verdict;
  jose: Verdict;
}

async function runJwsFile(file: VectorFile, keySetOf: (g: Group) => unknown): Promise<Row[]> {
  const rows: Row[] = [];
  for (const group of file.testGroups) {
    for (const vector of group.tests) {
      const jws = vector.jws!;
      rows.push({
        tcId: vector.tcId,
        group: group.comment ?? '',
        label: vector.result,
        whole: wholeTokenVerdict(jws),
        jose: await joseVerdict(jws, keySetOf(group)),
      });
    }
  }
  return rows;
}

/** Checks that every row agrees with its label or is covered by exactly one override. */
function accountFor(rows: Row[], overrides: readonly Override[]): void {
  const byTcId = new Map<number, Override>();
  for (const override of overrides) {
    for (const tcId of override.tcIds) {
      expect(byTcId.has(tcId), `tcId ${tcId} overridden twice`).toBe(false);
      byTcId.set(tcId, override);
    }
  }
  for (const row of rows) {
    const override = byTcId.get(row.tcId);
    const agrees =
      row.label === 'valid'
        ? row.jose === 'ACCEPT'
        : row.label === 'invalid'
          ? row.jose !== 'ACCEPT'
          : true;
    if (override === undefined) {
      expect(
        agrees,
        `tcId ${row.tcId} (${row.group}) answered ${row.jose} against label ${row.label}`,
      ).toBe(true);
    } else {
      expect(agrees, `tcId ${row.tcId} is listed as an override but agrees with its label`).toBe(
        false,
      );
      expect(row.jose, `tcId ${row.tcId}: ${override.why}`).toBe(override.ours);
    }
  }
}

function histogram(rows: readonly Row[], pick: (r: Row) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[pick(row)] = (out[pick(row)] ?? 0) + 1;
  return out;
}

/** The JWS key set of a group: its public key if it has one, else its (symmetric) key. */
const keySetOf = (g: Group) => asKeySet(g.public ?? g.private);

/** tcIds from `from` to `to`, inclusive. */
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// --- json_web_signature_test.json --------------------------------------------------------

/**
 * Every JWS vector whose label we do not follow. All are labelled valid and rejected by
 * policy; none labelled invalid is accepted.
 */
const JWS_OVERRIDES: readonly Override[] = [
  {
    tcIds: [1],
    ours: 'ALG_NOT_ALLOWED',
    why: 'HS256: only RS256 is allowed (R07, decision 2); a verifier holding public keys has no HMAC key',
  },
  {
    tcIds: [18, 378],
    ours: 'ALG_NOT_ALLOWED',
    why: 'ES256 is not RS256 (R07); Cognito signs with RS256 only',
  },
  { tcIds: range(264, 267), ours: 'ALG_NOT_ALLOWED', why: 'RS384 is not RS256 (R07, R09)' },
  { tcIds: range(268, 271), ours: 'ALG_NOT_ALLOWED', why: 'RS512 is not RS256 (R07, R09)' },
  {
    tcIds: [...range(272, 275), 287, 288],
    ours: 'ALG_NOT_ALLOWED',
    why: 'PS256 is not RS256 (R07, R09)',
  },
  { tcIds: range(320, 323), ours: 'ALG_NOT_ALLOWED', why: 'PS384 is not RS256 (R07, R09)' },
  { tcIds: range(325, 328), ours: 'ALG_NOT_ALLOWED', why: 'PS512 is not RS256 (R07, R09)' },
  {
    tcIds: [346, 350],
    ours: 'ALG_NOT_ALLOWED',
    why: 'label quirk (RFC 7520 Fig. 20): the header says PS384 while the JWK says alg PS256; RFC 8725 §3.1 requires rejection, and PS384 is not RS256 anyway',
  },
  {
    tcIds: [347, 351],
    ours: 'ALG_NOT_ALLOWED',
    why: 'ES512 (RFC 7520 Fig. 27) is not RS256 (R07)',
  },
  {
    tcIds: [348, 352],
    ours: 'ALG_NOT_ALLOWED',
    why: 'HS256 (RFC 7520 Fig. 35) is not RS256 (R07)',
  },
  {
    tcIds: [357, 358, 359, 376, 377],
    ours: 'ALG_NOT_ALLOWED',
    why: 'HS256 "base64" group: not RS256 (R07)',
  },
  {
    tcIds: [372],
    ours: 'MALFORMED',
    why: 'label quirk: "?" inside the header segment; its MAC only matches a re-encoded input (R02 strict base64url, R05 exact signing input)',
  },
  {
    tcIds: [373],
    ours: 'ALG_NOT_ALLOWED',
    why: 'label quirk: "?" inside the payload segment (MALFORMED by R02) of an HS256 token; alg is judged first (RFC 8725 §3.1)',
  },
];

/** Per group (in file order): label:answer counts of the JOSE layers. */
const JWS_GROUPS: readonly [string, Record<string, number>][] = [
  ['hs256', { 'valid:ALG_NOT_ALLOWED': 1, 'invalid:ALG_NOT_ALLOWED': 6, 'invalid:MALFORMED': 10 }],
  ['es256', { 'valid:ALG_NOT_ALLOWED': 1, 'invalid:ALG_NOT_ALLOWED': 7, 'invalid:MALFORMED': 7 }],
  [
    'rs256',
    {
      'valid:ACCEPT': 1,
      'invalid:SIGNATURE_INVALID': 216,
      'invalid:MALFORMED': 8,
      'invalid:KEY_NOT_FOUND': 1,
    },
  ],
  ['rs256', { 'valid:ACCEPT': 5 }],
  ['rs384', { 'valid:ALG_NOT_ALLOWED': 4 }],
  ['rs512', { 'valid:ALG_NOT_ALLOWED': 4 }],
  ['ps256', { 'valid:ALG_NOT_ALLOWED': 6, 'invalid:ALG_NOT_ALLOWED': 42 }],
  ['ps384', { 'valid:ALG_NOT_ALLOWED': 4, 'invalid:ALG_NOT_ALLOWED': 1 }],
  [
    'ps512',
    { 'valid:ALG_NOT_ALLOWED': 4, 'invalid:ALG_NOT_ALLOWED': 15, 'invalid:KEY_REJECTED': 1 },
  ],
  ['rfc7520', { 'valid:ACCEPT': 1 }],
  ['rfc7520', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rfc7520', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rfc7520', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rfc7520WithKeyOps', { 'valid:ACCEPT': 1 }],
  ['rfc7520WithKeyOps', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rfc7520WithKeyOps', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rfc7520', { 'valid:ALG_NOT_ALLOWED': 1 }],
  ['rsa_encryption', { 'invalid:KEY_REJECTED': 1 }],
  ['ec_key_for_encryption', { 'invalid:ALG_NOT_ALLOWED': 1 }],
  ['rsa_encryption', { 'invalid:KEY_REJECTED': 1 }],
  ['ec_key_for_encryption', { 'invalid:ALG_NOT_ALLOWED': 1 }],
  [
    'base64',
    {
      'valid:ALG_NOT_ALLOWED': 6,
      'valid:MALFORMED': 1,
      'invalid:ALG_NOT_ALLOWED': 12,
      'invalid:MALFORMED': 2,
    },
  ],
  ['SpecialCaseEs256', { 'valid:ALG_NOT_ALLOWED': 1, 'invalid:ALG_NOT_ALLOWED': 23 }],
];

// --- json_web_key_test.json --------------------------------------------------------------

const JWK_OVERRIDES: readonly Override[] = [
  {
    tcIds: [2, 13, 14, 15],
    ours: 'ALG_NOT_ALLOWED',
    why: 'HS256/HS384/HS512 with a symmetric key set: only RS256 is allowed (R07, decision 2)',
  },
];

/** Per vector: what the key set of its group gives for the kid of its token, alg aside. */
const JWK_ADMISSION: Record<number, Verdict> = {
  1: 'KEY_REJECTED', // mixed symmetric/EC set; the kid names the oct key (kty not RSA)
  2: 'KEY_REJECTED', // oct keys (kty not RSA)
  3: 'KEY_REJECTED',
  4: 'KEY_REJECTED', // duplicate kid: ambiguous (R17), and oct
  5: 'ACCEPT', // RS256, 2048 bits, e = 65537
  6: 'KEY_REJECTED', // use enc, alg RSA1_5
  7: 'KEY_REJECTED', // ROCA fingerprint (CVE-2017-15361)
  8: 'KEY_REJECTED', // 1024 bits
  9: 'KEY_REJECTED', // e = 1
  10: 'KEY_REJECTED',
  11: 'KEY_REJECTED',
  12: 'KEY_REJECTED',
  13: 'KEY_REJECTED',
  14: 'KEY_REJECTED',
  15: 'KEY_REJECTED',
  16: 'KEY_REJECTED',
  17: 'KEY_REJECTED',
  18: 'KEY_REJECTED',
  19: 'KEY_REJECTED', // EC
  20: 'KEY_REJECTED',
  21: 'KEY_REJECTED',
  22: 'KEY_REJECTED',
  23: 'KEY_REJECTED',
  24: 'KEY_REJECTED', // kty RSA with EC members: no n/e
  25: 'KEY_REJECTED', // AES
  26: 'KEY_REJECTED',
};

/** Only the key stage: the group's key set through the JWKS cache, for `kid`. */
async function admissionVerdict(keySet: unknown, kid: string): Promise<Verdict> {
  const cache = createJwksCache({
    fetcher: async () => ({ status: 200, headers: {}, body: Buffer.from(JSON.stringify(keySet)) }),
  });
  try {
    await cache.getKey(JWKS_URI, kid);
    return 'ACCEPT';
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
}

function headerOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

// --- rsa_signature_2048_sha256_test.json -------------------------------------------------

const RSA_OVERRIDES: readonly Override[] = [
  {
    tcIds: [258, 259],
    ours: 'KEY_REJECTED',
    why: 'e = 3 (SmallPublicKey): the key policy admits e = 65537 only (R16, decision 5) although the signatures verify',
  },
];

function rsaVerdict(group: Group, vector: Vector): Verdict {
  const jwk = group.keyJwk!;
  const admitted = admitKey(jwk, String(jwk.kid));
  if (typeof admitted === 'string') return 'KEY_REJECTED';
  const ok = nodeVerify(
    'sha256',
    Buffer.from(vector.msg!, 'hex'),
    admitted.keyObject,
    Buffer.from(vector.sig!, 'hex'),
  );
  return ok ? 'ACCEPT' : 'SIGNATURE_INVALID';
}

describe('Wycheproof', () => {
  describe('json_web_signature_test.json', () => {
    const file = load('json_web_signature_test.json');

    it('holds 401 vectors in 23 groups: 46 labelled valid and 355 invalid', () => {
      const vectors = file.testGroups.flatMap((g) => g.tests);
      expect(file.numberOfTests).toBe(401);
      expect(vectors).toHaveLength(401);
      expect(new Set(vectors.map((v) => v.tcId)).size).toBe(401);
      expect(file.testGroups).toHaveLength(23);
      expect(histogramOf(vectors.map((v) => v.result))).toEqual({ valid: 46, invalid: 355 });
    });

    it('whole-token layer: decodeCompactJws answers MALFORMED for all 401 (no payload is a JSON claims set, R03)', () => {
      const verdicts = file.testGroups.flatMap((g) =>
        g.tests.map((v) => wholeTokenVerdict(v.jws!)),
      );
      expect(histogramOf(verdicts)).toEqual({ MALFORMED: 401 });
    });

    it('JOSE layers: every vector matches its label or is a listed override; 8 accepted, all RS256 with an admitted key', async () => {
      const rows = await runJwsFile(file, keySetOf);
      expect(rows).toHaveLength(401);
      accountFor(rows, JWS_OVERRIDES);
      expect(rows.filter((r) => r.jose === 'ACCEPT').map((r) => r.tcId)).toEqual([
        33, 259, 260, 261, 262, 263, 345, 349,
      ]);
      // 46 labelled valid = 8 accepted + 38 rejected by policy (listed); no invalid one accepted.
      const overridden = JWS_OVERRIDES.flatMap((o) => o.tcIds);
      expect(overridden).toHaveLength(38);
      expect(histogramOf(rows.map((r) => r.jose))).toEqual({
        ACCEPT: 8,
        ALG_NOT_ALLOWED: 145,
        KEY_NOT_FOUND: 1,
        KEY_REJECTED: 3,
        MALFORMED: 28,
        SIGNATURE_INVALID: 216,
      });
    });

    it('JOSE layers, per group: the answers for each group in file order', async () => {
      const rows = await runJwsFile(file, keySetOf);
      const actual = file.testGroups.map((group): [string, Record<string, number>] => {
        const ids = new Set(group.tests.map((t) => t.tcId));
        return [
          group.comment ?? '',
          histogram(
            rows.filter((r) => ids.has(r.tcId)),
            (r) => `${r.label}:${r.jose}`,
          ),
        ];
      });
      expect(actual).toEqual(JWS_GROUPS);
    });

    it('RS256 PKCS#1 padding and ASN.1 mutations (tcIds 46-258, flag ModifiedPadding): all SIGNATURE_INVALID', async () => {
      const group = file.testGroups[2]!;
      const mutated = group.tests.filter((t) => t.flags.includes('ModifiedPadding'));
      expect(mutated).toHaveLength(213);
      for (const vector of mutated) {
        expect(await joseVerdict(vector.jws!, keySetOf(group)), `tcId ${vector.tcId}`).toBe(
          'SIGNATURE_INVALID',
        );
      }
    });

    it('alg none (tcIds 16, 341-344): ALG_NOT_ALLOWED, judged before the missing signature', async () => {
      const vectors = file.testGroups
        .flatMap((g) => g.tests.map((t) => [g, t] as const))
        .filter(([, t]) => [16, 341, 342, 343, 344].includes(t.tcId));
      expect(vectors).toHaveLength(5);
      for (const [group, vector] of vectors) {
        expect(await joseVerdict(vector.jws!, keySetOf(group)), `tcId ${vector.tcId}`).toBe(
          'ALG_NOT_ALLOWED',
        );
      }
    });

    it('the embedded-jwk attack (tcId 32) and the ECDSA r = s = 0 psychic signature (tcId 386): ALG_NOT_ALLOWED (ES256), and the jwk header alone would be HEADER_NOT_ALLOWED', async () => {
      const es = file.testGroups[1]!;
      const embedded = es.tests.find((t) => t.tcId === 32)!;
      expect(await joseVerdict(embedded.jws!, keySetOf(es))).toBe('ALG_NOT_ALLOWED');
      expect(codeOf(() => checkHeader({ ...headerOf(embedded.jws!), alg: 'RS256' }))).toBe(
        'HEADER_NOT_ALLOWED',
      );
      const special = file.testGroups[22]!;
      const psychic = special.tests.find((t) => t.tcId === 386)!;
      expect(psychic.comment).toBe('rIsZero_sIsZero');
      expect(await joseVerdict(psychic.jws!, keySetOf(special))).toBe('ALG_NOT_ALLOWED');
    });

    it('tcIds 346 and 350 (label quirk): a PS384 header over a PS256 JWK is rejected, ALG_NOT_ALLOWED', async () => {
      for (const index of [10, 14]) {
        const group = file.testGroups[index]!;
        const vector = group.tests[0]!;
        expect([346, 350]).toContain(vector.tcId);
        expect(vector.result).toBe('valid');
        expect(headerOf(vector.jws!).alg).toBe('PS384');
        expect(group.public?.alg).toBe('PS256');
        expect(await joseVerdict(vector.jws!, keySetOf(group))).toBe('ALG_NOT_ALLOWED');
      }
    });

    it('tcIds 367 and 370 (label quirk): byte-identical to valid tcId 357, and all three get the same answer, ALG_NOT_ALLOWED', async () => {
      const group = file.testGroups[21]!;
      const [v357, v367, v370] = [357, 367, 370].map(
        (id) => group.tests.find((t) => t.tcId === id)!,
      );
      expect(v367!.jws).toBe(v357!.jws);
      expect(v370!.jws).toBe(v357!.jws);
      expect([v357!.result, v367!.result, v370!.result]).toEqual(['valid', 'invalid', 'invalid']);
      for (const v of [v357!, v367!, v370!]) {
        expect(await joseVerdict(v.jws!, keySetOf(group))).toBe('ALG_NOT_ALLOWED');
      }
    });

    it('tcIds 372 and 373 (label quirk): "?" in the signing input; the MAC matches only a re-encoded input, and we reject both', async () => {
      const group = file.testGroups[21]!;
      const secret = Buffer.from(String(group.private!.k), 'base64url');
      for (const [tcId, expected] of [
        [372, 'MALFORMED'],
        [373, 'ALG_NOT_ALLOWED'],
      ] as const) {
        const vector = group.tests.find((t) => t.tcId === tcId)!;
        expect(vector.result).toBe('valid');
        const [h, p, s] = vector.jws!.split('.') as [string, string, string];
        const mac = (input: string) =>
          createHmac('sha256', secret).update(input).digest('base64url');
        const reencode = (segment: string) =>
          Buffer.from(segment, 'base64url').toString('base64url');
        expect(mac(`${h}.${p}`)).not.toBe(s);
        expect(mac(`${reencode(h)}.${reencode(p)}`)).toBe(s);
        expect(await joseVerdict(vector.jws!, keySetOf(group))).toBe(expected);
        expect(wholeTokenVerdict(vector.jws!)).toBe('MALFORMED');
      }
    });
  });

  describe('json_web_key_test.json', () => {
    const file = load('json_web_key_test.json');

    it('holds 26 vectors in 25 groups: 5 labelled valid and 21 invalid', () => {
      const vectors = file.testGroups.flatMap((g) => g.tests);
      expect(file.numberOfTests).toBe(26);
      expect(vectors).toHaveLength(26);
      expect(file.testGroups).toHaveLength(25);
      expect(histogramOf(vectors.map((v) => v.result))).toEqual({ valid: 5, invalid: 21 });
    });

    it('whole-token layer: decodeCompactJws answers MALFORMED for all 26', () => {
      const verdicts = file.testGroups.flatMap((g) =>
        g.tests.map((v) => wholeTokenVerdict(v.jws!)),
      );
      expect(histogramOf(verdicts)).toEqual({ MALFORMED: 26 });
    });

    it('JOSE layers: every vector matches its label or is a listed override (the ROCA key, tcId 7, is refused)', async () => {
      const rows = await runJwsFile(file, keySetOf);
      accountFor(rows, JWK_OVERRIDES);
      expect(rows.filter((r) => r.jose === 'ACCEPT').map((r) => r.tcId)).toEqual([5]);
      expect(histogramOf(rows.map((r) => r.jose))).toEqual({
        ACCEPT: 1,
        ALG_NOT_ALLOWED: 21,
        KEY_REJECTED: 4,
      });
    });

    it('key stage alone, alg aside: each group key set gives the listed answer for its token kid (R15-R17)', async () => {
      const actual: Record<number, Verdict> = {};
      for (const group of file.testGroups) {
        for (const vector of group.tests) {
          actual[vector.tcId] = await admissionVerdict(
            keySetOf(group),
            String(headerOf(vector.jws!).kid),
          );
        }
      }
      expect(actual).toEqual(JWK_ADMISSION);
    });

    it('the e = 1 key (tcId 9) verifies its forged signature in node:crypto, and our key policy refuses it', async () => {
      const group = file.testGroups.find((g) => g.tests.some((t) => t.tcId === 9))!;
      const vector = group.tests[0]!;
      const jwk = (group.public!.keys as Record<string, unknown>[])[0]!;
      expect(jwk.e).toBe('AQ');
      const [h, p, s] = vector.jws!.split('.') as [string, string, string];
      const raw = createPublicKey({
        key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never,
        format: 'jwk',
      });
      expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), raw, Buffer.from(s, 'base64url'))).toBe(
        true,
      );
      expect(admitKey(jwk, String(jwk.kid))).toBe('e is not 65537');
      expect(await joseVerdict(vector.jws!, keySetOf(group))).toBe('KEY_REJECTED');
    });
  });

  describe('rsa_signature_2048_sha256_test.json', () => {
    const file = load('rsa_signature_2048_sha256_test.json');

    it('holds 259 vectors in 3 groups: 9 valid, 1 acceptable, 249 invalid', () => {
      const vectors = file.testGroups.flatMap((g) => g.tests);
      expect(file.numberOfTests).toBe(259);
      expect(vectors).toHaveLength(259);
      expect(histogramOf(vectors.map((v) => v.result))).toEqual({
        valid: 9,
        acceptable: 1,
        invalid: 249,
      });
      expect(file.testGroups.map((g) => g.tests.length)).toEqual([257, 1, 1]);
    });

    it('every vector matches its label or is a listed override: 7 accepted, the acceptable one rejected, the e = 3 keys refused', () => {
      const rows: Row[] = file.testGroups.flatMap((group, index) =>
        group.tests.map((vector) => {
          const verdict = rsaVerdict(group, vector);
          return {
            tcId: vector.tcId,
            group: `group ${index}`,
            label: vector.result,
            whole: verdict,
            jose: verdict,
          };
        }),
      );
      accountFor(rows, RSA_OVERRIDES);
      expect(rows.filter((r) => r.jose === 'ACCEPT').map((r) => r.tcId)).toEqual([
        1, 2, 3, 4, 5, 6, 7,
      ]);
      expect(histogramOf(rows.map((r) => r.jose))).toEqual({
        ACCEPT: 7,
        SIGNATURE_INVALID: 250,
        KEY_REJECTED: 2,
      });
    });

    it('tcId 8 ("acceptable", MissingNull: a DigestInfo without NULL): rejected, SIGNATURE_INVALID (strict DER only)', () => {
      const group = file.testGroups[0]!;
      const vector = group.tests.find((t) => t.tcId === 8)!;
      expect(vector.result).toBe('acceptable');
      expect(vector.flags).toEqual(['MissingNull']);
      expect(rsaVerdict(group, vector)).toBe('SIGNATURE_INVALID');
    });

    it('each invalid flag class of the 2048-bit group is rejected in full', () => {
      const group = file.testGroups[0]!;
      const byFlag: Record<string, Record<string, number>> = {};
      for (const vector of group.tests.filter((t) => t.result === 'invalid')) {
        const flag = vector.flags.join('+');
        byFlag[flag] ??= {};
        const verdict = rsaVerdict(group, vector);
        byFlag[flag]![verdict] = (byFlag[flag]![verdict] ?? 0) + 1;
      }
      expect(byFlag).toEqual({
        BerEncodedPadding: { SIGNATURE_INVALID: 14 },
        InvalidAsnInPadding: { SIGNATURE_INVALID: 117 },
        ModifiedPadding: { SIGNATURE_INVALID: 75 },
        WrongHash: { SIGNATURE_INVALID: 21 },
        NoHash: { SIGNATURE_INVALID: 2 },
        InvalidPadding: { SIGNATURE_INVALID: 5 },
        ShortPadding: { SIGNATURE_INVALID: 1 },
        SignatureMalleability: { SIGNATURE_INVALID: 3 },
        InvalidSignature: { SIGNATURE_INVALID: 8 },
        WrongPrimitive: { SIGNATURE_INVALID: 3 },
      });
    });

    it('signatures shorter than the modulus (tcId 242: 6 bytes, tcId 247: empty) are rejected (R06)', () => {
      const group = file.testGroups[0]!;
      for (const tcId of [242, 247]) {
        const vector = group.tests.find((t) => t.tcId === tcId)!;
        expect(vector.sig!.length / 2).toBeLessThan(256);
        expect(rsaVerdict(group, vector)).toBe('SIGNATURE_INVALID');
      }
    });

    it('tcIds 258 and 259 (e = 3, labelled valid): node:crypto verifies them, the key policy refuses the keys', () => {
      for (const group of file.testGroups.slice(1)) {
        const vector = group.tests[0]!;
        expect(vector.result).toBe('valid');
        expect(group.keyJwk!.e).toBe('Aw');
        const raw = createPublicKey({ key: group.keyJwk as never, format: 'jwk' });
        const sig = Buffer.from(vector.sig!, 'hex');
        expect(nodeVerify('sha256', Buffer.from(vector.msg!, 'hex'), raw, sig)).toBe(true);
        expect(admitKey(group.keyJwk!, 'none')).toBe('e is not 65537');
        expect(rsaVerdict(group, vector)).toBe('KEY_REJECTED');
      }
    });
  });
});

function histogramOf(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}
