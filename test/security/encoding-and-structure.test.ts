/**
 * Attack classes 8-12 of SECURITY.md: oversized tokens and many dots, duplicate JSON
 * members, non-canonical base64url, extra segments / JWE / JSON serialization, empty or
 * garbage signatures; plus the UTF-8 and JSON-shape rules (R01-R06, R39, decision 1, decision 9,
 * decision 10).
 *
 * Every token here that is rejected for its encoding carries a signature that is valid over
 * its exact bytes (made by a key the JWKS serves), so the defect under test is the only thing
 * wrong with it: a verifier that skipped the check would accept the token.
 */
import { createVerifier, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessClaims,
  b64u,
  createForgeKey,
  type ForgeKey,
  manualClock,
  rejectionCode,
  segments,
  toStandardBase64,
  withTrailingBits,
} from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let forge: ForgeKey;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  forge = createForgeKey({ kid: 'forge-encoding' });
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

afterAll(async () => {
  await issuer?.close();
});

const headerText = () => JSON.stringify({ alg: 'RS256', kid: forge.kid });
const claims = (overrides: Record<string, unknown> = {}) =>
  accessClaims(issuer, clock.seconds(), overrides);
const claimsText = (overrides: Record<string, unknown> = {}) => JSON.stringify(claims(overrides));
/** `json` (an object's text) with `extra` spliced in before its closing brace. */
const withMember = (json: string, extra: string) => `${json.slice(0, -1)},${extra}}`;
/** A token whose payload is exactly these bytes, validly signed. */
const withPayloadBytes = (bytes: Uint8Array | string) => forge.sign(headerText(), bytes);
/** A token whose header is exactly these bytes, validly signed. */
const withHeaderBytes = (bytes: Uint8Array | string) => forge.sign(bytes, claimsText());

