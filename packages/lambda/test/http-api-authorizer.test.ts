import { createVerifier, requireGroups, requireScopes, type Verifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type {
  APIGatewayRequestIAMAuthorizerHandlerV2,
  APIGatewayRequestSimpleAuthorizerHandlerV2,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpApiAuthorizer,
  type HttpApiSimpleAuthorizerOptions,
  type HttpApiV1AuthorizerEvent,
  type HttpApiV2AuthorizerEvent,
} from '../src/index.js';
import { eventLog, fixture, iamAllows, unauthorizedCode } from './helpers.js';

let issuer: TestIssuer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
});

afterAll(async () => {
  await issuer?.close();
});

/** The captured payload 2.0 event with the token swapped into header and identitySource. */
function v2Event(authorization: string | undefined, headerName = 'authorization') {
  const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
  const headers: Record<string, string | undefined> = { ...event.headers };
  delete headers.authorization;
  if (authorization !== undefined) headers[headerName] = authorization;
  return {
    ...event,
    headers,
    identitySource: authorization === undefined ? [] : [authorization],
  } as HttpApiV2AuthorizerEvent;
}

/**
 * The docs payload 2.0 example (cookies, mTLS, `$default` route key) with a token added, as the
 * value of the one identity source (the example's own values are placeholders).
 */
function v2DocsEvent(authorization: string): HttpApiV2AuthorizerEvent {
  const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer-docs-example.json');
  return {
    ...event,
    headers: { ...event.headers, authorization },
    identitySource: [authorization],
  };
}

/**
 * The captured event for another request: route key, route ARN, `requestContext.http` and the
 * identity values of `$request.header.Authorization` plus the given extra sources.
 */
function v2Request(
  authorization: string,
  request: { method: string; path: string; routeKey: string },
  sources: readonly ('routeKey' | 'httpMethod' | 'path')[],
): HttpApiV2AuthorizerEvent {
  const event = v2Event(authorization);
  const values = { routeKey: request.routeKey, httpMethod: request.method, path: request.path };
  return {
    ...event,
    routeArn: `${V2_ARN}${request.method}${request.path}`,
    routeKey: request.routeKey,
    rawPath: request.path,
    identitySource: [authorization, ...sources.map((s) => values[s])],
    requestContext: {
      ...event.requestContext,
      routeKey: request.routeKey,
      http: { ...event.requestContext.http, method: request.method, path: request.path },
    },
  };
}

/** What a handler threw, as its message (fails when it resolved). */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the authorizer to throw an Error');
  return error.message;
}

/** A payload 1.0 fixture with the token swapped in as the identity source. */
function v1Event(name: string, authorization: string): HttpApiV1AuthorizerEvent {
  const event = fixture<HttpApiV1AuthorizerEvent>(name);
  return {
    ...event,
    identitySource: authorization,
    authorizationToken: authorization,
    headers: { ...event.headers, Authorization: authorization },
  };
}

const V2_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:lsw1ro4ipb/$default/';
const V1_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/';

