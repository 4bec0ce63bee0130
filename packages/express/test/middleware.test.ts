import {
  AuthError,
  type AuthResult,
  createVerifier,
  type Verifier,
  type VerifierEvent,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type { ErrorRequestHandler } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cognitoAuth, type HttpAuthError, isAuthError } from '../src/index.js';
import { bearer, EXPRESS_VERSIONS, listen, type Running } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_ExpressMw', clock });
});

afterAll(async () => {
  await issuer?.close();
});

function verifierOptions(onEvent?: (event: VerifierEvent) => void) {
  return {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access' as const,
    jwksUri: issuer.jwksUri,
    clock,
    ...(onEvent === undefined ? {} : { onEvent }),
  };
}

/** A verifier that always rejects with the same error object, as a cache of rejections might. */
function rejectingVerifier(error: unknown): Verifier {
  return {
    verify: () => Promise.reject(error),
    hydrate: () => Promise.resolve(),
    userPools: [],
  };
}

describe.each(EXPRESS_VERSIONS)('cognitoAuth (%s)', (_name, express) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
    vi.restoreAllMocks();
  });

  it('never lets a request through on a refusal that is not an Error (undefined, null, "route")', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const value of [undefined, null, 'route']) {
      const app = express();
      app.use(cognitoAuth({ verifier: rejectingVerifier(value) }));
      app.get('/', (_req, res) => res.send('reached'));
      app.get('/', (_req, res) => res.send('next route'));
      running = await listen(app);
      const answer = await running.get('/', [bearer('a.b.c')]);
      expect(answer.status).toBe(500);
      expect(answer.text).not.toMatch(/reached|next route/);
      await running.close();
      running = undefined;
    }
  });

  // What the README's warning about stacks says, on Express's own default error handler.
  it('never shows a stack on the default path, even outside production', async () => {
    const app = express();
    app.set('env', 'development');
    app.use(cognitoAuth({ verifier: rejectingVerifier(new AuthError('EXPIRED')) }));
    app.get('/', (_req, res) => res.send('reached'));
    running = await listen(app);
    const answer = await running.get('/', [bearer('a.b.c')]);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toHaveProperty('error', 'invalid_token');
    expect(answer.text).not.toMatch(/\bat |AuthError|EXPIRED/);
  });

  it('shows the stack of an AuthError the application built under passErrors with no handler of the app, outside production', async () => {
    // Express's default handler also logs the stack outside the 'test' env; keep it quiet.
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = express();
    app.set('env', 'development');
    app.use(
      cognitoAuth({ verifier: rejectingVerifier(new AuthError('EXPIRED')), passErrors: true }),
    );
    app.get('/', (_req, res) => res.send('reached'));
    running = await listen(app);
    const answer = await running.get('/', [bearer('a.b.c')]);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('invalid_token');
    expect(answer.text).toContain('AuthError');
    expect(answer.text).toMatch(/\bat /);
  });

  it('shows only the message line of a refusal of core under passErrors with no handler of the app', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = express();
    app.set('env', 'development');
    app.use(cognitoAuth({ verifier: createVerifier(verifierOptions()), passErrors: true }));
    app.get('/', (_req, res) => res.send('reached'));
    running = await listen(app);
    const token = await issuer.mintAccessToken({ expiresIn: -3600 });
    const answer = await running.get('/', [bearer(token)]);
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('AuthError: The token has expired');
    expect(answer.text).not.toMatch(/\bat /);
  });

  it('puts the verified result on req.auth', async () => {
    const app = express();
    app.use(cognitoAuth({ verifier: createVerifier(verifierOptions()) }));
    app.get('/me', (req, res) => {
      const auth = req.auth!;
      res.json({
        sub: auth.sub,
        username: auth.username,
        scopes: auth.scopes,
        groups: auth.groups,
      });
    });
    running = await listen(app);
    const token = await issuer.mintAccessToken({
      username: 'alice',
      sub: 'alice-sub',
      scopes: ['orders/read'],
      groups: ['readers'],
    });
    const answer = await running.get('/me', [bearer(token)]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      sub: 'alice-sub',
      username: 'alice',
      scopes: ['orders/read'],
      groups: ['readers'],
    });
  });

  it('creates its own verifier from the options createVerifier takes', async () => {
    const app = express();
    app.get('/me', cognitoAuth(verifierOptions()), (req, res) => {
      res.json({ sub: req.auth?.sub });
    });
    running = await listen(app);
    const token = await issuer.mintAccessToken({ sub: 'bob-sub' });
    const answer = await running.get('/me', [bearer(token)]);
    expect(JSON.parse(answer.text)).toEqual({ sub: 'bob-sub' });
  });

  it('names the configured realm in the challenge', async () => {
    const app = express();
    app.use(cognitoAuth({ ...verifierOptions(), realm: 'orders api' }));
    app.get('/', (_req, res) => {
      res.end();
    });
    running = await listen(app);
    const answer = await running.get('/');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="orders api"');
    expect(JSON.parse(answer.text)).toEqual({ error_description: 'A bearer token is required' });
  });

  it('reports the precise code of a rejected token through onEvent, not to the client', async () => {
    const events: VerifierEvent[] = [];
    const app = express();
    app.use(cognitoAuth(verifierOptions((event) => events.push(event))));
    app.get('/', (_req, res) => {
      res.end();
    });
    running = await listen(app);
    const token = await issuer.mintAccessToken({ clientId: 'anotherclient000000000001' });
    const answer = await running.get('/', [bearer(token)]);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(answer.text).not.toContain('CLIENT_ID');
    expect(events).toContainEqual(expect.objectContaining({ type: 'rejected', code: 'CLIENT_ID' }));
  });

  it('accepts a query token when allowQueryToken is on', async () => {
    const app = express();
    app.use(cognitoAuth({ ...verifierOptions(), allowQueryToken: true }));
    app.get('/', (req, res) => {
      res.json({ sub: req.auth?.sub });
    });
    running = await listen(app);
    const token = await issuer.mintAccessToken({ sub: 'query-sub' });
    const answer = await running.get(`/?access_token=${token}`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: 'query-sub' });
  });

  it.each([
    ['a header and a query token', true, (t: string) => `/?access_token=${t}`, true],
    [
      'two access_token parameters',
      true,
      (t: string) => `/?access_token=${t}&access_token=${t}`,
      false,
    ],
    [
      'a query token next to the header while query tokens are off',
      false,
      (t: string) => `/?access_token=${t}`,
      true,
    ],
    [
      'an access_token name spelled with percent-encoding',
      false,
      (t: string) => `/?access%5Ftoken=${t}`,
      true,
    ],
  ])('answers 400 invalid_request to %s', async (_what, allowQueryToken, path, withHeader) => {
    const app = express();
    app.use(cognitoAuth({ ...verifierOptions(), allowQueryToken, passErrors: true }));
    let code: unknown;
    const report: ErrorRequestHandler = (err, _req, res, _next) => {
      code = err.code;
      res.status(err.statusCode).set(err.headers).end();
    };
    app.use(report);
    running = await listen(app);
    const token = await issuer.mintAccessToken();
    const answer = await running.get(path(token), withHeader ? [bearer(token)] : []);
    expect(answer.status).toBe(400);
    expect(code).toBe('BAD_REQUEST');
    expect(answer.headers['www-authenticate']).toContain('error="invalid_request"');
  });

  it('reads the query of a request routed through a mounted router', async () => {
    const app = express();
    const router = express.Router();
    router.use(cognitoAuth(verifierOptions()));
    router.get('/orders', (_req, res) => {
      res.end();
    });
    app.use('/api', router);
    running = await listen(app);
    const token = await issuer.mintAccessToken();
    const answer = await running.get(`/api/orders?access_token=${token}`, [bearer(token)]);
    expect(answer.status).toBe(400);
  });

  it('sets req.auth to undefined on an optional route without a token', async () => {
    const app = express();
    app.use((req, _res, next) => {
      // Something in front that claims to know the user: the middleware must not keep it.
      req.auth = { sub: 'spoofed' } as AuthResult;
      next();
    });
    app.use(cognitoAuth({ ...verifierOptions(), optional: true }));
    app.get('/', (req, res) => {
      res.json({ hasAuth: req.auth !== undefined });
    });
    running = await listen(app);
    const answer = await running.get('/');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ hasAuth: false });
  });

  it('still rejects a malformed header on an optional route', async () => {
    const app = express();
    app.use(cognitoAuth({ ...verifierOptions(), optional: true }));
    app.get('/', (_req, res) => {
      res.end();
    });
    running = await listen(app);
    const answer = await running.get('/', [['Authorization', 'Bearer']]);
    expect(answer.status).toBe(400);
  });

  describe('passErrors', () => {
    it('hands next(err) an AuthError carrying status, statusCode, headers and body', async () => {
      const app = express();
      app.use(cognitoAuth({ ...verifierOptions(), passErrors: true, realm: 'orders' }));
      app.get('/', (_req, res) => {
        res.end();
      });
      let seen: HttpAuthError | undefined;
      const report: ErrorRequestHandler = (err, _req, res, _next) => {
        seen = err;
        res.status(599).end();
      };
      app.use(report);
      running = await listen(app);
      const issuedAt = Math.floor(now / 1000) - 7200;
      await running.get('/', [bearer(await issuer.mintAccessToken({ issuedAt, expiresIn: 3600 }))]);
      expect(seen).toBeInstanceOf(AuthError);
      expect(isAuthError(seen)).toBe(true);
      expect(seen!.code).toBe('EXPIRED');
      expect(seen!.status).toBe(401);
      expect(seen!.statusCode).toBe(401);
      expect(seen!.headers).toEqual({
        'cache-control': 'no-store',
        'www-authenticate':
          'Bearer realm="orders", error="invalid_token", error_description="The access token is invalid"',
      });
      expect(seen!.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is invalid',
      });
    });

    it("lets Express's default error handler answer with the error's status and headers", async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      const app = express();
      app.set('env', 'production');
      app.use(cognitoAuth({ ...verifierOptions(), passErrors: true }));
      app.get('/', (_req, res) => {
        res.end();
      });
      running = await listen(app);
      const token = await issuer.mintIdToken();
      const answer = await running.get('/', [bearer(token)]);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(answer.text).not.toContain(token.split('.')[2]!);
      // Express logs the error it handles: the log line must not carry the token either.
      expect(logged).toHaveBeenCalled();
      expect(JSON.stringify(logged.mock.calls)).not.toContain(token.split('.')[2]!);
    });

    it('hands over a new error, never the object core rejected with', async () => {
      const shared = new AuthError('REVOKED');
      const app = express();
      app.use(cognitoAuth({ verifier: rejectingVerifier(shared), passErrors: true }));
      const seen: unknown[] = [];
      const report: ErrorRequestHandler = (err, _req, res, _next) => {
        seen.push(err);
        res.status(err.statusCode).end();
      };
      app.use(report);
      running = await listen(app);
      const token = await issuer.mintAccessToken();
      expect((await running.get('/', [bearer(token)])).status).toBe(401);
      expect((await running.get('/', [bearer(token)])).status).toBe(401);
      expect(seen[0]).not.toBe(shared);
      expect(seen[1]).not.toBe(seen[0]);
      expect(seen[0]).toMatchObject({ code: 'REVOKED', statusCode: 401 });
      expect(Object.hasOwn(shared, 'statusCode')).toBe(false);
      expect(Object.hasOwn(shared, 'headers')).toBe(false);
    });
  });

  it('fails closed with a 500 when the verifier rejects with something else', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = express();
    app.set('env', 'production');
    app.use(cognitoAuth({ verifier: rejectingVerifier(new Error('boom')) }));
    app.get('/', (_req, res) => {
      res.end('reached');
    });
    running = await listen(app);
    const answer = await running.get('/', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('reached');
  });

  it('answers 503 with Retry-After and no challenge while the JWKS cannot be fetched', async () => {
    const app = express();
    app.use(cognitoAuth(verifierOptions()));
    app.get('/', (_req, res) => {
      res.end();
    });
    running = await listen(app);
    const token = await issuer.mintAccessToken();
    issuer.misbehave({ kind: 'status', status: 500 });
    try {
      const answer = await running.get('/', [bearer(token)]);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toMatch(/^\d+$/);
      expect(answer.headers['www-authenticate']).toBeUndefined();
      expect(JSON.parse(answer.text)).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'Authentication is temporarily unavailable',
      });
    } finally {
      issuer.misbehave(null);
    }
  });
});

