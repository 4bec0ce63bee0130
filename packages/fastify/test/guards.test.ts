import {
  anyOf,
  requireGroups as corePolicyGroups,
  requireScopes as corePolicyScopes,
  createVerifier,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp } from '../../../test/conformance/http-client.js';
import {
  cognitoGuard,
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from '../src/index.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_FastifyGd', clock });
});

afterAll(async () => {
  await issuer?.close();
});

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app with the plugin (reporting codes through its error handler) and `routes` added. */
async function start(
  routes: (instance: FastifyInstance) => void,
  options: { optional?: boolean; passErrors?: boolean; plugin?: boolean } = {},
) {
  const instance = Fastify();
  app = instance;
  if (options.plugin !== false) {
    await instance.register(cognitoGuard, {
      verifier: createVerifier({
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse: 'access',
        jwksUri: issuer.jwksUri,
        clock,
      }),
      optional: options.optional ?? false,
      passErrors: options.passErrors ?? true,
    });
  }
  instance.setErrorHandler((err: { statusCode?: number; code?: string }, _request, reply) =>
    reply.code(err.statusCode ?? 500).send({ code: err.code ?? null }),
  );
  routes(instance);
  await instance.listen({ port: 0, host: '127.0.0.1' });
  const address = instance.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return async (path: string, headers: readonly (readonly [string, string])[] = []) => {
    const answer = await sendHttp(port, { method: 'GET', path, headers });
    return { ...answer, json: JSON.parse(answer.text) as Record<string, unknown> };
  };
}

const handler = async (request: { auth?: { sub: string } | undefined }) => ({
  sub: request.auth?.sub ?? null,
});

describe('route guard hooks', () => {
  it('check scopes in preHandler and answer 403 with the scope attribute', async () => {
    const get = await start(
      (i) => {
        i.get('/', { preHandler: requireScopes('orders/read') }, handler);
      },
      { passErrors: false },
    );
    const allowed = await issuer.mintAccessToken({ sub: 's', scopes: ['orders/read'] });
    expect((await get('/', [bearer(allowed)])).json).toEqual({ sub: 's' });
    const denied = await get('/', [bearer(await issuer.mintAccessToken({ scopes: ['x'] }))]);
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toContain(', scope="orders/read"');
    expect(denied.json).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token does not grant access to this resource',
    });
  });

  it('run as route onRequest hooks, after the plugin authenticated the request', async () => {
    const get = await start((i) => {
      i.get('/', { onRequest: [requireGroups('admin')] }, handler);
    });
    const answer = await get('/', [bearer(await issuer.mintAccessToken({ groups: ['readers'] }))]);
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ code: 'GROUP_NOT_ALLOWED' });
  });

  it('answer 401 on an optional route without a token', async () => {
    const get = await start(
      (i) => {
        i.get('/', { preHandler: requireUser() }, handler);
      },
      { optional: true },
    );
    const answer = await get('/');
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ code: 'NO_CREDENTIALS' });
  });

  it('fail closed with a 500 on a route the plugin skipped', async () => {
    const get = await start((i) => {
      i.get('/', { config: { auth: false }, preHandler: requireScopes('a') }, handler);
    });
    expect((await get('/')).json).toEqual({ code: null });
    expect((await get('/')).status).toBe(500);
  });

  it('fail closed with a 500 without the plugin', async () => {
    const get = await start(
      (i) => {
        i.get('/', { preHandler: requireScopes('a') }, handler);
      },
      { plugin: false },
    );
    expect((await get('/')).status).toBe(500);
  });

  it('trust what the plugin verified, not a request.auth assigned after it', async () => {
    const get = await start((i) => {
      i.get(
        '/',
        {
          preHandler: [
            async (request) => {
              request.auth = { ...request.auth!, groups: ['admin'] };
            },
            requireGroups('admin'),
          ],
        },
        handler,
      );
    });
    const answer = await get('/', [bearer(await issuer.mintAccessToken({ groups: ['readers'] }))]);
    expect(answer.status).toBe(403);
  });

  it('also work as route policies in config.auth.policy', async () => {
    const get = await start((i) => {
      i.get(
        '/',
        { config: { auth: { policy: [requireScopes('a'), requireGroups('g')] } } },
        handler,
      );
    });
    const both = await issuer.mintAccessToken({ sub: 'ok', scopes: ['a'], groups: ['g'] });
    const scopeOnly = await issuer.mintAccessToken({ scopes: ['a'] });
    expect((await get('/', [bearer(both)])).json).toEqual({ sub: 'ok' });
    expect((await get('/', [bearer(scopeOnly)])).json).toEqual({ code: 'GROUP_NOT_ALLOWED' });
  });

  it('refuse every request when a policy is async (fail closed)', async () => {
    // TypeScript accepts an async function where a void-returning policy is expected.
    const asyncPolicy = async () => {};
    const get = await start((i) => {
      i.get('/hook', { preHandler: guard(asyncPolicy) }, handler);
      i.get('/config', { config: { auth: { policy: asyncPolicy } } }, handler);
    });
    const token = await issuer.mintAccessToken();
    expect((await get('/hook', [bearer(token)])).json).toEqual({ code: 'CLAIM_CHECK' });
    expect((await get('/config', [bearer(token)])).json).toEqual({ code: 'CLAIM_CHECK' });
  });

  it('check exact claims, user tokens and client tokens', async () => {
    const get = await start((i) => {
      i.get('/alice', { preHandler: requireClaims({ username: 'alice' }) }, handler);
      i.get('/user', { preHandler: requireUser() }, handler);
      i.get('/client', { preHandler: requireClient(issuer.clientId) }, handler);
      i.get(
        '/custom',
        {
          preHandler: guard((auth) => {
            if (auth.scopes.length > 1) throw new Error('one scope only');
          }),
        },
        handler,
      );
    });
    const alice = await issuer.mintAccessToken({ username: 'alice' });
    const bob = await issuer.mintAccessToken({ username: 'bob', scopes: ['a', 'b'] });
    const machine = await issuer.mintClientCredentialsToken();
    expect((await get('/alice', [bearer(alice)])).status).toBe(200);
    expect((await get('/alice', [bearer(bob)])).json).toEqual({ code: 'CLAIM_CHECK' });
    expect((await get('/user', [bearer(machine)])).json).toEqual({ code: 'CLAIM_CHECK' });
    expect((await get('/client', [bearer(machine)])).status).toBe(200);
    expect((await get('/client', [bearer(alice)])).status).toBe(403);
    expect((await get('/custom', [bearer(alice)])).status).toBe(200);
    expect((await get('/custom', [bearer(bob)])).json).toEqual({ code: 'CLAIM_CHECK' });
  });
});

