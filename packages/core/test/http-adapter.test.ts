import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/errors.js';
import {
  bearerSourceFromRaw,
  checkHttpAdapterOptions,
  toHttpError,
  tokenFromRaw,
} from '../src/http-adapter.js';
import { checkPolicy, type Policy } from '../src/policy.js';
import type { AuthResult } from '../src/verifier.js';

describe('bearerSourceFromRaw', () => {
  it('collects every Authorization header from rawHeaders, whatever their casing', () => {
    const source = bearerSourceFromRaw(
      ['Host', 'x', 'authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'],
      '/',
    );
    expect(source.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(source.query).toBeUndefined();
  });

  it('reads every access_token from the raw URL, percent-decoded', () => {
    expect(bearerSourceFromRaw([], '/x?access_token=a&access%5Ftoken=b').query).toEqual(['a', 'b']);
  });

  it('answers BAD_REQUEST for a token in the header and in the query, query tokens allowed or not', () => {
    for (const allowQueryToken of [true, false]) {
      expect(() =>
        tokenFromRaw(['Authorization', 'Bearer abc'], '/?access_token=abc', { allowQueryToken }),
      ).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });
});

describe('checkHttpAdapterOptions', () => {
  it("takes errorDetail 'generic' or 'code', nothing else", () => {
    expect(checkHttpAdapterOptions({ errorDetail: 'code' }).errorDetail).toBe('code');
    expect(() => checkHttpAdapterOptions({ errorDetail: 'verbose' as never })).toThrow(
      'errorDetail must be',
    );
  });

  it('fills in defaults', () => {
    expect(checkHttpAdapterOptions({})).toEqual({
      optional: false,
      allowQueryToken: false,
      passErrors: false,
      realm: 'api',
      errorDetail: 'generic',
    });
  });

  it.each([
    ['a realm with a quote', { realm: 'a"b' }],
    ['a realm with a line break', { realm: 'a\r\nb' }],
    ['an empty realm', { realm: '' }],
    ['a non-boolean flag', { optional: 'yes' }],
  ])('throws a TypeError for %s', (_name, options) => {
    expect(() => checkHttpAdapterOptions(options as never)).toThrow(TypeError);
  });
});

describe('toHttpError', () => {
  it('returns a new error with statusCode, headers and body, leaving the original alone', () => {
    const original = new AuthError('INSUFFICIENT_SCOPE', { requiredScopes: ['orders/read'] });
    const http = toHttpError(original, { realm: 'orders' });
    expect(http).not.toBe(original);
    expect(http.code).toBe('INSUFFICIENT_SCOPE');
    expect(http.statusCode).toBe(403);
    expect(http.headers['www-authenticate']).toContain('scope="orders/read"');
    expect(http.headers['content-type']).toBeUndefined();
    expect(http.body).toEqual({
      error: 'insufficient_scope',
      error_description: expect.any(String),
    });
    expect('statusCode' in original).toBe(false);
  });
});

describe('checkPolicy', () => {
  it('refuses a policy that returns a promise (an async policy never throws synchronously)', () => {
    const asyncPolicy = (async () => {
      throw new AuthError('GROUP_NOT_ALLOWED');
    }) as unknown as Policy;
    expect(checkPolicy(asyncPolicy, {} as AuthResult)?.code).toBe('CLAIM_CHECK');
  });
});
