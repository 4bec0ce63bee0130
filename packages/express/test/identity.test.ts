import { createIdentityPoolVerifier, requireAuthenticated } from '@cognito-guard/core';
import { createTestIdentityPool, type TestIdentityPool } from '@cognito-guard/testing';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityPoolAuth, requireIdentity } from '../src/index.js';
import { bearer, EXPRESS_VERSIONS, listen, type Running } from './helpers.js';

let pool: TestIdentityPool;

beforeAll(async () => {
  pool = await createTestIdentityPool();
});

afterAll(async () => {
  await pool?.close();
});

const verifier = (allowGuests: boolean) =>
  createIdentityPoolVerifier({
    identityPoolId: pool.identityPoolId,
    allowGuests,
    jwksUri: pool.jwksUri,
  });

describe.each(EXPRESS_VERSIONS)('identityPoolAuth (%s)', (_name, express) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(auth: RequestHandler, ...guards: RequestHandler[]) {
    const app = express();
    app.set('env', 'production');
    app.use(auth);
    app.get('/feed', ...guards, (req, res) => {
      res.json({ guest: req.identity?.guest ?? null, sub: req.identity?.userPool?.sub ?? null });
    });
    const report: ErrorRequestHandler = (err, _req, res, _next) => {
      res.status(err.statusCode ?? 500).json({ code: err.code ?? null });
    };
    app.use(report);
    running = await listen(app);
    return running;
  }

  it('accepts an identity-pool OpenID token as a bearer token and marks a guest', async () => {
    const app = await start(identityPoolAuth({ identityPool: verifier(true) }));
    const answer = await app.get('/feed', [bearer(await pool.mintOpenIdToken())]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ guest: true, sub: null });
  });

  it('lets a signed-in user through requireIdentity(requireAuthenticated())', async () => {
    const app = await start(
      identityPoolAuth({ identityPool: verifier(true) }),
      requireIdentity(requireAuthenticated()),
    );
    const token = await pool.mintOpenIdToken({
      login: { kind: 'user-pool', userPoolId: 'us-east-1_Example', sub: 'member' },
    });
    const answer = await app.get('/feed', [bearer(token)]);
    expect(JSON.parse(answer.text)).toEqual({ guest: false, sub: 'member' });
  });

  it('refuses a guest on a signed-in route with 403 (CLAIM_CHECK)', async () => {
    const app = await start(
      identityPoolAuth({ identityPool: verifier(true), passErrors: true }),
      requireIdentity(requireAuthenticated()),
    );
    const answer = await app.get('/feed', [bearer(await pool.mintOpenIdToken())]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'CLAIM_CHECK' });
  });

  it('refuses a guest token with 401 (TOKEN_USE) where guests are not allowed', async () => {
    const app = await start(
      identityPoolAuth({
        identityPool: {
          identityPoolId: pool.identityPoolId,
          allowGuests: false,
          jwksUri: pool.jwksUri,
        },
        passErrors: true,
      }),
    );
    const answer = await app.get('/feed', [bearer(await pool.mintOpenIdToken())]);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ code: 'TOKEN_USE' });
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const app = await start(identityPoolAuth({ identityPool: verifier(true), realm: 'feed' }));
    const answer = await app.get('/feed');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="feed"');
  });

  it('refuses user-pool verifier options at creation', () => {
    expect(() =>
      identityPoolAuth({
        identityPool: verifier(true),
        userPoolId: 'us-east-1_Example',
      } as unknown as Parameters<typeof identityPoolAuth>[0]),
    ).toThrow(TypeError);
  });
});