describe('createHttpApiAuthorizer, simple responses', () => {
  it('authorizes the captured payload 2.0 event with a rich context', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const token = await issuer.mintAccessToken({
      username: 'carol',
      groups: ['staff'],
      scopes: ['orders/read'],
    });
    const result = await handler(v2Event(`Bearer ${token}`));
    expect(result).toEqual({
      isAuthorized: true,
      context: expect.objectContaining({
        username: 'carol',
        groups: ['staff'],
        scopes: ['orders/read'],
        isMachine: false,
      }),
    });
  });

  it('throws Unauthorized (401) for the captured "Bearer foo", not isAuthorized false (403)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = fixture<HttpApiV2AuthorizerEvent>('apigw-http-v2-authorizer.json');
    expect(await unauthorizedCode(handler(event))).toBe('MALFORMED');
  });

  it('authorizes the docs example event, which has cookies and mTLS data', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const result = await handler(v2DocsEvent(await issuer.mintAccessToken()));
    expect(result.isAuthorized).toBe(true);
  });

  it("finds the token under serverless-offline's client-cased Authorization header", async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = v2Event(`Bearer ${await issuer.mintAccessToken()}`, 'Authorization');
    expect((await handler(event)).isAuthorized).toBe(true);
  });

  it('refuses comma-joined duplicate headers (payload 2.0 joins repeated headers)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const a = await issuer.mintAccessToken({ username: 'a' });
    const b = await issuer.mintAccessToken({ username: 'b' });
    expect(await unauthorizedCode(handler(v2Event(`Bearer ${a},Bearer ${b}`)))).toBe('BAD_REQUEST');
  });

  it("refuses a token whose group 'readers admin' would split back into admin (group-splitting escalation)", async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const token = await issuer.mintAccessToken({ groups: ['readers admin'] });
    // The simple context carries an array, but the token is refused as everywhere else.
    expect(await unauthorizedCode(handler(v2Event(`Bearer ${token}`)))).toBe('CLAIM_TYPE');
  });

  it('answers isAuthorized false (403) when require refuses the token', async () => {
    const log = eventLog();
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      policy: requireScopes('orders/write'),
      onEvent: log.onEvent,
    });
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    expect(await handler(v2Event(`Bearer ${token}`))).toEqual({ isAuthorized: false });
    expect(log.events).toEqual([
      expect.objectContaining({ type: 'deny', code: 'INSUFFICIENT_SCOPE' }),
    ]);
  });

  it("decides by the route key with cacheKey 'route-key'", async () => {
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: { 'POST /lambda': requireGroups('writers'), 'GET /lambda': 'authenticated' },
      cacheKey: 'route-key',
    });
    const reader = `Bearer ${await issuer.mintAccessToken({ groups: ['readers'] })}`;
    const writer = `Bearer ${await issuer.mintAccessToken({ groups: ['writers'] })}`;
    const post = { method: 'POST', path: '/lambda', routeKey: 'POST /lambda' };
    const get = { method: 'GET', path: '/lambda', routeKey: 'GET /lambda' };
    expect((await handler(v2Request(reader, post, ['routeKey']))).isAuthorized).toBe(false);
    expect((await handler(v2Request(writer, post, ['routeKey']))).isAuthorized).toBe(true);
    expect((await handler(v2Request(reader, get, ['routeKey']))).isAuthorized).toBe(true);
  });

  it("decides by method and path with cacheKey 'method-and-path', on a catch-all route", async () => {
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: { 'GET /orders': 'authenticated', 'DELETE /orders/{id}': requireGroups('admin') },
      cacheKey: 'method-and-path',
    });
    const reader = `Bearer ${await issuer.mintAccessToken({ groups: ['readers'] })}`;
    const sources = ['httpMethod', 'path'] as const;
    const list = { method: 'GET', path: '/orders', routeKey: '$default' };
    const remove = { method: 'DELETE', path: '/orders/1', routeKey: '$default' };
    expect((await handler(v2Request(reader, list, sources))).isAuthorized).toBe(true);
    expect((await handler(v2Request(reader, remove, sources))).isAuthorized).toBe(false);
    // A named stage: $context.path carries it, the route ARN does not.
    const staged = v2Request(reader, remove, sources);
    const stagedEvent = {
      ...staged,
      routeArn: staged.routeArn.replace('/$default/', '/prod/'),
      identitySource: [reader, 'DELETE', '/prod/orders/1'],
      requestContext: {
        ...staged.requestContext,
        http: { ...staged.requestContext.http, path: '/prod/orders/1' },
      },
    };
    expect((await handler(stagedEvent)).isAuthorized).toBe(false);
  });

  it("refuses with a 500 a route key no rule names under 'route-key' (the $default cache bypass)", async () => {
    const log = eventLog();
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: { 'GET /orders': 'authenticated', 'DELETE /orders/{id}': requireGroups('admin') },
      cacheKey: 'route-key',
      onEvent: log.onEvent,
    });
    const reader = `Bearer ${await issuer.mintAccessToken()}`;
    for (const routeKey of ['$default', 'ANY /{proxy+}', 'ANY /orders/{id}']) {
      const event = v2Request(reader, { method: 'GET', path: '/orders', routeKey }, ['routeKey']);
      expect(await failure(handler(event))).toContain('no rule keyed');
    }
    expect(log.events.map((e) => e.type)).toEqual(['error', 'error', 'error']);
  });

  it('refuses with a 500 an event whose identity sources miss what the mode needs (cache-key bypass)', async () => {
    const reader = `Bearer ${await issuer.mintAccessToken()}`;
    const rules = { 'GET /orders': 'authenticated' } as const;
    const byRoute = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: rules,
      cacheKey: 'route-key',
    });
    const byRequest = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      routes: rules,
      cacheKey: 'method-and-path',
    });
    const request = { method: 'GET', path: '/orders', routeKey: 'GET /orders' };
    expect(await failure(byRoute(v2Request(reader, request, [])))).toContain('$context.routeKey');
    expect(await failure(byRequest(v2Request(reader, request, ['routeKey'])))).toContain(
      '$context.httpMethod',
    );
    expect(await failure(byRequest(v2Request(reader, request, ['httpMethod'])))).toContain(
      '$context.path',
    );
    // The route ARN the rules read must name the method and path in the key.
    const lying = { ...v2Request(reader, request, ['httpMethod', 'path']) };
    const forged = { ...lying, routeArn: `${V2_ARN}DELETE/orders` };
    expect(await failure(byRequest(forged))).toContain('disagree');
  });

  it('refuses with a 500 an event whose identity sources do not hold the token (shared cache entry)', async () => {
    const log = eventLog();
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier, onEvent: log.onEvent });
    const token = await issuer.mintAccessToken();
    const event = { ...v2Event(`Bearer ${token}`), identitySource: ['GET /lambda'] };
    expect(await failure(handler(event))).toContain('identity sources');
    expect(log.events).toEqual([expect.objectContaining({ type: 'error' })]);
    const iam = createHttpApiAuthorizer({ response: 'iam', verifier });
    expect(await failure(iam(event))).toContain('identity sources');
    // Payload 1.0 sends the values comma-joined.
    const v1 = { ...v1Event('apigw-http-v1-authorizer.json', `Bearer ${token}`) };
    expect((await iam({ ...v1, identitySource: `x,Bearer ${token}` })).principalId).toBeTruthy();
    expect(await failure(iam({ ...v1, identitySource: 'x,y' }))).toContain('identity sources');
  });

  it('refuses route rules without cacheKey, and the old routeAwareCache, at creation', () => {
    const options = {
      response: 'simple',
      verifier,
      routes: { 'GET /x': 'authenticated' },
    } as unknown as HttpApiSimpleAuthorizerOptions;
    expect(() => createHttpApiAuthorizer(options)).toThrow("cacheKey: 'method-and-path'");
    expect(() => createHttpApiAuthorizer({ ...options, routeAwareCache: true } as never)).toThrow(
      'routeAwareCache is replaced by cacheKey',
    );
    expect(() =>
      createHttpApiAuthorizer({
        ...options,
        cacheKey: 'route-key',
        defaultPolicy: 'authenticated',
      } as never),
    ).toThrow('defaultPolicy does not apply');
    expect(() =>
      createHttpApiAuthorizer({ response: 'simple', verifier, cacheKey: 'route-key' } as never),
    ).toThrow('without routes');
  });

  it('refuses a payload 1.0 event: simple responses exist for 2.0 only', async () => {
    const handler = createHttpApiAuthorizer({ response: 'simple', verifier });
    const event = v1Event('apigw-http-v1-authorizer.json', 'Bearer x.y.z');
    await expect(handler(event as unknown as HttpApiV2AuthorizerEvent)).rejects.toThrow(
      'payload format 2.0',
    );
  });

  it('refuses "claims" in the context (reserved by HTTP APIs) with a 500', async () => {
    const handler = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
      context: () => ({ claims: 'x' }),
    });
    const error = await handler(v2Event(`Bearer ${await issuer.mintAccessToken()}`)).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('reserved');
  });

  it('is assignable to the @types/aws-lambda simple handler type', () => {
    const handler: APIGatewayRequestSimpleAuthorizerHandlerV2 = createHttpApiAuthorizer({
      response: 'simple',
      verifier,
    });
    expect(typeof handler).toBe('function');
  });
});

