import { describe, expect, it } from 'vitest';
import { toChallenge } from '../src/challenge.js';
import { AuthError, describeError, ErrorCode } from '../src/errors.js';

describe('toChallenge', () => {
  it('answers 401 with a bare challenge and no error attribute when no credentials were sent', () => {
    const c = toChallenge(new AuthError('NO_CREDENTIALS'), { realm: 'orders' });
    expect(c.status).toBe(401);
    expect(c.headers['www-authenticate']).toBe('Bearer realm="orders"');
    expect(c.body).toEqual({ error_description: 'A bearer token is required' });
  });

  it('answers 400 invalid_request for BAD_REQUEST', () => {
    const c = toChallenge(new AuthError('BAD_REQUEST'));
    expect(c.status).toBe(400);
    expect(c.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_request", error_description="/,
    );
    expect(c.body.error).toBe('invalid_request');
  });

  it.each([
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
    'REVOKED',
  ] as const)('answers 401 invalid_token for %s', (code) => {
    const c = toChallenge(new AuthError(code));
    expect(c.status).toBe(401);
    expect(c.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(c.body.error).toBe('invalid_token');
  });

  it('answers 403 insufficient_scope with the scope attribute when scopes were required', () => {
    const c = toChallenge(
      new AuthError('INSUFFICIENT_SCOPE', { requiredScopes: ['orders/read', 'orders/write'] }),
    );
    expect(c.status).toBe(403);
    expect(c.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(c.headers['www-authenticate']).toContain('scope="orders/read orders/write"');
  });

  it.each(['GROUP_NOT_ALLOWED', 'CLAIM_CHECK'] as const)(
    'answers 403 without a scope attribute for %s',
    (code) => {
      const c = toChallenge(new AuthError(code));
      expect(c.status).toBe(403);
      expect(c.headers['www-authenticate']).not.toContain('scope=');
      expect(c.body.error).toBe('insufficient_scope');
    },
  );

  it.each(['JWKS_UNAVAILABLE', 'JWKS_INVALID'] as const)(
    'answers 503 with Retry-After for %s',
    (code) => {
      const c = toChallenge(new AuthError(code, { retryAfterSeconds: 12 }));
      expect(c.status).toBe(503);
      expect(c.headers['retry-after']).toBe('12');
      expect(c.headers['www-authenticate']).toBeUndefined();
    },
  );

  it('strips quotes, backslashes and line breaks from the realm', () => {
    const c = toChallenge(new AuthError('NO_CREDENTIALS'), { realm: 'a"b\\c\r\nd' });
    expect(c.headers['www-authenticate']).toBe('Bearer realm="abcd"');
  });

  it('maps every error code', () => {
    for (const code of Object.values(ErrorCode)) {
      const c = toChallenge(new AuthError(code));
      expect([400, 401, 403, 503]).toContain(c.status);
      expect(c.status).toBe(new AuthError(code).status);
      expect(c.body.error_description.length).toBeGreaterThan(0);
    }
  });

  describe('what a client learns of a refusal (forgery probing)', () => {
    const codes = Object.values(ErrorCode);
    const byKind = (kind: string) => codes.filter((code) => new AuthError(code).kind === kind);

    it.each(['credentials', 'request', 'token', 'forbidden', 'unavailable'])(
      'answers every %s code with the same body and challenge by default',
      (kind) => {
        const answers = byKind(kind).map((code) => {
          const { body, headers } = toChallenge(new AuthError(code));
          return JSON.stringify([body, headers['www-authenticate'] ?? null]);
        });
        expect(new Set(answers).size).toBe(1);
      },
    );

    it('says "The access token is invalid" for a bad signature, a foreign issuer or an expiry', () => {
      for (const code of ['SIGNATURE_INVALID', 'ISSUER', 'EXPIRED', 'KEY_NOT_FOUND'] as const) {
        const c = toChallenge(new AuthError(code), { realm: 'orders' });
        expect(c.body).toEqual({
          error: 'invalid_token',
          error_description: 'The access token is invalid',
        });
        expect(c.headers['www-authenticate']).toBe(
          'Bearer realm="orders", error="invalid_token", error_description="The access token is invalid"',
        );
      }
    });

    it("describes the precise code only with errorDetail: 'code'", () => {
      const texts = byKind('token').map(
        (code) => toChallenge(new AuthError(code), { errorDetail: 'code' }).body.error_description,
      );
      expect(new Set(texts).size).toBeGreaterThan(10);
      expect(toChallenge(new AuthError('EXPIRED'), { errorDetail: 'code' }).body).toEqual({
        error: 'invalid_token',
        error_description: 'The token has expired',
      });
      expect(describeError('EXPIRED', 'code')).toBe(new AuthError('EXPIRED').message);
    });
  });
});
