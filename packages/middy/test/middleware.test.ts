import { createVerifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CognitoAuthContext,
  type CognitoAuthResponse,
  cognitoAuth,
  type HttpAuthError,
  requireGroups,
  requireScopes,
} from '../src/index.js';
import { albEvent, fixture, httpApiV2Event, restProxyEvent } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_MiddyMw1', clock });
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

const lambdaContext = () => ({ functionName: 'test', awsRequestId: 'r1' }) as unknown as Context;

type AuthContext = Context & CognitoAuthContext;

/** A Middy handler behind `cognitoAuth` and `extra` that answers with the `sub` it saw. */
function handlerWith(
  options: Parameters<typeof cognitoAuth>[0],
  ...extra: ReturnType<typeof requireScopes>[]
) {
  return middy<unknown, CognitoAuthResponse, Error, AuthContext>()
    .use(cognitoAuth(options))
    .use(extra)
    .handler(async (_event, context) => ({
      statusCode: 200,
      body: JSON.stringify({ sub: context.auth?.sub ?? null, scopes: context.auth?.scopes ?? [] }),
      isBase64Encoded: false as const,
    }));
}

const bearer = (token: string) => [['Authorization', `Bearer ${token}`]] as const;

describe('cognitoAuth', () => {
  it('verifies the token of the captured REST proxy event with the token swapped in', async () => {
    const sub = '11111111-2222-3333-4444-555555555555';
    const token = await issuer.mintAccessToken({ sub, scopes: ['orders/read'] });
    const event = restProxyEvent('/orders', bearer(token));
    // Both maps of the captured event carry the new token, and only it.
    expect((event.headers as Record<string, string>).Authorization).toBe(`Bearer ${token}`);
    const result = await handlerWith({ verifier: verifier() })(event, lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ sub, scopes: ['orders/read'] });
  });

  it('verifies the token of the captured HTTP API 2.0 event with the token swapped in', async () => {
    const token = await issuer.mintAccessToken({ sub: 'sub-v2' });
    const event = httpApiV2Event('/orders', bearer(token));
    const result = await handlerWith({ verifier: verifier() })(event, lambdaContext());
    expect(JSON.parse(result.body).sub).toBe('sub-v2');
  });

  it('refuses the captured REST event as it is: its token is from another pool', async () => {
    const event = fixture('apigw-rest-proxy-cognito-authorizer.json');
    const result = await handlerWith({ verifier: verifier(), realm: 'orders' })(
      event,
      lambdaContext(),
    );
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['www-authenticate']).toMatch(
      /^Bearer realm="orders", error="invalid_token"/,
    );
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(result.body).error).toBe('invalid_token');
  });

  it('answers 401 with a bare challenge to an event without a token', async () => {
    const result = await handlerWith({ verifier: verifier() })(
      restProxyEvent('/', []),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 401, isBase64Encoded: false });
    expect(result.headers?.['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('answers 401 to an event that is not an HTTP event at all', async () => {
    for (const event of [{}, null, 'text', { headers: 'x', multiValueHeaders: [1] }]) {
      const result = await handlerWith({ verifier: verifier() })(event, lambdaContext());
      expect(result.statusCode).toBe(401);
    }
  });

  it('lets an optional handler run without auth, and overwrites a stale context.auth', async () => {
    const context = { ...lambdaContext(), auth: { sub: 'stale' } } as unknown as AuthContext;
    const result = await handlerWith({ verifier: verifier(), optional: true })(
      httpApiV2Event('/', []),
      context,
    );
    expect(JSON.parse(result.body).sub).toBeNull();
    expect(context.auth).toBeUndefined();
  });

  it('answers 400 to two Authorization headers joined by an HTTP API 2.0 event', async () => {
    const token = await issuer.mintAccessToken();
    const event = httpApiV2Event('/', [...bearer(token), ...bearer(token)]);
    expect((event.headers as Record<string, string>).authorization).toContain(',Bearer ');
    const result = await handlerWith({ verifier: verifier() })(event, lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error).toBe('invalid_request');
  });

  it('treats a Digest value with commas in an HTTP API 2.0 event as another scheme', async () => {
    const event = httpApiV2Event('/', [['Authorization', 'Digest username="a", realm="b"']]);
    const result = await handlerWith({ verifier: verifier(), optional: true })(
      event,
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
  });

  it('answers 400 to a token in the header and in the query of an HTTP API 2.0 event', async () => {
    const token = await issuer.mintAccessToken();
    const event = httpApiV2Event('/', bearer(token), `access_token=${token}`);
    const result = await handlerWith({ verifier: verifier(), allowQueryToken: true })(
      event,
      lambdaContext(),
    );
    expect(result.statusCode).toBe(400);
  });

  it('reads a query token of a REST event only with allowQueryToken', async () => {
    const token = await issuer.mintAccessToken({ sub: 'q' });
    const event = restProxyEvent('/', [], `access_token=${token}`);
    expect((await handlerWith({ verifier: verifier() })(event, lambdaContext())).statusCode).toBe(
      401,
    );
    const allowed = await handlerWith({ verifier: verifier(), allowQueryToken: true })(
      event,
      lambdaContext(),
    );
    expect(JSON.parse(allowed.body).sub).toBe('q');
  });

  it('answers an ALB event with statusDescription, and with multi-value headers when it has them', async () => {
    const single = await handlerWith({ verifier: verifier() })(albEvent('/', []), lambdaContext());
    expect(single).toMatchObject({ statusCode: 401, statusDescription: '401 Unauthorized' });
    expect(single.headers?.['www-authenticate']).toBe('Bearer realm="api"');
    const multi = await handlerWith({ verifier: verifier() })(
      albEvent('/', [], true),
      lambdaContext(),
    );
    expect(multi.headers).toBeUndefined();
    expect(multi.multiValueHeaders?.['www-authenticate']).toEqual(['Bearer realm="api"']);
  });

  it('verifies the token of an ALB event with multi-value headers', async () => {
    const token = await issuer.mintAccessToken({ sub: 'alb' });
    const result = await handlerWith({ verifier: verifier() })(
      albEvent('/', bearer(token), true),
      lambdaContext(),
    );
    expect(JSON.parse(result.body).sub).toBe('alb');
  });

  it('throws an HttpAuthError for onError middlewares with passErrors', async () => {
    const handler = middy()
      .use(cognitoAuth({ verifier: verifier(), passErrors: true }))
      .handler(async () => ({ statusCode: 200 }));
    const err = (await handler(restProxyEvent('/', []), lambdaContext()).catch(
      (e: unknown) => e,
    )) as HttpAuthError;
    expect(err.code).toBe('NO_CREDENTIALS');
    expect(err.statusCode).toBe(401);
    expect(err.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses unknown options when created', () => {
    expect(() => cognitoAuth({ verifier: verifier(), optionl: true } as never)).toThrow(/optionl/);
    expect(() => cognitoAuth(null as never)).toThrow(TypeError);
  });

  it('never echoes a refused token in the answer (token echo)', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -3600 });
    const result = await handlerWith({ verifier: verifier(), errorDetail: 'code' })(
      restProxyEvent('/', bearer(token)),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(401);
    const answer = JSON.stringify(result);
    for (const part of token.split('.')) expect(answer).not.toContain(part);
  });
});