describe('encoding and structure', () => {
  it('control: a token signed by the forge key is accepted', async () => {
    expect((await verifier.verify(forge.sign(headerText(), claimsText()))).sub).toBeTruthy();
  });

  describe('oversized tokens and many dots (CVE-2025-30204, CVE-2025-27144; R39)', () => {
    it('a token of 16,000 dots: answers MALFORMED without splitting it', async () => {
      const started = performance.now();
      for (let i = 0; i < 100; i += 1) {
        expect(await rejectionCode(verifier.verify('.'.repeat(16_000)))).toBe('MALFORMED');
      }
      // Generous: 100 rejections of a 16 KB string, a few indexOf calls each.
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('a token of a million dots: answers TOO_LARGE before looking at it', async () => {
      expect(await rejectionCode(verifier.verify('.'.repeat(1_000_000)))).toBe('TOO_LARGE');
    });

    it('a token exactly at maxTokenBytes is accepted and one character more is TOO_LARGE', async () => {
      const limit = 16_384;
      // Unpadded base64 never has a length of 1 (mod 4), so try header spellings with 0-3
      // spaces of JSON whitespace and pad the payload until the (analytically computed) token
      // length lands on the limit.
      const signatureChars = 342;
      let found: { header: string; pad: number } | undefined;
      for (const header of [0, 1, 2, 3].map(
        (n) => `${headerText().slice(0, -1)}${' '.repeat(n)}}`,
      )) {
        for (let pad = 10_000; pad < 13_000 && found === undefined; pad += 1) {
          const payload = claimsText({ 'custom:pad': 'x'.repeat(pad) });
          const length = b64u(header).length + b64u(payload).length + signatureChars + 2;
          if (length === limit) found = { header, pad };
        }
        if (found !== undefined) break;
      }
      expect(found).toBeDefined();
      const { header, pad } = found!;
      const atLimit = forge.sign(header, claimsText({ 'custom:pad': 'x'.repeat(pad) }));
      expect(atLimit.length).toBe(limit);
      expect((await verifier.verify(atLimit)).sub).toBeTruthy();
      const over = forge.sign(header, claimsText({ 'custom:pad': 'x'.repeat(pad + 1) }));
      expect(over.length).toBeGreaterThan(limit);
      expect(await rejectionCode(verifier.verify(over))).toBe('TOO_LARGE');
    });

    it('a header segment over 1 KiB: answers TOO_LARGE before decoding it', async () => {
      const token = withHeaderBytes(JSON.stringify({ alg: 'RS256', kid: 'k'.repeat(800) }));
      expect(segments(token)[0].length).toBeGreaterThan(1024);
      expect(await rejectionCode(verifier.verify(token))).toBe('TOO_LARGE');
    });
  });

  describe('extra segments, JWE and JSON serialization (R01; CVE-2022-36083)', () => {
    it('a five-part JWE with a PBES2 p2c of 10^9: answers MALFORMED without decrypting', async () => {
      const jweHeader = b64u(
        JSON.stringify({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1e9 }),
      );
      const jwe = [jweHeader, b64u('k'.repeat(24)), b64u('iv'.repeat(6)), b64u('ct'), b64u('t')];
      const started = performance.now();
      expect(await rejectionCode(verifier.verify(jwe.join('.')))).toBe('MALFORMED');
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('a four-segment token (a valid token plus an empty or extra segment): answers MALFORMED', async () => {
      const token = forge.sign(headerText(), claimsText());
      expect(await rejectionCode(verifier.verify(`${token}.`))).toBe('MALFORMED');
      expect(await rejectionCode(verifier.verify(`${token}.${segments(token)[1]}`))).toBe(
        'MALFORMED',
      );
    });

    it('a two-segment token (signature dropped): answers MALFORMED', async () => {
      const [h, p] = segments(forge.sign(headerText(), claimsText()));
      expect(await rejectionCode(verifier.verify(`${h}.${p}`))).toBe('MALFORMED');
    });

    it('the JWS JSON serializations (flattened and general) of a valid token: answer MALFORMED', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      const flattened = JSON.stringify({ payload: p, protected: h, signature: s });
      const general = JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] });
      expect(await rejectionCode(verifier.verify(flattened))).toBe('MALFORMED');
      expect(await rejectionCode(verifier.verify(general))).toBe('MALFORMED');
    });
  });

  describe('non-canonical base64url (class 10, R02)', () => {
    it('a header with = padding, signed over the padded text: answers MALFORMED', async () => {
      const h = b64u(headerText());
      const padded = h + '='.repeat((4 - (h.length % 4)) % 4);
      expect(padded !== h).toBe(true);
      const token = forge.signInput(`${padded}.${b64u(claimsText())}`);
      expect(await rejectionCode(verifier.verify(token))).toBe('MALFORMED');
    });

    it('a payload with = padding, signed over the padded text: answers MALFORMED', async () => {
      let text = claimsText();
      // Make the payload length ≢ 0 (mod 3) so that standard base64 would pad it.
      while (Buffer.byteLength(text) % 3 === 0) text = withMember(text, '"custom:p":"x"');
      const padded = Buffer.from(text).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      expect(padded.endsWith('=')).toBe(true);
      const token = forge.signInput(`${b64u(headerText())}.${padded}`);
      expect(await rejectionCode(verifier.verify(token))).toBe('MALFORMED');
    });

    it('a signature with = padding appended (token malleability): answers MALFORMED', async () => {
      const token = forge.sign(headerText(), claimsText());
      expect(await rejectionCode(verifier.verify(`${token}=`))).toBe('MALFORMED');
      expect(await rejectionCode(verifier.verify(`${token}==`))).toBe('MALFORMED');
    });

    it('a signature in the standard alphabet (+ and /): answers MALFORMED', async () => {
      let token = forge.sign(headerText(), claimsText());
      for (let i = 0; !/[-_]/.test(segments(token)[2]) && i < 20; i += 1) {
        token = forge.sign(headerText(), claimsText({ jti: `j${i}` }));
      }
      const [h, p, s] = segments(token);
      expect(toStandardBase64(s) !== s).toBe(true);
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${toStandardBase64(s)}`))).toBe(
        'MALFORMED',
      );
    });

    it('a payload in the standard alphabet, signed over it: answers MALFORMED', async () => {
      let text = claimsText();
      for (let i = 0; !/[+/]/.test(Buffer.from(text).toString('base64')) && i < 50; i += 1) {
        text = claimsText({ jti: `jti-${i}-???>>>` });
      }
      const std = Buffer.from(text).toString('base64').replace(/=+$/, '');
      expect(std).toMatch(/[+/]/);
      const token = forge.signInput(`${b64u(headerText())}.${std}`);
      expect(await rejectionCode(verifier.verify(token))).toBe('MALFORMED');
    });

    it('whitespace or a line break inside a segment: answers MALFORMED', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      for (const bad of [
        `${h}.${p.slice(0, 10)} ${p.slice(10)}`,
        `${h}.${p.slice(0, 10)}\n${p.slice(10)}`,
        `${h}.${p.slice(0, 10)}\r\n${p.slice(10)}`,
      ]) {
        // Signed over the exact text, so only the whitespace is wrong.
        expect(await rejectionCode(verifier.verify(forge.signInput(bad)))).toBe('MALFORMED');
      }
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${s.slice(0, 5)} ${s.slice(5)}`))).toBe(
        'MALFORMED',
      );
    });

    it('non-zero unused trailing bits in the signature ("QQ" vs "QR"): answers MALFORMED', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      // 256 bytes encode to 342 characters; the last carries 4 unused bits.
      const respelled = withTrailingBits(s);
      expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${respelled}`))).toBe('MALFORMED');
    });

    it('non-zero unused trailing bits in the payload, signed over them: answers MALFORMED', async () => {
      let text = claimsText();
      while (b64u(text).length % 4 === 0) text = withMember(text, '"custom:p":"x"');
      const respelled = withTrailingBits(b64u(text));
      expect(Buffer.from(respelled, 'base64url').toString()).toBe(text);
      const token = forge.signInput(`${b64u(headerText())}.${respelled}`);
      expect(await rejectionCode(verifier.verify(token))).toBe('MALFORMED');
    });

    it('characters outside base64url in the signature (jsrsasign CVE-2022-25898): answer MALFORMED', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      for (const junk of ['!', '@', '$', '%', '*', '~', '\u00e9']) {
        expect(
          await rejectionCode(verifier.verify(`${h}.${p}.${s.slice(0, 40)}${junk}${s.slice(40)}`)),
        ).toBe('MALFORMED');
      }
    });

    it('a segment whose length is 1 (mod 4): answers MALFORMED', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      expect((s.length + 3) % 4).toBe(1);
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${s}AAA`))).toBe('MALFORMED');
    });

    it('an empty header or payload segment: answers MALFORMED', async () => {
      const [h, p] = segments(forge.sign(headerText(), claimsText()));
      expect(await rejectionCode(verifier.verify(forge.signInput(`.${p}`)))).toBe('MALFORMED');
      expect(await rejectionCode(verifier.verify(forge.signInput(`${h}.`)))).toBe('MALFORMED');
    });
  });

  describe('UTF-8 (R03, decision 9)', () => {
    const claimWithBytes = (bytes: number[]) => {
      const [before, after] = claimsText({ username: '\u0000' }).split('\\u0000') as [
        string,
        string,
      ];
      return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
    };

    it.each([
      ['a lone 0xFF byte', [0xff]],
      ['an overlong encoding of "/" (C0 AF)', [0xc0, 0xaf]],
      ['a UTF-8-encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
      ['a truncated multi-byte sequence', [0xe2, 0x82]],
      ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
    ])('invalid UTF-8 in a claim value (%s): answers MALFORMED', async (_name, bytes) => {
      expect(await rejectionCode(verifier.verify(withPayloadBytes(claimWithBytes(bytes))))).toBe(
        'MALFORMED',
      );
    });

    it('control: the same position holding valid multi-byte UTF-8 is accepted', async () => {
      const auth = await verifier.verify(withPayloadBytes(claimWithBytes([0xc3, 0xa9])));
      expect(auth.username).toBe('\u00e9');
    });

    it('a UTF-8 BOM before the payload JSON: answers MALFORMED', async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(claimsText())]);
      expect(await rejectionCode(verifier.verify(withPayloadBytes(bytes)))).toBe('MALFORMED');
    });

    it('a UTF-8 BOM before the header JSON: answers MALFORMED', async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(headerText())]);
      expect(await rejectionCode(verifier.verify(withHeaderBytes(bytes)))).toBe('MALFORMED');
    });

    it('a payload in UTF-16LE: answers MALFORMED', async () => {
      expect(
        await rejectionCode(
          verifier.verify(withPayloadBytes(Buffer.from(claimsText(), 'utf16le'))),
        ),
      ).toBe('MALFORMED');
    });
  });

  describe('JSON shape (R03; fast-jwt CVE-2026-107723)', () => {
    it.each([
      [
        'a JSON array (every claim validator skipped in fast-jwt)',
        () => JSON.stringify([claims()]),
      ],
      ['a JSON string', () => JSON.stringify(claimsText())],
      ['a number', () => '1700000000'],
      ['null', () => 'null'],
      ['an object followed by garbage', () => `${claimsText()}x`],
      ['two objects', () => `${claimsText()}{}`],
      ['an object with a trailing comma', () => `${claimsText().slice(0, -1)},}`],
      ['an object with a comment', () => `${claimsText().slice(0, -1)}/* c */}`],
      ['an object holding NaN', () => withMember(claimsText(), '"custom:n":NaN')],
      ['an object with single-quoted members', () => withMember(claimsText(), "'custom:q':'x'")],
      [
        'an object holding a number with a leading zero',
        () => withMember(claimsText(), '"custom:z":0123'),
      ],
      [
        'an object holding a raw TAB inside a string',
        () => withMember(claimsText(), '"custom:c":"a\tb"'),
      ],
    ])('a payload that is %s: answers MALFORMED', async (_name, payload) => {
      expect(await rejectionCode(verifier.verify(withPayloadBytes(payload())))).toBe('MALFORMED');
    });

    it('a header that is a JSON array: answers MALFORMED', async () => {
      expect(
        await rejectionCode(verifier.verify(withHeaderBytes(JSON.stringify([{ alg: 'RS256' }])))),
      ).toBe('MALFORMED');
    });

    it('3,000 levels of nesting in a claim (reviver stack overflow, pitfall 6): answers MALFORMED, not a crash', async () => {
      const deep = withMember(claimsText(), `"custom:d":${'['.repeat(3000)}${']'.repeat(3000)}`);
      expect(await rejectionCode(verifier.verify(withPayloadBytes(deep)))).toBe('MALFORMED');
    });

    it('300 levels of nesting in the header (under the 1 KiB cap): answers MALFORMED, not a crash', async () => {
      const deep = withMember(headerText(), `"typ":${'['.repeat(300)}${']'.repeat(300)}`);
      expect(b64u(deep).length).toBeLessThanOrEqual(1024);
      expect(await rejectionCode(verifier.verify(withHeaderBytes(deep)))).toBe('MALFORMED');
    });
  });

  describe('duplicate JSON members (class 9, R04, decision 1)', () => {
    it('duplicate token_use in the payload (id first, access last): answers MALFORMED', async () => {
      const text = withMember(claimsText({ token_use: 'id' }), '"token_use":"access"');
      expect(await rejectionCode(verifier.verify(withPayloadBytes(text)))).toBe('MALFORMED');
    });

    it('duplicate iss in the payload (another pool first, ours last): answers MALFORMED', async () => {
      const text = `{"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Evil",${claimsText().slice(1)}`;
      expect(await rejectionCode(verifier.verify(withPayloadBytes(text)))).toBe('MALFORMED');
    });

    it('a duplicate hidden behind a JSON escape ("token\\u005fuse"): answers MALFORMED', async () => {
      const text = withMember(claimsText({ token_use: 'id' }), '"token\\u005fuse":"access"');
      expect(await rejectionCode(verifier.verify(withPayloadBytes(text)))).toBe('MALFORMED');
    });

    it('a duplicate member inside a nested custom claim: answers MALFORMED', async () => {
      const text = withMember(claimsText(), '"custom:o":{"role":"user","role":"admin"}');
      expect(await rejectionCode(verifier.verify(withPayloadBytes(text)))).toBe('MALFORMED');
    });

    it('duplicate alg in the header (none first, RS256 last): answers MALFORMED', async () => {
      const text = `{"alg":"none","alg":"RS256","kid":"${forge.kid}"}`;
      expect(await rejectionCode(verifier.verify(withHeaderBytes(text)))).toBe('MALFORMED');
    });

    it('duplicate kid in the header: answers MALFORMED', async () => {
      const text = `{"alg":"RS256","kid":"someone-else","kid":"${forge.kid}"}`;
      expect(await rejectionCode(verifier.verify(withHeaderBytes(text)))).toBe('MALFORMED');
    });
  });

  describe('empty or garbage signatures (class 12, CVE-2020-28042; R05, R06)', () => {
    it('an empty signature ("null signature"): answers MALFORMED', async () => {
      const [h, p] = segments(forge.sign(headerText(), claimsText()));
      expect(await rejectionCode(verifier.verify(`${h}.${p}.`))).toBe('MALFORMED');
    });

    it.each([
      ['256 zero bytes', () => Buffer.alloc(256)],
      ['256 0xFF bytes (a value above the modulus)', () => Buffer.alloc(256, 0xff)],
      ['one byte', () => Buffer.from([1])],
      ['the modulus itself', () => Buffer.from(forge.jwk.n as string, 'base64url')],
    ])('a signature of %s: answers SIGNATURE_INVALID', async (_name, signature) => {
      const [h, p] = segments(forge.sign(headerText(), claimsText()));
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${b64u(signature())}`))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('a valid signature truncated by a byte, or with a zero byte prepended (R06): answers SIGNATURE_INVALID', async () => {
      const [h, p, s] = segments(forge.sign(headerText(), claimsText()));
      const sig = Buffer.from(s, 'base64url');
      for (const changed of [sig.subarray(0, 255), Buffer.concat([Buffer.alloc(1), sig])]) {
        expect(await rejectionCode(verifier.verify(`${h}.${p}.${b64u(changed)}`))).toBe(
          'SIGNATURE_INVALID',
        );
      }
    });

    it('the signature of another token: answers SIGNATURE_INVALID', async () => {
      const [h, p] = segments(forge.sign(headerText(), claimsText({ username: 'alice' })));
      const [, , s] = segments(forge.sign(headerText(), claimsText({ username: 'bob' })));
      expect(await rejectionCode(verifier.verify(`${h}.${p}.${s}`))).toBe('SIGNATURE_INVALID');
    });

    it('the header re-serialized (members reordered) under the original signature (R05): answers SIGNATURE_INVALID', async () => {
      const [, p, s] = segments(forge.sign(headerText(), claimsText()));
      const reordered = b64u(JSON.stringify({ kid: forge.kid, alg: 'RS256' }));
      expect(await rejectionCode(verifier.verify(`${reordered}.${p}.${s}`))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('the payload re-serialized with whitespace under the original signature (R05): answers SIGNATURE_INVALID', async () => {
      const [h, , s] = segments(forge.sign(headerText(), claimsText()));
      const spaced = b64u(JSON.stringify(claims(), null, 1));
      expect(await rejectionCode(verifier.verify(`${h}.${spaced}.${s}`))).toBe('SIGNATURE_INVALID');
    });

    it('a header spelled with JSON escapes is verified over its exact bytes (R05): accepted', async () => {
      const escaped = `{"\\u0061lg":"RS\\u0032\\u0035\\u0036","kid":"${forge.kid}"}`;
      expect(JSON.parse(escaped)).toEqual({ alg: 'RS256', kid: forge.kid });
      expect((await verifier.verify(withHeaderBytes(escaped))).sub).toBeTruthy();
    });
  });
});
