import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractBearerToken } from '../src/bearer.js';
import { AuthError } from '../src/errors.js';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AuthError ? err.code : `not an AuthError: ${String(err)}`;
  }
  return undefined;
}

describe('extractBearerToken', () => {
  it.each([
    ['Bearer', `Bearer ${jwt}`],
    ['lower-case scheme', `bearer ${jwt}`],
    ['upper-case scheme', `BEARER ${jwt}`],
    ['several spaces (1*SP)', `Bearer   ${jwt}`],
    ['surrounding optional whitespace', ` \tBearer ${jwt}\t `],
  ])('returns the token for %s', (_name, header) => {
    expect(extractBearerToken({ authorization: header })).toBe(jwt);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a Basic header', 'Basic dXNlcjpwYXNz'],
    ['a scheme name alone', 'Negotiate'],
  ])('answers NO_CREDENTIALS for %s', (_name, header) => {
    expect(codeOf(() => extractBearerToken({ authorization: header }))).toBe('NO_CREDENTIALS');
  });

  it.each([
    ['a tab separator', `Bearer\t${jwt}`],
    ['a no-break space separator', `Bearer\u00a0${jwt}`],
    ['a trailing extra token', `Bearer ${jwt} extra`],
    ['the scheme without a token', 'Bearer'],
    ['the scheme and spaces only', 'Bearer    x y'],
    ['characters outside b64token', `Bearer ${jwt}!`],
    ['full-width letters in the scheme', `Ｂｅａｒｅｒ ${jwt}`],
    ['a comma-joined second credential', `Bearer ${jwt}, Bearer ${jwt}`],
  ])('answers BAD_REQUEST for %s', (_name, header) => {
    expect(codeOf(() => extractBearerToken({ authorization: header }))).toBe('BAD_REQUEST');
  });

  it('answers BAD_REQUEST for two Authorization headers', () => {
    expect(
      codeOf(() => extractBearerToken({ authorization: [`Bearer ${jwt}`, `Bearer ${jwt}`] })),
    ).toBe('BAD_REQUEST');
  });

  it('answers BAD_REQUEST for a token in the header and in the query', () => {
    expect(codeOf(() => extractBearerToken({ authorization: `Bearer ${jwt}`, query: jwt }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('treats a query-only token as no credentials unless the query is allowed', () => {
    expect(codeOf(() => extractBearerToken({ query: jwt }))).toBe('NO_CREDENTIALS');
    expect(extractBearerToken({ query: jwt }, { allowQuery: true })).toBe(jwt);
  });

  it('answers BAD_REQUEST for two access_token parameters', () => {
    expect(codeOf(() => extractBearerToken({ query: [jwt, jwt] }, { allowQuery: true }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('accepts a bare JWT only where allowed', () => {
    expect(extractBearerToken({ authorization: jwt }, { allowBareToken: true })).toBe(jwt);
    expect(codeOf(() => extractBearerToken({ authorization: jwt }))).toBe('BAD_REQUEST');
  });

  it('only ever returns a b64token or throws an AuthError (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ maxLength: 80 }).map((s) => `Bearer ${s}`),
          fc.string({ maxLength: 80 }).map((s) => `bEaReR${s}`),
        ),
        fc.boolean(),
        (header, allowBareToken) => {
          try {
            const token = extractBearerToken({ authorization: header }, { allowBareToken });
            expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          } catch (err) {
            expect(err).toBeInstanceOf(AuthError);
            expect(['NO_CREDENTIALS', 'BAD_REQUEST']).toContain((err as AuthError).code);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
