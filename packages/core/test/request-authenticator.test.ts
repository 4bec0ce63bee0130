import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAuthenticator } from '../src/http.js';
import { AuthError, isAuthError } from '../src/index.js';
import { createVerifier, type Verifier, type VerifierEvent } from '../src/verifier.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ https: true });
});

afterAll(async () => {
  await issuer?.close();
});

function verifierWithEvents() {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    jwks: { ca: issuer.ca },
    onEvent: (e) => events.push(e),
  });
  return { verifier, events };
}

const headers = (authorization: string) => ['Host', 'api.example', 'Authorization', authorization];

/** The AuthError code `run` throws or rejects with. */
async function refusalCode(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (err) {
    if (isAuthError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('requestAuthenticator', () => {
  it('answers without a promise once no I/O is needed, with a promise while the JWKS is fetched', async () => {
    const { verifier } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: false });
    const token = await issuer.mintAccessToken({ username: 'alice' });
    const first = authenticate(headers(`Bearer ${token}`), '/orders', false);
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.username).toBe('alice');
    // The key is held now: a miss on another token, then hits, all synchronous.
    const other = await issuer.mintAccessToken({ username: 'bob' });
    for (let i = 0; i < 3; i++) {
      const outcome = authenticate(headers(`Bearer ${other}`), '/orders', false);
      expect(outcome).not.toBeInstanceOf(Promise);
      expect((outcome as { username?: string }).username).toBe('bob');
    }
  });

  it('gives undefined on an optional route without a token, and NO_CREDENTIALS otherwise', async () => {
    const { verifier } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: false });
    expect(authenticate(['Host', 'api.example'], '/', true)).toBeUndefined();
    expect(await refusalCode(() => authenticate(['Host', 'api.example'], '/', false))).toBe(
      'NO_CREDENTIALS',
    );
  });

  it.each([
    ['a space inside the token', 'Bearer abc def.ghi.jkl'],
    ['a non-ASCII letter', 'Bearer abc.d\u00e9f.ghi'],
    ['a comma', 'Bearer abc,def.ghi.jkl'],
    ['padding before the end', 'Bearer ab=c.def.ghi'],
  ])('refuses %s with BAD_REQUEST, and reports BAD_REQUEST to onEvent', async (_name, value) => {
    const { verifier, events } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: false });
    expect(await refusalCode(() => authenticate(headers(value), '/', false))).toBe('BAD_REQUEST');
    expect(events).toEqual([{ type: 'rejected', code: 'BAD_REQUEST' }]);
  });

  it('refuses a query token outside the grammar with BAD_REQUEST when query tokens are allowed', async () => {
    const { verifier } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: true });
    expect(
      await refusalCode(() => authenticate(['Host', 'a'], '/?access_token=a%20b.c.d', false)),
    ).toBe('BAD_REQUEST');
  });

  it('keeps the verifier refusal for a token within the grammar', async () => {
    const { verifier, events } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: false });
    expect(await refusalCode(() => authenticate(headers('Bearer abc.def.ghi'), '/', false))).toBe(
      'MALFORMED',
    );
    expect(events).toEqual([{ type: 'rejected', code: 'MALFORMED' }]);
  });

  it('tests the grammar before a verifier it did not create sees the token', async () => {
    const seen: string[] = [];
    const double = {
      userPools: [],
      hydrate: async () => {},
      verify: async (token: string) => {
        seen.push(token);
        return { sub: 'double' };
      },
    } as unknown as Verifier;
    const authenticate = requestAuthenticator(double, { allowQueryToken: false });
    expect(await refusalCode(() => authenticate(headers('Bearer a b'), '/', false))).toBe(
      'BAD_REQUEST',
    );
    expect(seen).toEqual([]);
    const outcome = authenticate(headers('Bearer abc.def.ghi'), '/', false);
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toEqual({ sub: 'double' });
    expect(seen).toEqual(['abc.def.ghi']);
  });

  it('adopts a thenable from a verifier it did not create, and refuses what it rejects with', async () => {
    const double = {
      verify: () => ({
        // biome-ignore lint/suspicious/noThenProperty: a promise of another library is the point
        then(_ok: unknown, fail: (err: unknown) => void) {
          setTimeout(() => fail(new AuthError('SIGNATURE_INVALID')), 0);
        },
      }),
    } as unknown as Verifier;
    const authenticate = requestAuthenticator(double, { allowQueryToken: false });
    const outcome = authenticate(headers('Bearer abc.def.ghi'), '/', false);
    expect(outcome).toBeInstanceOf(Promise);
    expect(await refusalCode(() => outcome)).toBe('SIGNATURE_INVALID');
  });

  it('refuses a verify that returns no promise, or resolves without a result, with a TypeError', async () => {
    const none = { verify: () => undefined } as unknown as Verifier;
    expect(() =>
      requestAuthenticator(none, { allowQueryToken: false })(headers('Bearer a.b.c'), '/', false),
    ).toThrow(TypeError);
    const empty = { verify: async () => undefined } as unknown as Verifier;
    const outcome = requestAuthenticator(empty, { allowQueryToken: false })(
      headers('Bearer a.b.c'),
      '/',
      false,
    );
    await expect(outcome).rejects.toThrow(TypeError);
  });

  it("calls a verify the application put in place of the verifier's own", async () => {
    const { verifier } = verifierWithEvents();
    const authenticate = requestAuthenticator(verifier, { allowQueryToken: false });
    const token = await issuer.mintAccessToken({ username: 'wrapped' });
    const original = verifier.verify.bind(verifier);
    let calls = 0;
    (verifier as { verify: Verifier['verify'] }).verify = async (t) => {
      calls += 1;
      await original(t);
      throw new AuthError('REVOKED');
    };
    expect(await refusalCode(() => authenticate(headers(`Bearer ${token}`), '/', false))).toBe(
      'REVOKED',
    );
    expect(calls).toBe(1);
  });
});
