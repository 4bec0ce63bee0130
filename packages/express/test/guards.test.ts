import { allOf, anyOf, createVerifier, requireGroups as groupsPolicy } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cognitoAuth,
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from '../src/index.js';
import { bearer, EXPRESS_VERSIONS, listen, type Running } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_ExpressGd', clock });
});

afterAll(async () => {
  await issuer?.close();
});

const verifier = () =>
  createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
    clock,
  });

describe.each(EXPRESS_VERSIONS)('route guards (%s)', (_name, express) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** An app with one route `GET /` behind `auth` and `guards`; errors report their code. */
  async function start(auth: RequestHandler | undefined, ...guards: RequestHandler[]) {
    const app = express();
    app.set('env', 'production');
    if (auth !== undefined) app.use(auth);
    app.get('/', ...guards, (req, res) => {
      res.json({ sub: req.auth?.sub ?? null });
    });
    const report: ErrorRequestHandler = (err, _req, res, _next) => {
      res.status(err.statusCode ?? 500).json({ code: err.code ?? null });
    };
    app.use(report);
    running = await listen(app);
    return running;
  }

  it('lets a token with every required scope through', async () => {
    const app = await start(
      cognitoAuth({ verifier: verifier() }),
      requireScopes('a/read', 'a/write'),
    );
    const token = await issuer.mintAccessToken({ sub: 's1', scopes: ['a/read', 'a/write'] });
    const answer = await app.get('/', [bearer(token)]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: 's1' });
  });

  it('answers 403 with every scope that would have been enough in the challenge', async () => {
    const app = await start(
      cognitoAuth({ verifier: verifier(), realm: 'shop' }),
      requireScopes({ anyOf: ['orders/read', 'orders/admin'] }),
    );
    const answer = await app.get('/', [bearer(await issuer.mintAccessToken({ scopes: ['x'] }))]);
    expect(answer.status).toBe(403);
    expect(answer.headers['www-authenticate']).toBe(
      'Bearer realm="shop", error="insufficient_scope", error_description="The access token does not grant access to this resource", scope="orders/read orders/admin"',
    );
  });

  it('hands a refusal to next(err) when the middleware has passErrors', async () => {
    const app = await start(
      cognitoAuth({ verifier: verifier(), passErrors: true }),
      requireGroups('admin'),
    );
    const answer = await app.get('/', [
      bearer(await issuer.mintAccessToken({ groups: ['readers'] })),
    ]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'GROUP_NOT_ALLOWED' });
  });

  it('answers 401 from a guard on an optional route without a token', async () => {
    const app = await start(cognitoAuth({ verifier: verifier(), optional: true }), requireUser());
    const answer = await app.get('/');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('fails closed with a 500 when no cognitoAuth ran in front of it', async () => {
    const app = await start(undefined, requireScopes('orders/read'));
    const answer = await app.get('/');
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({ code: null });
  });

  it('trusts what the middleware verified, not a req.auth assigned after it', async () => {
    const escalate: RequestHandler = (req, _res, next) => {
      req.auth = { ...req.auth!, groups: ['admin'] };
      next();
    };
    const app = await start(
      cognitoAuth({ verifier: verifier() }),
      escalate,
      requireGroups('admin'),
    );
    const answer = await app.get('/', [
      bearer(await issuer.mintAccessToken({ groups: ['readers'] })),
    ]);
    expect(answer.status).toBe(403);
  });

  it('checks composed core policies with guard()', async () => {
    const policy = anyOf(groupsPolicy('admin'), allOf(groupsPolicy('support'), groupsPolicy('eu')));
    const app = await start(cognitoAuth({ verifier: verifier(), passErrors: true }), guard(policy));
    const allowed = await issuer.mintAccessToken({ groups: ['support', 'eu'] });
    const denied = await issuer.mintAccessToken({ groups: ['support'] });
    expect((await app.get('/', [bearer(allowed)])).status).toBe(200);
    const answer = await app.get('/', [bearer(denied)]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'GROUP_NOT_ALLOWED' });
  });

  it('checks exact claim values with requireClaims', async () => {
    const app = await start(
      cognitoAuth({ verifier: verifier(), passErrors: true }),
      requireClaims({ username: 'alice' }),
    );
    const alice = await issuer.mintAccessToken({ username: 'alice' });
    const bob = await issuer.mintAccessToken({ username: 'bob' });
    expect((await app.get('/', [bearer(alice)])).status).toBe(200);
    const answer = await app.get('/', [bearer(bob)]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'CLAIM_CHECK' });
  });

  it('counts a throwing claims predicate as a refusal', async () => {
    const app = await start(
      cognitoAuth({ verifier: verifier(), passErrors: true }),
      requireClaims(() => {
        throw new Error('predicate bug');
      }),
    );
    const answer = await app.get('/', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'CLAIM_CHECK' });
  });

  it('refuses every request when a policy is async (fail closed)', async () => {
    // TypeScript accepts an async function where a void-returning policy is expected.
    const app = await start(
      cognitoAuth({ verifier: verifier(), passErrors: true }),
      guard(async () => {}),
    );
    const answer = await app.get('/', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toEqual({ code: 'CLAIM_CHECK' });
  });

  it('tells user tokens from client-credentials tokens', async () => {
    const machine = await issuer.mintClientCredentialsToken();
    const user = await issuer.mintAccessToken();
    const users = await start(cognitoAuth({ verifier: verifier() }), requireUser());
    expect((await users.get('/', [bearer(machine)])).status).toBe(403);
    expect((await users.get('/', [bearer(user)])).status).toBe(200);
    await users.close();
    const clients = await start(
      cognitoAuth({ verifier: verifier() }),
      requireClient(issuer.clientId),
    );
    expect((await clients.get('/', [bearer(machine)])).status).toBe(200);
    expect((await clients.get('/', [bearer(user)])).status).toBe(403);
  });
});

describe('route guard configuration', () => {
  it('throws a TypeError at creation for an empty or malformed rule', () => {
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireScopes('has space')).toThrow(TypeError);
    expect(() => requireGroups({})).toThrow(TypeError);
    expect(() => requireClaims({})).toThrow(TypeError);
    expect(() => guard('admin' as never)).toThrow(TypeError);
  });
});
