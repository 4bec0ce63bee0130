/**
 * Attack class 19 of SECURITY.md (Authorization-header parsing traps) and rules
 * R29-R35: the scheme is case-insensitive, the separator is ASCII space only, one method per
 * request, no query tokens by default, RFC 6750 challenges, and no token in any error.
 *
 * The Express/Fastify/Lambda adapters do not exist yet: what they must hand to the core
 * (every Authorization value from `rawHeaders`, every `access_token` query value) is shown
 * here with a raw node:http server. Adapter-level tests are pending (see SECURITY.md).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import {
  AuthError,
  createVerifier,
  type ErrorCode,
  toChallenge,
  type Verifier,
} from '@cognito-guard/core';
import { extractBearerToken } from '@cognito-guard/core/http';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, rejectionCode, segments, thrownCode } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;
let verifier: Verifier<'access'>;
let token: string;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true, clock: clock.now });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    clock: clock.now,
  });
  token = await issuer.mintAccessToken();
});

afterAll(async () => {
  await issuer?.close();
});

const extract = (authorization: string | string[] | undefined, query?: string | string[]) =>
  thrownCode(() => extractBearerToken({ authorization, query }));

describe('bearer transport', () => {
  describe('the Authorization header syntax (R29; RFC 6750 §2.1, RFC 9110 §11.1)', () => {
    it.each([
      ['Bearer', (t: string) => `Bearer ${t}`],
      ['bearer (scheme is case-insensitive)', (t: string) => `bearer ${t}`],
      ['BEARER', (t: string) => `BEARER ${t}`],
      ['bEaReR', (t: string) => `bEaReR ${t}`],
      ['several spaces (1*SP)', (t: string) => `Bearer     ${t}`],
      ['optional whitespace around the value', (t: string) => ` \tBearer ${t} \t`],
    ])('%s: extracts the token, which then verifies', async (_name, header) => {
      const extracted = extractBearerToken({ authorization: header(token) });
      // Compared as a boolean so that a failure never prints the token.
      expect(extracted === token).toBe(true);
      expect((await verifier.verify(extracted)).tokenUse).toBe('access');
    });

    it.each([
      ['a TAB', '\t'],
      ['a no-break space (JS \\s matches it)', '\u00a0'],
      ['an en space', '\u2002'],
      ['an ideographic space', '\u3000'],
      ['a zero-width space', '\u200b'],
      ['a BOM', '\ufeff'],
      ['a vertical tab', '\u000b'],
      ['a form feed', '\u000c'],
      ['CR LF (header folding)', '\r\n '],
      ['a space and a TAB', ' \t'],
    ])('%s as the separator: answers BAD_REQUEST', (_name, separator) => {
      expect(extract(`Bearer${separator}${token}`)).toBe('BAD_REQUEST');
    });

    it.each([
      ['a trailing extra token', (t: string) => `Bearer ${t} extra`],
      ['a trailing comma', (t: string) => `Bearer ${t},`],
      [
        'two credentials joined by a comma (a proxy merged two headers)',
        (t: string) => `Bearer ${t}, Bearer ${t}`,
      ],
      ['a quoted token', (t: string) => `Bearer "${t}"`],
      ['full-width letters in the scheme', (t: string) => `Ｂｅａｒｅｒ ${t}`],
      ['the scheme alone', () => 'Bearer'],
      ['the scheme and spaces', () => 'Bearer    '],
      ['a token without the scheme', (t: string) => t],
      ['a NUL inside the token', (t: string) => `Bearer ${t.slice(0, 10)}\u0000${t.slice(10)}`],
    ])('%s: answers BAD_REQUEST', (_name, header) => {
      expect(extract(header(token))).toBe('BAD_REQUEST');
    });

    it.each([
      ['no header', undefined],
      ['an empty header', ''],
      ['another scheme (Basic)', 'Basic dXNlcjpwYXNz'],
      ['a scheme name alone (Negotiate)', 'Negotiate'],
    ])('%s: answers NO_CREDENTIALS', (_name, header) => {
      expect(extract(header)).toBe('NO_CREDENTIALS');
    });

    it('a b64token with = padding is extracted (RFC 6750 allows it) and the verifier answers MALFORMED', async () => {
      const padded = `${token}==`;
      expect(extractBearerToken({ authorization: `Bearer ${padded}` }) === padded).toBe(true);
      expect(await rejectionCode(verifier.verify(padded))).toBe('MALFORMED');
    });
  });

  describe('one method per request (R30, R31; RFC 6750 §2, §2.3)', () => {
    it('two Authorization headers, identical: answers BAD_REQUEST', () => {
      expect(extract([`Bearer ${token}`, `Bearer ${token}`])).toBe('BAD_REQUEST');
    });

    it('two Authorization headers, one of them empty: answers BAD_REQUEST', () => {
      expect(extract(['', `Bearer ${token}`])).toBe('BAD_REQUEST');
    });

    it('a header plus a query token: answers BAD_REQUEST whether or not the query method is enabled', () => {
      expect(extract(`Bearer ${token}`, token)).toBe('BAD_REQUEST');
      expect(
        thrownCode(() =>
          extractBearerToken(
            { authorization: `Bearer ${token}`, query: token },
            { allowQuery: true },
          ),
        ),
      ).toBe('BAD_REQUEST');
    });

    it('a query-only token with the query method off (the default): answers NO_CREDENTIALS', () => {
      expect(extract(undefined, token)).toBe('NO_CREDENTIALS');
    });

    it('two access_token parameters with the query method on: answers BAD_REQUEST', () => {
      expect(
        thrownCode(() => extractBearerToken({ query: [token, token] }, { allowQuery: true })),
      ).toBe('BAD_REQUEST');
    });

    it('over a real socket: Node keeps only the first of two Authorization headers, and rawHeaders drives a BAD_REQUEST (core-level; adapter test pending)', async () => {
      const seen: { first: string | undefined; code: ErrorCode | undefined }[] = [];
      const server = http.createServer((req, res) => {
        const all: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          if (req.rawHeaders[i]!.toLowerCase() === 'authorization')
            all.push(req.rawHeaders[i + 1]!);
        }
        const query = new URL(req.url ?? '/', 'http://x').searchParams.getAll('access_token');
        seen.push({
          first: req.headers.authorization,
          code: thrownCode(() => extractBearerToken({ authorization: all, query })),
        });
        res.end();
      });
      server.listen({ port: 0, host: '127.0.0.1' });
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      try {
        const send = async (request: string) => {
          const socket = connect(port, '127.0.0.1');
          socket.end(request);
          socket.resume();
          await once(socket, 'close');
        };
        await send(
          `GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer other.token.here\r\nConnection: close\r\n\r\n`,
        );
        await send(
          `GET /?access_token=${token} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
        );
      } finally {
        server.closeAllConnections();
        server.close();
      }
      expect(seen).toHaveLength(2);
      // pitfall 4: req.headers has only the first value; the proxy may have used the second.
      expect(seen[0]!.first).toBe(`Bearer ${token}`);
      expect(seen[0]!.code).toBe('BAD_REQUEST');
      expect(seen[1]!.code).toBe('BAD_REQUEST');
    });
  });

  describe('challenges and errors (R32-R35; RFC 6750 §3)', () => {
    const codes: ErrorCode[] = [
      'NO_CREDENTIALS',
      'BAD_REQUEST',
      'MALFORMED',
      'SIGNATURE_INVALID',
      'EXPIRED',
      'INSUFFICIENT_SCOPE',
      'JWKS_UNAVAILABLE',
    ];

    it('no credentials: 401 with a bare Bearer challenge and no error attribute (R32)', () => {
      const challenge = toChallenge(new AuthError('NO_CREDENTIALS'), { realm: 'api' });
      expect(challenge.status).toBe(401);
      expect(challenge.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(challenge.body).not.toHaveProperty('error');
    });

    it('maps invalid_request to 400, invalid_token to 401, insufficient_scope to 403 (R33)', () => {
      expect(toChallenge(new AuthError('BAD_REQUEST')).status).toBe(400);
      expect(toChallenge(new AuthError('BAD_REQUEST')).headers['www-authenticate']).toContain(
        'error="invalid_request"',
      );
      expect(toChallenge(new AuthError('SIGNATURE_INVALID')).status).toBe(401);
      expect(toChallenge(new AuthError('SIGNATURE_INVALID')).headers['www-authenticate']).toContain(
        'error="invalid_token"',
      );
      const forbidden = toChallenge(
        new AuthError('INSUFFICIENT_SCOPE', { requiredScopes: ['a/b'] }),
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers['www-authenticate']).toContain('scope="a/b"');
    });

    it('challenge attributes hold only %x20-21 / %x23-5B / %x5D-7E, even from a hostile realm (R34)', () => {
      for (const code of codes) {
        const { headers } = toChallenge(new AuthError(code), { realm: 'x"\r\nSet-Cookie: a=b\\' });
        for (const value of Object.values(headers)) {
          expect(value).not.toMatch(/[\r\n]/);
        }
        const challenge = headers['www-authenticate'];
        if (challenge !== undefined) {
          for (const [, inner] of challenge.matchAll(/="([^"]*)"/g)) {
            expect(inner).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
          }
        }
      }
    });

    it('no rejection of a bad token carries the token or a segment of it, in message, cause or challenge (R34, R35)', async () => {
      const [h, p, s] = segments(token);
      const bad = [
        `${h}.${p}.${s.slice(0, -4)}AAAA`,
        `${h}.${p}x.${s}`,
        `${h}.${p}`,
        await issuer.mintAccessToken({ expiresIn: -60 }),
        await issuer.mintAccessToken({ claims: { iss: 'https://evil.example/' } }),
        await issuer.mintAccessToken({ header: { kid: 'unknown-kid-value' } }),
        await issuer.mintAccessToken({ header: { jku: 'https://evil.example/jwks' } }),
      ];
      for (const candidate of bad) {
        let err: unknown;
        try {
          await verifier.verify(candidate);
        } catch (caught) {
          err = caught;
        }
        expect(err).toBeInstanceOf(AuthError);
        const e = err as AuthError;
        const cause = e.cause instanceof Error ? `${e.cause.message}` : String(e.cause);
        const exposed = [e.message, cause, JSON.stringify(toChallenge(e))].join('\n');
        for (const part of [candidate, ...candidate.split('.')].filter((x) => x.length > 8)) {
          expect(exposed).not.toContain(part);
        }
        expect(exposed).not.toContain('unknown-kid-value');
        expect(exposed).not.toContain('evil.example');
      }
    });
  });
});