describe('Middy guards', () => {
  it('answers 403 insufficient_scope with the scope when a scope is missing', async () => {
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    const result = await handlerWith({ verifier: verifier() }, requireScopes('orders/write'))(
      httpApiV2Event('/', bearer(token)),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(403);
    expect(result.headers?.['www-authenticate']).toContain('error="insufficient_scope"');
    expect(result.headers?.['www-authenticate']).toContain('scope="orders/write"');
  });

  it('lets a user in the group through', async () => {
    const token = await issuer.mintAccessToken({ sub: 'admin', groups: ['admin'] });
    const result = await handlerWith({ verifier: verifier() }, requireGroups('admin'))(
      restProxyEvent('/', bearer(token)),
      lambdaContext(),
    );
    expect(JSON.parse(result.body).sub).toBe('admin');
  });

  it('answers 401 on an optional handler without a token', async () => {
    const result = await handlerWith(
      { verifier: verifier(), optional: true },
      requireGroups('admin'),
    )(restProxyEvent('/', []), lambdaContext());
    expect(result.statusCode).toBe(401);
  });

  it('fails closed without cognitoAuth in front, even with a forged context.auth (context forgery)', async () => {
    const handler = middy<unknown, unknown, Error, AuthContext>()
      .use({
        before: async (request) => {
          request.context.auth = { sub: 'forged', groups: ['admin'] } as never;
        },
      })
      .use(requireGroups('admin'))
      .handler(async () => ({ statusCode: 200 }));
    await expect(handler(restProxyEvent('/', []), lambdaContext())).rejects.toThrow(
      /without cognitoAuth/,
    );
  });

  it('reads the verified result, not a context.auth changed after verification', async () => {
    const token = await issuer.mintAccessToken({ groups: [] });
    const handler = middy<
      unknown,
      CognitoAuthResponse | { statusCode: number },
      Error,
      AuthContext
    >()
      .use(cognitoAuth({ verifier: verifier() }))
      .use({
        before: async (request) => {
          request.context.auth = { sub: 'forged', groups: ['admin'] } as never;
        },
      })
      .use(requireGroups('admin'))
      .handler(async () => ({ statusCode: 200 }));
    const result = await handler(restProxyEvent('/', bearer(token)), lambdaContext());
    expect(result.statusCode).toBe(403);
  });
});