describe('cognitoAuth configuration', () => {
  const verifier = rejectingVerifier(new AuthError('REVOKED'));

  it.each([
    ['optional', { verifier, optional: 'yes' }],
    ['allowQueryToken', { verifier, allowQueryToken: 1 }],
    ['passErrors', { verifier, passErrors: 'true' }],
    ['realm', { verifier, realm: 'a "quoted" realm' }],
    ['realm', { verifier, realm: '' }],
    ['verifier', { verifier: { verify: 'no' } }],
    ['not both', { verifier, userPoolId: 'us-east-1_Example' }],
    ['tokenUse', { userPoolId: 'us-east-1_Example', clientId: 'c' }],
    ['clientId', { userPoolId: 'us-east-1_Example', tokenUse: 'access' }],
  ])('throws a TypeError at creation for a bad %s', (_name, options) => {
    expect(() => cognitoAuth(options as never)).toThrow(TypeError);
  });

  it('throws a TypeError when given no options', () => {
    expect(() => cognitoAuth(undefined as never)).toThrow(TypeError);
  });

  it.each([
    ['optinal', { verifier, optinal: true }],
    ['passError', { verifier, passError: true }],
    ['iss', { userPoolId: 'us-east-1_Example', clientId: 'c', tokenUse: 'access', iss: 'x' }],
    ['clientID', { userPoolId: 'us-east-1_Example', clientID: 'c', tokenUse: 'access' }],
  ])('throws a TypeError naming the unknown option "%s"', (key, options) => {
    expect(() => cognitoAuth(options as never)).toThrow(
      new RegExp(`unknown cognitoAuth option "${key}"`),
    );
  });

  it('throws a TypeError for a verifier option next to a verifier', () => {
    expect(() => cognitoAuth({ verifier, tokenUse: 'id' } as never)).toThrow(
      /cognitoAuth option "tokenUse" is an option of createVerifier/,
    );
  });
});
