import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64UrlStrict, decodeCompactJws } from '../src/compact-jws.js';
import { AuthError } from '../src/errors.js';

const limits = { maxTokenBytes: 16_384, maxHeaderBytes: 1024 };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256', kid: 'k1' });
const payload = b64({ sub: 'abc', exp: 1 });
const signature = Buffer.alloc(256, 7).toString('base64url');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AuthError ? err.code : `not an AuthError: ${String(err)}`;
  }
  return undefined;
}

describe('decodeBase64UrlStrict', () => {
  it('decodes canonical unpadded base64url', () => {
    expect(decodeBase64UrlStrict('QQ')?.toString()).toBe('A');
    expect(decodeBase64UrlStrict('QUI')?.toString()).toBe('AB');
    expect(decodeBase64UrlStrict('QUJD')?.toString()).toBe('ABC');
  });

  it.each([
    ['padding', 'QQ=='],
    ['the + character', 'a+b/'],
    ['whitespace', 'QU JD'],
    ['a length of 1 mod 4', 'QUJDR'],
    ['non-zero trailing bits (QR is not canonical for "A")', 'QR'],
    ['non-zero trailing bits in a 3-char tail', 'QUJ'],
    ['an empty segment', ''],
    ['a non-ASCII letter', 'QÜJD'],
  ])('refuses %s', (_name, segment) => {
    expect(decodeBase64UrlStrict(segment)).toBeUndefined();
  });

  it('round-trips any bytes and refuses every other spelling of them (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const canonical = Buffer.from(bytes).toString('base64url');
        expect(decodeBase64UrlStrict(canonical)).toEqual(Buffer.from(bytes));
        expect(decodeBase64UrlStrict(`${canonical}=`)).toBeUndefined();
      }),
    );
  });
});

describe('decodeCompactJws', () => {
  it('decodes a well-formed token', () => {
    const decoded = decodeCompactJws(`${header}.${payload}.${signature}`, limits);
    expect(decoded.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(decoded.payload).toEqual({ sub: 'abc', exp: 1 });
    expect(decoded.signature.length).toBe(256);
  });

  it.each([
    ['two segments', `${header}.${payload}`],
    ['four segments', `${header}.${payload}.${signature}.x`],
    ['a five-part JWE', `${header}.a.b.c.d`],
    ['an empty signature', `${header}.${payload}.`],
    ['a padded header', `${header}=.${payload}.${signature}`],
    [
      'a header that is not JSON',
      `${Buffer.from('nope').toString('base64url')}.${payload}.${signature}`,
    ],
    ['a payload that is an array', `${header}.${b64([1])}.${signature}`],
    [
      'invalid UTF-8 in the payload',
      `${header}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${signature}`,
    ],
    [
      'a BOM before the payload',
      `${header}.${Buffer.from('\ufeff{}').toString('base64url')}.${signature}`,
    ],
    [
      'duplicate token_use in the payload',
      `${header}.${Buffer.from('{"token_use":"id","token_use":"access"}').toString('base64url')}.${signature}`,
    ],
    [
      'a __proto__ claim',
      `${header}.${Buffer.from('{"__proto__":{"admin":true}}').toString('base64url')}.${signature}`,
    ],
    ['an empty string', ''],
    ['a number instead of a string', 42],
  ])('rejects %s as MALFORMED', (_name, token) => {
    expect(codeOf(() => decodeCompactJws(token, limits))).toBe('MALFORMED');
  });

  it('rejects a token over maxTokenBytes as TOO_LARGE before splitting it', () => {
    expect(codeOf(() => decodeCompactJws('.'.repeat(20_000), limits))).toBe('TOO_LARGE');
  });

  it('rejects a header over 1 KiB as TOO_LARGE before decoding it', () => {
    const big = b64({ alg: 'RS256', kid: 'k'.repeat(1200) });
    expect(codeOf(() => decodeCompactJws(`${big}.${payload}.${signature}`, limits))).toBe(
      'TOO_LARGE',
    );
  });

  it('rejects deeply nested JSON in the payload as MALFORMED, not a crash', () => {
    const deep = Buffer.from(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`).toString('base64url');
    expect(codeOf(() => decodeCompactJws(`${header}.${deep}.${signature}`, limits))).toBe(
      'MALFORMED',
    );
  });

  it('throws only AuthErrors on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(fc.stringMatching(/^[A-Za-z0-9_=+/.-]{0,40}$/), { maxLength: 5 })
            .map((p) => p.join('.')),
        ),
        (token) => {
          try {
            decodeCompactJws(token, limits);
          } catch (err) {
            expect(err).toBeInstanceOf(AuthError);
            expect(['MALFORMED', 'TOO_LARGE']).toContain((err as AuthError).code);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