describe('route guard configuration', () => {
  it('throws a TypeError at creation for an empty or malformed rule', () => {
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireGroups({ anyOf: [] })).toThrow(TypeError);
    expect(() => requireClaims({})).toThrow(TypeError);
    expect(() => guard(undefined as never)).toThrow(TypeError);
  });
});

describe('a core policy in a hook slot', () => {
  it('fails the route registration with a TypeError naming the slot', async () => {
    const instance = Fastify();
    app = instance;
    await instance.register(cognitoGuard, {
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
    });
    // Cast: it does not compile, which is the point of the type test.
    const policy = corePolicyScopes('orders/read') as never;
    let thrown: unknown;
    try {
      instance.get('/', { preHandler: [policy] }, handler);
      await instance.ready();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toContain(
      'preHandler of GET / is a core policy, not a Fastify hook',
    );
  });

  it('answers 500 with a TypeError, never a 403 or a hang, when added with addHook', async () => {
    const seen: unknown[] = [];
    const get = await start((i) => {
      i.addHook('preHandler', anyOf(corePolicyGroups('admin')) as never);
      i.addHook('onError', async (_request, _reply, err) => {
        seen.push(err);
      });
      i.get('/', handler);
    });
    const token = await issuer.mintAccessToken({ groups: ['admin'] });
    const answer = await get('/', [bearer(token)]);
    expect(answer.status).toBe(500);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(TypeError);
    expect((seen[0] as Error).message).toContain('anyOf() from @cognito-guard/core is a policy');
  });

  it('accepts the same policy in config.auth.policy and through guard()', async () => {
    const get = await start((i) => {
      i.get('/config', { config: { auth: { policy: corePolicyScopes('a') } } }, handler);
      i.get('/guard', { preHandler: guard(corePolicyScopes('a')) }, handler);
    });
    const token = await issuer.mintAccessToken({ sub: 's9', scopes: ['a'] });
    expect((await get('/config', [bearer(token)])).json).toEqual({ sub: 's9' });
    expect((await get('/guard', [bearer(token)])).json).toEqual({ sub: 's9' });
  });
});
