import { createVerifier, requireGroups as groupsPolicy } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AuthResult,
  type CognitoAuthEnv,
  CognitoAuthException,
  cognitoAuth,
  guard,
  requireGroups,
  requireScopes,
} from '../src/index.js';
import { bearer, listen, type Running } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;
let running: Running | undefined;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_HonoGuard', clock });
});

afterAll(async () => {
  await issuer?.close();
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

function options() {
  return {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access' as const,
    jwksUri: issuer.jwksUri,
    clock,
  };
}

describe('cognitoAuth (hono)', () => {
  it('types c.get("auth") as the verified result', () => {
    const app = new Hono<CognitoAuthEnv>();
    app.get('/me', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AuthResult | undefined>();
      return c.json({});
    });
  });

  it('verifies the token and hands the result to the handler', async () => {
    const app = new Hono<CognitoAuthEnv>();
    app.use('/api/*', cognitoAuth(options()));
    app.get('/api/me', (c) => c.json({ sub: c.get('auth')?.sub ?? null }));
    app.get('/health', (c) => c.json({ ok: true }));
    running = await listen(app);
    const token = await issuer.mintAccessToken({ sub: 'hono-user' });
    const ok = await running.get('/api/me', [bearer(token)]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ sub: 'hono-user' });
    expect((await running.get('/health')).status).toBe(200);
    const none = await running.get('/api/me');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(none.headers['cache-control']).toBe('no-store');
  });

  it('rejects a c.set("auth") forged by a later middleware at the guard', async () => {
    const app = new Hono<CognitoAuthEnv>();
    app.use('*', cognitoAuth(options()));
    app.use('*', async (c, next) => {
      c.set('auth', { groups: ['admin'] } as unknown as AuthResult);
      await next();
    });
    app.get('/admin', requireGroups('admin'), (c) => c.json({ ok: true }));
    running = await listen(app);
    const token = await issuer.mintAccessToken({ groups: ['users'] });
    const answer = await running.get('/admin', [bearer(token)]);
    expect(answer.status).toBe(403);
    expect(answer.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('fails closed when a guard runs without the middleware', async () => {
    const app = new Hono();
    app.get('/orders', requireScopes('orders/read'), (c) => c.json({ ok: true }));
    app.onError((_err, c) => c.json({ failed: true }, 500));
    running = await listen(app);
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    const answer = await running.get('/orders', [bearer(token)]);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({ failed: true });
  });

  it('answers the full RFC 6750 refusal through Hono default error handling under passErrors', async () => {
    const app = new Hono<CognitoAuthEnv>();
    app.use('*', cognitoAuth({ ...options(), passErrors: true, realm: 'orders' }));
    app.get('/orders', guard(groupsPolicy('ops')), (c) => c.json({ ok: true }));
    running = await listen(app);
    const missing = await running.get('/orders');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="orders"');
    const token = await issuer.mintAccessToken({ groups: ['users'] });
    const refused = await running.get('/orders', [bearer(token)]);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'insufficient_scope' });
  });

  it('gives app.onError the precise code under passErrors', async () => {
    const app = new Hono<CognitoAuthEnv>();
    const seen: string[] = [];
    app.use('*', cognitoAuth({ ...options(), passErrors: true }));
    app.get('/x', (c) => c.json({ ok: true }));
    app.onError((err, c) => {
      if (err instanceof CognitoAuthException) {
        seen.push(err.code);
        return err.getResponse();
      }
      return c.json({}, 500);
    });
    running = await listen(app);
    const expired = await issuer.mintAccessToken({ expiresIn: -60 });
    const answer = await running.get('/x', [bearer(expired)]);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain(expired);
    expect(seen).toEqual(['EXPIRED']);
  });

  it('answers 503 with Retry-After when the keys cannot be fetched', async () => {
    const app = new Hono<CognitoAuthEnv>();
    const verifier = createVerifier({
      ...options(),
      jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json',
    });
    app.use('*', cognitoAuth({ verifier }));
    app.get('/x', (c) => c.json({ ok: true }));
    running = await listen(app);
    const answer = await running.get('/x', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses an unknown option when the middleware is created', () => {
    expect(() => cognitoAuth({ ...options(), optinal: true } as never)).toThrow(/optinal/);
  });
});
