import {
  AuthError,
  createVerifier,
  requireGroups as groupsPolicy,
  type Verifier,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp } from '../../../test/conformance/http-client.js';
import cognitoGuardDefault, {
  cognitoGuard,
  type HttpAuthError,
  isAuthError,
} from '../src/index.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_FastifyPl', clock });
});

afterAll(async () => {
  await issuer?.close();
});

const verifierOptions = () => ({
  userPoolId: issuer.userPoolId,
  clientId: issuer.clientId,
  tokenUse: 'access' as const,
  jwksUri: issuer.jwksUri,
  clock,
});

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

/** A verifier that always rejects with the same error object, as a cache of rejections might. */
function rejectingVerifier(error: unknown): Verifier {
  return {
    verify: () => Promise.reject(error),
    hydrate: () => Promise.resolve(),
    userPools: [],
  };
}

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Starts `instance` on 127.0.0.1 and returns a raw GET/POST sender. */
async function listen(instance: FastifyInstance) {
  app = instance;
  await instance.listen({ port: 0, host: '127.0.0.1' });
  const address = instance.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return (path: string, headers: readonly (readonly [string, string])[] = []) =>
    sendHttp(port, { method: 'GET', path, headers });
}

describe('cognitoGuard', () => {
  it('is a fastify-plugin for Fastify 5 named @cognito-guard/fastify', () => {
    const meta = (cognitoGuard as unknown as Record<symbol, { fastify?: string; name?: string }>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta).toMatchObject({ fastify: '5.x', name: '@cognito-guard/fastify' });
    expect(cognitoGuardDefault).toBe(cognitoGuard);
  });

  it('puts the verified result on request.auth', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, { verifier: createVerifier(verifierOptions()) });
    instance.get('/me', async (request) => ({
      sub: request.auth?.sub,
      scopes: request.auth?.scopes,
      groups: request.auth?.groups,
    }));
    const get = await listen(instance);
    const token = await issuer.mintAccessToken({
      sub: 'alice-sub',
      scopes: ['orders/read'],
      groups: ['readers'],
    });
    const answer = await get('/me', [bearer(token)]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      sub: 'alice-sub',
      scopes: ['orders/read'],
      groups: ['readers'],
    });
  });

  it('creates its own verifier from the options createVerifier takes', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, { ...verifierOptions(), realm: 'orders' });
    instance.get('/me', async (request) => ({ sub: request.auth?.sub }));
    const get = await listen(instance);
    expect(
      JSON.parse((await get('/me', [bearer(await issuer.mintAccessToken({ sub: 'b' }))])).text),
    ).toEqual({
      sub: 'b',
    });
    const anonymous = await get('/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="orders"');
    expect(anonymous.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(anonymous.text)).toEqual({ error_description: 'A bearer token is required' });
  });

  it('leaves routes with config.auth false or { skip: true } public', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, verifierOptions());
    instance.get('/health', { config: { auth: false } }, async (request) => ({
      auth: request.auth ?? null,
    }));
    instance.get('/status', { config: { auth: { skip: true } } }, async () => 'ok');
    instance.get('/private', async () => 'secret');
    const get = await listen(instance);
    const token = await issuer.mintAccessToken();
    expect((await get('/health')).status).toBe(200);
    // A skipped route does not even look at a token that is sent.
    expect(JSON.parse((await get('/health', [bearer(token)])).text)).toEqual({ auth: null });
    expect((await get('/status')).status).toBe(200);
    expect((await get('/private')).status).toBe(401);
  });

  it('makes every route optional with optional: true, unless a route says otherwise', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, { ...verifierOptions(), optional: true });
    instance.get('/feed', async (request) => ({ sub: request.auth?.sub ?? null }));
    instance.get('/account', { config: { auth: { optional: false } } }, async () => 'mine');
    const get = await listen(instance);
    expect(JSON.parse((await get('/feed')).text)).toEqual({ sub: null });
    expect((await get('/account')).status).toBe(401);
    const issuedAt = Math.floor(now / 1000) - 7200;
    const expired = await issuer.mintAccessToken({ issuedAt, expiresIn: 3600 });
    expect((await get('/feed', [bearer(expired)])).status).toBe(401);
  });

  it('checks a route policy in onRequest, before the body is parsed', async () => {
    const instance = Fastify();
    let parsed = 0;
    instance.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      parsed += 1;
      done(null, JSON.parse(body as string));
    });
    await instance.register(cognitoGuard, verifierOptions());
    instance.post(
      '/orders',
      { config: { auth: { policy: [groupsPolicy('writers')] } } },
      async () => 'created',
    );
    await listen(instance);
    const address = instance.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const token = await issuer.mintAccessToken({ groups: ['readers'] });
    const answer = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"item":"book"}',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(parsed).toBe(0);
  });

  it('accepts a query token when allowQueryToken is on, and still refuses header + query', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, { ...verifierOptions(), allowQueryToken: true });
    instance.get('/', async (request) => ({ sub: request.auth?.sub }));
    const get = await listen(instance);
    const token = await issuer.mintAccessToken({ sub: 'q' });
    expect(JSON.parse((await get(`/?access_token=${token}`)).text)).toEqual({ sub: 'q' });
    expect((await get(`/?access_token=${token}`, [bearer(token)])).status).toBe(400);
  });

  it('authenticates only the context it is registered in', async () => {
    const instance = Fastify();
    await instance.register(async (api) => {
      await api.register(cognitoGuard, verifierOptions());
      api.get('/api/orders', async () => 'orders');
    });
    await instance.register(async (site) => {
      site.get('/home', async (request) => ({ auth: request.auth ?? null }));
    });
    const get = await listen(instance);
    expect((await get('/api/orders')).status).toBe(401);
    expect((await get('/home')).status).toBe(200);
  });

  it('can be registered in two sibling contexts', async () => {
    const instance = Fastify();
    for (const prefix of ['/a', '/b']) {
      await instance.register(
        async (child) => {
          await child.register(cognitoGuard, { ...verifierOptions(), realm: prefix.slice(1) });
          child.get('/x', async () => 'x');
        },
        { prefix },
      );
    }
    const get = await listen(instance);
    expect((await get('/a/x')).headers['www-authenticate']).toBe('Bearer realm="a"');
    expect((await get('/b/x')).headers['www-authenticate']).toBe('Bearer realm="b"');
  });

  it('answers 401 to an unknown route without a token, like any route of its context', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, verifierOptions());
    const get = await listen(instance);
    expect((await get('/nowhere')).status).toBe(401);
    expect((await get('/nowhere', [bearer(await issuer.mintAccessToken())])).status).toBe(404);
  });

  describe('route configuration', () => {
    it.each([
      ['an unknown setting', { optinal: true }],
      ['skip with other settings', { skip: true, optional: true }],
      ['optional with a policy', { optional: true, policy: groupsPolicy('a') }],
      ['a policy that is not a function', { policy: 'admin' }],
      ['a non-boolean optional', { optional: 'yes' }],
      ['an empty policy list', { policy: [] }],
      ['true', true],
    ])('rejects %s when the route is declared', async (_what, auth) => {
      const instance = Fastify();
      app = instance;
      await instance.register(cognitoGuard, verifierOptions());
      expect(() => instance.get('/', { config: { auth: auth as never } }, async () => 'x')).toThrow(
        /config\.auth of GET \//,
      );
    });

    it('fails closed with a 500 for a bad setting on a route declared before the plugin loaded', async () => {
      const instance = Fastify();
      instance.register(cognitoGuard, verifierOptions());
      instance.get('/', { config: { auth: { optinal: true } as never } }, async () => 'open');
      const get = await listen(instance);
      const answer = await get('/');
      expect(answer.status).toBe(500);
      expect(answer.text).not.toContain('open');
    });
  });

  describe('passErrors', () => {
    it('throws an AuthError with statusCode and headers to the error handler', async () => {
      const instance = Fastify();
      await instance.register(cognitoGuard, { ...verifierOptions(), passErrors: true });
      let seen: HttpAuthError | undefined;
      instance.setErrorHandler((err, _request, reply) => {
        seen = err as HttpAuthError;
        return reply.code(599).send();
      });
      instance.get('/', async () => 'x');
      const get = await listen(instance);
      await get('/', [bearer(await issuer.mintIdToken())]);
      expect(isAuthError(seen)).toBe(true);
      expect(seen!.code).toBe('TOKEN_USE');
      expect(seen!.statusCode).toBe(401);
      expect(seen!.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(seen!.headers['content-type']).toBeUndefined();
      expect(seen!.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is invalid',
      });
    });

    it("lets Fastify's default error handler answer with the error's status and headers", async () => {
      const instance = Fastify();
      await instance.register(cognitoGuard, { ...verifierOptions(), passErrors: true });
      instance.get('/', async () => 'x');
      const get = await listen(instance);
      const issuedAt = Math.floor(now / 1000) - 7200;
      const token = await issuer.mintAccessToken({ issuedAt, expiresIn: 3600 });
      const answer = await get('/', [bearer(token)]);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(answer.text).not.toContain(token.split('.')[2]!);
    });

    it('throws a new error, never the object core rejected with', async () => {
      const shared = new AuthError('REVOKED');
      const instance = Fastify();
      await instance.register(cognitoGuard, {
        verifier: rejectingVerifier(shared),
        passErrors: true,
      });
      const seen: unknown[] = [];
      instance.setErrorHandler((err, _request, reply) => {
        seen.push(err);
        return reply.code(401).send();
      });
      instance.get('/', async () => 'x');
      const get = await listen(instance);
      const token = await issuer.mintAccessToken();
      await get('/', [bearer(token)]);
      await get('/', [bearer(token)]);
      expect(seen[0]).not.toBe(shared);
      expect(seen[1]).not.toBe(seen[0]);
      expect(seen[0]).toMatchObject({ code: 'REVOKED', statusCode: 401 });
      expect(Object.hasOwn(shared, 'statusCode')).toBe(false);
    });
  });

  it('fails closed with a 500 when the verifier rejects with something else', async () => {
    const instance = Fastify();
    await instance.register(cognitoGuard, { verifier: rejectingVerifier(new Error('boom')) });
    instance.get('/', async () => 'reached');
    const get = await listen(instance);
    const answer = await get('/', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('reached');
  });

  it.each([
    ['optional', { optional: 'yes' }],
    ['allowQueryToken', { allowQueryToken: 1 }],
    ['passErrors', { passErrors: 'true' }],
    ['realm', { realm: 'line\r\nbreak' }],
    ['not both', { userPoolId: 'us-east-1_Example' }],
  ])('fails the registration for a bad %s', async (_name, extra) => {
    const instance = Fastify();
    app = instance;
    const options = { verifier: rejectingVerifier(new AuthError('REVOKED')), ...extra };
    await expect(instance.register(cognitoGuard, options as never).ready()).rejects.toThrow(
      TypeError,
    );
  });

  it.each([
    ['optinal', { optinal: true }],
    ['tokenuse', { userPoolId: 'us-east-1_Example', clientId: 'c', tokenuse: 'access' }],
  ])('fails the registration naming the unknown option "%s"', async (key, options) => {
    const instance = Fastify();
    app = instance;
    const given =
      'userPoolId' in options
        ? options
        : { verifier: rejectingVerifier(new AuthError('REVOKED')), ...options };
    await expect(instance.register(cognitoGuard, given as never).ready()).rejects.toThrow(
      new RegExp(`unknown cognitoGuard option "${key}"`),
    );
  });

  it('accepts the options Fastify itself passes along to a plugin', async () => {
    const instance = Fastify();
    app = instance;
    const options = { verifier: rejectingVerifier(new AuthError('REVOKED')), logLevel: 'warn' };
    await expect(instance.register(cognitoGuard, options as never).ready()).resolves.toBeDefined();
  });

  it('fails the registration for verifier options createVerifier refuses', async () => {
    const instance = Fastify();
    app = instance;
    const options = { userPoolId: 'us-east-1_Example', clientId: 'c' };
    await expect(instance.register(cognitoGuard, options as never).ready()).rejects.toThrow(
      /tokenUse/,
    );
  });
});