describe('createHttpApiAuthorizer, IAM responses', () => {
  it('answers the captured payload 2.0 event with a stage-wide policy on routeArn', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    const result = await handler(v2Event(`Bearer ${await issuer.mintAccessToken()}`));
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${V2_ARN}*/*`] },
    ]);
    // IAM responses keep the context flat, as REST requires.
    expect(typeof result.context.groups).toBe('string');
  });

  it.each(['apigw-http-v1-authorizer.json', 'apigw-http-v1-authorizer-multivalue.json'])(
    'answers the payload 1.0 event %s from methodArn',
    async (name) => {
      const handler = createHttpApiAuthorizer({
        response: 'iam',
        verifier,
        routes: { 'GET /request': requireGroups('staff') },
      });
      const staff = await issuer.mintAccessToken({ groups: ['staff'] });
      const result = await handler(v1Event(name, `Bearer ${staff}`));
      expect(iamAllows(result.policyDocument, `${V1_ARN}GET/request`)).toBe(true);
      expect(iamAllows(result.policyDocument, `${V1_ARN}GET/other`)).toBe(false);
      const guest = await issuer.mintAccessToken();
      const denied = await handler(v1Event(name, `Bearer ${guest}`));
      expect(iamAllows(denied.policyDocument, `${V1_ARN}GET/request`)).toBe(false);
    },
  );

  it('throws Unauthorized for the payload 1.0 fixtures as captured (no bearer token)', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    for (const name of [
      'apigw-http-v1-authorizer.json',
      'apigw-http-v1-authorizer-multivalue.json',
    ]) {
      expect(await unauthorizedCode(handler(fixture<HttpApiV1AuthorizerEvent>(name)))).toBe(
        'NO_CREDENTIALS',
      );
    }
  });

  it('refuses a REST event (no version) and a WebSocket event with a 500-class error', async () => {
    const handler = createHttpApiAuthorizer({ response: 'iam', verifier });
    const rest = fixture<HttpApiV1AuthorizerEvent>('apigw-rest-request-authorizer.json');
    await expect(handler(rest)).rejects.toThrow('only handles HTTP API authorizer events');
    const ws = fixture<HttpApiV1AuthorizerEvent>('apigw-websocket-connect-authorizer.json');
    await expect(handler(ws)).rejects.toThrow('only handles HTTP API authorizer events');
  });

  it('is assignable to the @types/aws-lambda IAM handler type', () => {
    const handler: APIGatewayRequestIAMAuthorizerHandlerV2 = createHttpApiAuthorizer({
      response: 'iam',
      verifier,
    });
    expect(typeof handler).toBe('function');
  });
});
